"""Reference numbers are unique and gap-free per station and year, even under concurrency."""

import threading

import pytest
from django.db import connections, transaction

from submissions.intake import create_case
from submissions.models import Case, Category
from submissions.references import format_reference, next_sequence, normalise_tracking_code
from tests.factories import StationFactory


def test_format_and_normalise():
    assert format_reference("YXGY", 2026, 7) == "YXGY-2026-0007"
    assert format_reference("YXGY", 2026, 12345) == "YXGY-2026-12345"
    assert normalise_tracking_code(" ab2c-d3ef ") == "AB2CD3EF"


@pytest.mark.django_db
def test_a_rolled_back_case_gives_its_number_back():
    station = StationFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_sequence(station, 2026) == 1
        raise RuntimeError("saving the case failed")
    with transaction.atomic():
        assert next_sequence(station, 2026) == 1
        assert next_sequence(station, 2026) == 2
    with transaction.atomic():
        assert next_sequence(station, 2027) == 1  # a new year starts again


def case_fields(n):
    return dict(
        kind="problem",
        channel="online",
        category=Category.objects.first(),
        title=f"并发提交{n}",
        description="测试",
        submitter_name="测试",
        submitter_phone="13800000000",
        consent_given=True,
    )


def test_concurrent_submissions_get_unique_gap_free_numbers(concurrent_db):
    station = StationFactory()
    count, barrier, errors = 24, threading.Barrier(24), []

    def submit(n):
        try:
            barrier.wait()
            create_case(station=station, **case_fields(n))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Case.objects.filter(station=station).values_list("sequence", flat=True))
    assert sequences == list(range(1, count + 1))
    assert Case.objects.filter(station=station).values("reference").distinct().count() == count
