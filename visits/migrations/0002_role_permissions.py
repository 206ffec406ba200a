"""Station staff record visits, teams, campaigns and plans; the committee reads them."""

from django.db import migrations

from submissions.roles import migrate_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
        ("submissions", "0010_case_key_supervised"),
    ]

    operations = [migrations.RunPython(migrate_role_groups, migrations.RunPython.noop)]
