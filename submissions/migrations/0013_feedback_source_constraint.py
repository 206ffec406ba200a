from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from 0012 so that its data step commits before the table is altered."""

    dependencies = [
        ("submissions", "0012_feedback_follow_up"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='feedback',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('means', ''), ('recorded_by__isnull', True), ('source', 'online')), models.Q(('contacted_at__isnull', False), ('source', 'follow_up')), _connector='OR'), name='feedback_source_complete'),
        ),
    ]
