# The Notification model moves to the notifications app: only the migration state changes
# here; notifications.0001 takes the table over and renames it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0019_drop_key_supervision_round"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
