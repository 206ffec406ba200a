"""Messages left Wagtail's reference index (NotificationViewSet.add_to_reference_index): drop
the entries indexed before, which would otherwise stay in the usage counts of cases and logins
and outlive the messages they describe."""

from django.db import migrations


def drop_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    message = ContentType.objects.filter(app_label="notifications", model="notification")
    ReferenceIndex.objects.filter(base_content_type__in=message).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_stage_replies_and_outcome_codes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(drop_entries, migrations.RunPython.noop)]
