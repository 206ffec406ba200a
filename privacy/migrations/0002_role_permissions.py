"""Station staff handle a person's requests; the committee reads the privacy logs."""

from django.db import migrations

from submissions.roles import migrate_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("submissions", "0024_handlers_add_notes"),
        ("notifications", "0003_stage_replies_and_outcome_codes"),
        ("visits", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(migrate_role_groups, migrations.RunPython.noop)]
