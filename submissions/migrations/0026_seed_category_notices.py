from django.db import migrations

from submissions.defaults import CATEGORY_NOTICES


def seed(apps, schema_editor):
    category_model = apps.get_model("submissions", "Category")
    for name, notice in CATEGORY_NOTICES.items():
        # A note the station already wrote is theirs to keep.
        category_model.objects.filter(name=name, notice="").update(notice=notice)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0025_category_notice")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
