"""Database contents as raw table rows, to be put back in place of whatever is there.

Seeding the demo takes 10-20 s (a year of cases walked with the clock moved, images, pages,
revisions); so the demo is seeded once per test process and its rows are restored where a test
needs it (tests/conftest.py). Rows are copied table by table in SQL (COPY on PostgreSQL, one
INSERT per table on SQLite): loading them through Django's serializers, one model save per row,
took 4-10 s per restore, and some hundred tests restore the demo.
"""

import io

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


def tables():
    """{table: columns} of every table that `flush` empties: the managed models' tables (with
    auto-created many-to-many tables), each model's own columns (its parent's are the parent
    table's). Wagtail's SQLite full-text table is among them: its rowid is a declared column."""
    existing = set(connection.introspection.django_table_names(only_existing=True))
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        found.setdefault(meta.db_table, [field.column for field in meta.local_concrete_fields])
    return found


# The SQL below is built from the models' table and column names (quoted), never from input:
# hence the noqa: S608.


def take():
    """Every row of every table that `flush` empties, as the database stores it."""
    qn = connection.ops.quote_name
    snapshot = {}
    with connection.cursor() as cursor:
        for table, columns in tables().items():
            if connection.vendor == "postgresql":
                data = io.StringIO()
                names = ", ".join(map(qn, columns))
                query = f"COPY (SELECT {names} FROM {qn(table)}) TO STDOUT"  # noqa: S608
                cursor.copy_expert(query, data)
                snapshot[table] = (columns, data.getvalue())
            else:
                # "+column" is an expression, not a column: SQLite gives it no declared type, so
                # Python's sqlite3 hands back the stored value instead of converting it (Django
                # registers converters for bool, date and datetime, none back for time).
                values = ", ".join("+" + qn(column) for column in columns)
                cursor.execute(f"SELECT {values} FROM {qn(table)}")  # noqa: S608
                snapshot[table] = (columns, cursor.fetchall())
    return snapshot


def restore(snapshot):
    """Empty every table, then load the snapshot. Works inside a test's transaction too."""
    qn = connection.ops.quote_name
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # PostgreSQL refuses to TRUNCATE tables with deferred foreign-key checks pending from
            # earlier writes in this transaction: run the checks now.
            connection.check_constraints()
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        # Foreign keys are checked at the end of the transaction (Django declares them
        # DEFERRABLE INITIALLY DEFERRED), so the tables load in any order.
        with connection.cursor() as cursor:
            for table, (columns, rows) in snapshot.items():
                if not rows:
                    continue
                names = ", ".join(map(qn, columns))
                if connection.vendor == "postgresql":
                    cursor.copy_expert(f"COPY {qn(table)} ({names}) FROM STDIN", io.StringIO(rows))
                else:
                    # OR REPLACE: Wagtail's triggers fill the full-text table as its index entries
                    # load; its own rows, loaded after or before, are the same ones.
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT OR REPLACE INTO {qn(table)} ({names}) VALUES ({marks})",  # noqa: S608
                        rows,
                    )
            # flush restarted the sequences, and rows loaded with their ids do not move them
            # (PostgreSQL; SQLite moves its own).
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    # What was read from the rows that were there is stale now: content types, the site's root
    # paths and the station, which Django's caches hold.
    ContentType.objects.clear_cache()
    cache.clear()
