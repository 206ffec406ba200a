"""Admin forms of the deputies app."""

from wagtail.admin.forms import WagtailAdminModelForm


class StationDefaultForm(WagtailAdminModelForm):
    """Asks for the station only when there is a choice to make. An installation starts with
    one station (DESIGN §3); until a second one is added, the field is left out of the form and
    the record belongs to that station."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "station" not in self.fields:
            return
        from deputies.models import Station

        stations = list(Station.objects.order_by("pk")[:2])
        if len(stations) == 1:
            del self.fields["station"]
            if self.instance.station_id is None:
                self.instance.station = stations[0]
