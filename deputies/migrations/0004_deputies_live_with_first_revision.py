"""Every deputy that existed before profiles were revisioned is published, with a first
revision (and its log entry) holding the profile as it stands, so the history starts there."""

from django.db import migrations
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields


def serialized(deputy):
    """The revision content Wagtail would write (ClusterableModel.serializable_data), built
    from the historical model, which has no such method."""
    content = get_serializable_data_for_fields(deputy)
    content["pairings"] = [get_serializable_data_for_fields(p) for p in deputy.pairings.all()]
    return content


def publish_existing_deputies(apps, schema_editor):
    Deputy = apps.get_model("deputies", "Deputy")
    Revision = apps.get_model("wagtailcore", "Revision")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    deputies = Deputy.objects.filter(latest_revision__isnull=True).prefetch_related("pairings")
    if not deputies.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(
        app_label="deputies", model="deputy"
    )
    now = timezone.now()
    for deputy in deputies:
        deputy.live, deputy.has_unpublished_changes = True, False
        deputy.first_published_at = deputy.last_published_at = now
        revision = Revision.objects.create(
            content_type=content_type,
            base_content_type=content_type,
            object_id=str(deputy.pk),
            created_at=now,
            object_str=deputy.name,
            content=serialized(deputy),
        )
        ModelLogEntry.objects.create(
            content_type=content_type,
            object_id=str(deputy.pk),
            label=deputy.name,
            action="wagtail.publish",
            timestamp=now,
            revision=revision,
            content_changed=True,
        )
        Deputy.objects.filter(pk=deputy.pk).update(
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            latest_revision=revision,
            live_revision=revision,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0003_deputy_revisions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(publish_existing_deputies, migrations.RunPython.noop),
    ]
