"""The test infrastructure's snapshots (tests/snapshots.py) put the database back exactly: every
demo test and browser flow starts from them."""

import datetime

from django.contrib.auth.models import Group
from django.db import connection
from wagtail.models import Page

from submissions.models import Case
from tests import snapshots


def test_restoring_the_demo_gives_back_every_row_unchanged_and_usable(demo, demo_rows):
    case = Case.objects.order_by("pk").first()
    # Changes of every kind the restore must undo: an edit, a deletion, a new row.
    Case.objects.filter(pk=case.pk).update(
        title="changed", received_on=datetime.date(2000, 1, 1), key_supervised=True
    )
    Page.objects.filter(depth__gt=2).order_by("-pk").first().delete()
    snapshots.restore(demo_rows)

    again = snapshots.take()
    assert again.keys() == demo_rows.keys()
    differing = [table for table in demo_rows if _rows(again[table]) != _rows(demo_rows[table])]
    assert not differing
    # The demo's 3,500 rows, not empty tables.
    assert sum(len(_rows(rows)) for rows in again.values()) > 3000

    # Values come back typed as Django reads them (dates, booleans, timestamps)...
    restored = Case.objects.get(pk=case.pk)
    fields = ("title", "received_on", "key_supervised", "created_at", "consent_given")
    assert [getattr(restored, name) for name in fields] == [getattr(case, name) for name in fields]
    # ... and a new row takes an id after the restored ones (PostgreSQL's sequences follow).
    highest = Group.objects.order_by("-pk").first().pk
    assert Group.objects.create(name="probe").pk > highest


def _rows(table):
    _columns, rows = table
    if connection.vendor == "postgresql":
        return sorted(rows.splitlines())
    return sorted(rows, key=repr)
