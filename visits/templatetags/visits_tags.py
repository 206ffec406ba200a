"""Visit figures other apps' templates show, without those apps importing this one: the
number on a deputy's public profile and the list in the deputy's admin form."""

from django import template
from django.utils import timezone

from visits import coverage
from visits.models import Visit

register = template.Library()


@register.simple_tag
def enterprises_visited_this_year(deputy):
    return coverage.enterprises_visited(deputy, timezone.localdate().year)


@register.inclusion_tag("visits/admin/deputy_visits.html")
def deputy_visits(deputy, count=20):
    if not deputy or not deputy.pk:
        return {"visits": []}
    visits = (
        Visit.objects.filter(deputies=deputy)
        .select_related("enterprise")
        .prefetch_related("cases")
        .order_by("-date", "-pk")[:count]
    )
    return {"visits": visits, "deputy": deputy}
