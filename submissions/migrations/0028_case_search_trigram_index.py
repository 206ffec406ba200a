"""A trigram index for the queues' search (CaseQuerySet.search), on PostgreSQL only: SQLite has
neither pg_trgm nor GIN, and searches its few cases by reading them."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Concat, Upper

INDEX = "case_search_trgm"
# models.searchable_text() as of this migration; tests/test_queue_scale.py checks that the
# planner uses this index for the expression the queues search today.
FIELDS = ["reference", "title", "description", "enterprise_name", "place"]


def searchable_text():
    parts = []
    for field in FIELDS:
        parts += [models.F(field), models.Value("\n")]
    return Upper(Concat(*parts[:-1], output_field=models.TextField()))


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        case = apps.get_model("submissions", "Case")
        index = GinIndex(OpClass(searchable_text(), name="gin_trgm_ops"), name=INDEX)
        schema_editor.add_index(case, index)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0027_case_submitter_phone_idx")]

    operations = [
        TrigramExtension(),  # a no-op on other databases
        migrations.RunPython(add_index, remove_index),
    ]
