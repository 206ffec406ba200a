"""What every template may use about the installation."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.functional import SimpleLazyObject

STATION_KEY = "portal:station"


def current_station():
    """The installation's station, cached (every public and admin page prints its name) until
    a station is saved or deleted; before one is set up, an unsaved one named after the site."""
    from deputies.models import Station

    station = cache.get(STATION_KEY)
    if station is None:
        station = Station.default() or Station(name=settings.WAGTAIL_SITE_NAME)
        cache.set(STATION_KEY, station, 60 * 60)
    return station


def station(request):
    """The station the site speaks for, read only by templates that print it."""
    return {"station": SimpleLazyObject(current_station)}


def forget_station(**kwargs):
    cache.delete(STATION_KEY)


def connect_signals():
    from deputies.models import Station

    for signal in (post_save, post_delete):
        signal.connect(forget_station, sender=Station, dispatch_uid="portal.station")
