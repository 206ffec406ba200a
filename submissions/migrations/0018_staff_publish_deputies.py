"""Station staff publish deputy profiles, now that they are revisioned.

Wagtail creates a snippet's publish and lock permissions after migrating (post_migrate), too
late for a migration to hand them to a group; this one creates them itself, with the names
Wagtail gives them, so Wagtail finds them there and adds nothing."""

from django.db import migrations

from submissions.roles import migrate_role_groups


def create_deputy_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    deputy, _ = ContentType.objects.get_or_create(app_label="deputies", model="deputy")
    for action in ("publish", "lock", "unlock"):
        Permission.objects.get_or_create(
            content_type=deputy,
            codename=f"{action}_deputy",
            defaults={"name": f"Can {action} deputy"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0017_bindings_data"),
        ("deputies", "0004_deputies_live_with_first_revision"),
    ]
    operations = [
        migrations.RunPython(create_deputy_permissions, migrations.RunPython.noop),
        migrations.RunPython(migrate_role_groups, migrations.RunPython.noop),
    ]
