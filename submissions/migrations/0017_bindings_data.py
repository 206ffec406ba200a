"""Existing committees and departments are active; existing bindings say what they act for
and carry the installation's station (a deputy's binding, the deputy's own station)."""

from django.db import migrations


def fill_bindings(apps, schema_editor):
    Committee = apps.get_model("submissions", "Committee")
    Department = apps.get_model("submissions", "Department")
    StaffProfile = apps.get_model("submissions", "StaffProfile")
    Station = apps.get_model("deputies", "Station")
    Committee.objects.update(is_active=True)
    Department.objects.update(is_active=True)
    default = Station.objects.order_by("pk").first()
    for profile in StaffProfile.objects.select_related("deputy", "user"):
        if profile.department_id:
            profile.acts_for = "department"
        elif profile.deputy_id:
            profile.acts_for = "deputy"
        elif profile.user.groups.filter(
            permissions__codename="assign_cases", permissions__content_type__app_label="submissions"
        ).exists():
            profile.acts_for = "committee"
        else:
            profile.acts_for = "station"
        station_id = (
            profile.deputy.station_id if profile.deputy_id else getattr(default, "pk", None)
        )
        profile.station_id = profile.station_id or station_id
        profile.save(update_fields=["acts_for", "station"])


class Migration(migrations.Migration):
    dependencies = [("submissions", "0016_organisations_and_bindings")]
    operations = [migrations.RunPython(fill_bindings, migrations.RunPython.noop)]
