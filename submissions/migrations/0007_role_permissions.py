"""Give the roles the permissions added with notifications and calendar overrides."""

from django.db import migrations

from submissions.roles import migrate_role_groups


class Migration(migrations.Migration):
    dependencies = [("submissions", "0006_notifications")]
    operations = [migrations.RunPython(migrate_role_groups, migrations.RunPython.noop)]
