"""A bigram index for the queues' search of two characters (CaseQuerySet.search), on PostgreSQL
only. Two-character words are the commonest Chinese searches (路灯, 积水, 融资) and a trigram
index cannot answer them, so without this the search reads every case.

case_search_bigrams(text) is every two-character piece of text, as a text[]; a GIN index over
it for the searched expression answers `@> ARRAY[the term's pieces]`, and the search's own
LIKE keeps the result exact. pg_bigm would do the same but is not packaged for Debian."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models
from django.db.models.functions import Concat, Upper

INDEX = "case_search_bigram"
# models.searchable_text() as of this migration (see 0028).
FIELDS = ["reference", "title", "description", "enterprise_name", "place"]

FUNCTION = """
CREATE OR REPLACE FUNCTION case_search_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}')
    FROM generate_series(1, length($1) - 1) AS i
$$
"""


class Bigrams(models.Func):
    function = "case_search_bigrams"
    output_field = ArrayField(models.TextField())


def searchable_text():
    parts = []
    for field in FIELDS:
        parts += [models.F(field), models.Value("\n")]
    return Upper(Concat(*parts[:-1], output_field=models.TextField()))


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        case = apps.get_model("submissions", "Case")
        schema_editor.add_index(case, GinIndex(Bigrams(searchable_text()), name=INDEX))
        # The planner needs the statistics of the new expression to tell a common pair (read
        # the newest cases in order and stop at a page) from a rare one (ask the index); until
        # autovacuum gathers them it guesses, and at a million cases a wrong guess costs 0.5 s.
        schema_editor.execute("ANALYZE submissions_case")


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("DROP FUNCTION IF EXISTS case_search_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0028_case_search_trigram_index")]

    operations = [migrations.RunPython(add_index, remove_index)]
