"""Give the roles the permissions added with notifications and calendar overrides."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from submissions.roles import ensure_role_groups


def update_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("submissions", "0006_notifications")]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
