from django.db import migrations

from submissions.defaults import ensure_categories


def seed(apps, schema_editor):
    ensure_categories(apps.get_model("submissions", "Category"))


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
