"""Wagtail's migrations create the moderation workflow in English; the station's editors and
moderators see its name on every button ("提交给…"), so give it the station's name."""

from django.db import migrations

NAMES = {"Moderators approval": "审核员审批"}


def rename(apps, schema_editor):
    for model in ("Workflow", "Task"):
        for old, new in NAMES.items():
            apps.get_model("wagtailcore", model).objects.filter(name=old).update(name=new)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
