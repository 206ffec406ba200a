"""Database contents as serialized rows, to be put back in place of whatever is there.

Seeding the demo takes 7-10 s (images, pages, revisions, a workflow per case); putting its rows
back takes about 1.5 s. So the demo is seeded once per test process and restored where a test
needs it (tests/conftest.py).
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection


def take():
    """Every row of every migrated app, content types also on their own (see restore)."""
    return (
        serializers.serialize("json", ContentType.objects.order_by("pk")),
        connection.creation.serialize_db_to_string(),
    )


def restore(snapshot):
    """Empty every table, then load the snapshot. Works inside a test's transaction too."""
    content_types, rows = snapshot
    if connection.in_atomic_block:
        # PostgreSQL refuses to TRUNCATE tables with deferred foreign-key checks pending from
        # earlier writes in this transaction: run the checks now.
        connection.check_constraints()
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ContentType.objects.clear_cache()
    # Content types first: building a Page instance looks its content type up (and would create
    # one under a new id) before the serialized content types are reached.
    with connection.constraint_checks_disabled():
        for row in serializers.deserialize("json", content_types):
            row.save()
    connection.creation.deserialize_db_from_string(rows)
    # flush restarted the sequences, and rows loaded with their ids do not move them (PostgreSQL).
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
