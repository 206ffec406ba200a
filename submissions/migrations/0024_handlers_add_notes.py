"""Department handlers add internal notes (with attachments) to the cases they handle."""

from django.db import migrations

from submissions.roles import migrate_role_groups


class Migration(migrations.Migration):
    dependencies = [("submissions", "0023_honest_rounds_notes_and_direct_contact")]
    operations = [migrations.RunPython(migrate_role_groups, migrations.RunPython.noop)]
