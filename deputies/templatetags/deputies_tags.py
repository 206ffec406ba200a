"""The deputy admin form's sections that other apps contribute (their visits, for one)."""

from django import template
from django.utils.safestring import mark_safe
from wagtail import hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def deputy_edit_sections(context, deputy):
    """The HTML each "deputy_edit_sections" hook returns for this deputy, in hook order: the
    apps that record a deputy's work show it here without this app importing them."""
    request = context.get("request")
    parts = [section(deputy, request) for section in hooks.get_hooks("deputy_edit_sections")]
    return mark_safe("".join(part for part in parts if part))  # noqa: S308 - rendered templates
