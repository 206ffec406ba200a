"""Deputy and roster sections that other apps' templates (the home page) include."""

from django import template

from deputies.models import ReceptionDay
from deputies.pages import DeputyIndexPage, ReceptionPage

register = template.Library()


@register.inclusion_tag("deputies/includes/home_reception.html")
def next_reception_days(count=3):
    return {
        "days": ReceptionDay.objects.upcoming().filter(kind=ReceptionDay.Kind.RECEPTION)[:count],
        "roster_page": ReceptionPage.objects.live().first(),
        "wall_page": DeputyIndexPage.objects.live().first(),
    }
