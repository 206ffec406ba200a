"""Reference numbers (<prefix>-<year>-<seq>, gap-free per year) and tracking codes."""

import secrets

from django.db import transaction

from submissions.models import ReferenceCounter

# No 0/O, 1/I/L: a code is read off paper and typed on a phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 8  # 31**8 ≈ 8.5e11 codes, with tries rate-limited


def next_sequence(station, year):
    """Take the next number of the year. Call inside the transaction that saves the case:
    the counter row stays locked until it commits, and a rollback returns the number."""
    assert transaction.get_connection().in_atomic_block, "allocate inside the case's transaction"
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(station=station, year=year)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(station=station, year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


def format_reference(prefix, year, sequence):
    return f"{prefix}-{year}-{sequence:04d}"


def new_tracking_code():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(text):
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())
