"""Every submission of a station queues on the year's reference counter (a row lock held to the
commit), so the locked section must do only what needs the number: no photo decoded, encoded or
written, no tracking code drawn, and the same few queries whatever is attached."""

import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from PIL import Image

from submissions.intake import create_case
from submissions.models import Case, CasePhoto
from tests.factories import StationFactory
from tests.test_references import case_fields
from tests.test_submissions import form_data, jpeg_with_exif


class LockWatch:
    """What runs between the counter's SELECT (… FOR UPDATE on PostgreSQL) and the commit."""

    def __init__(self):
        self.locked_at = self.released_at = None
        self.queries, self.work = [], []

    @property
    def locked(self):
        return self.locked_at is not None and self.released_at is None

    def __call__(self, execute, sql, params, many, context):
        if self.locked_at is None and sql.startswith("SELECT") and "referencecounter" in sql:
            self.locked_at = time.perf_counter()
            transaction.on_commit(self.release)
        if self.locked:
            self.queries.append(sql)
        return execute(sql, params, many, context)

    def release(self):
        self.released_at = time.perf_counter()

    def spy(self, label, real):
        def wrapper(*args, **kwargs):
            self.work.append((label, self.locked))
            return real(*args, **kwargs)

        return wrapper


@contextmanager
def watching_the_lock():
    watch = LockWatch()
    with (
        connection.execute_wrapper(watch),
        mock.patch.object(Image, "open", watch.spy("decode", Image.open)),
        mock.patch.object(Image.Image, "save", watch.spy("encode", Image.Image.save)),
        mock.patch.object(FileSystemStorage, "_save", watch.spy("write", FileSystemStorage._save)),
    ):
        yield watch
    assert watch.locked_at and watch.released_at, "the counter was locked and released"


@pytest.fixture
def photo_dir(tmp_path):
    """Where this test's photo files go, to see every file written and left behind."""
    storage = CasePhoto._meta.get_field("file").storage
    with mock.patch.object(storage, "location", str(tmp_path)):
        yield tmp_path


def test_no_photo_work_or_file_write_happens_while_the_counter_is_locked(
    client, transactional_db, photo_dir
):
    StationFactory()
    photos = [jpeg_with_exif(f"p{n}.jpg") for n in range(3)]
    with watching_the_lock() as watch:
        response = client.post("/submit/", form_data(photos=photos))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.photos.count() == 3 and all(p.file.size for p in case.photos.all())
    labels = {label for label, _locked in watch.work}
    assert {"decode", "encode", "write"} <= labels  # the spies saw the photo work...
    assert [item for item in watch.work if item[1]] == []  # ...and none of it under the lock
    # Nor is the tracking code drawn (its uniqueness look-up) there.
    assert not any('"tracking_code" = ' in sql for sql in watch.queries)


def locked_queries(station, n, photo_count):
    photos = [(ContentFile(b"\xff\xd8 not decoded here", name="p.jpg"), (4, 3))] * photo_count
    with watching_the_lock() as watch:
        case, created = create_case(station=station, photos=photos, **case_fields(n))
    assert created and case.photos.count() == photo_count
    assert (watch.released_at - watch.locked_at) < 0.5  # generous: a shared CI machine
    # Each query as its verb and table; content types are cached after the first look-up.
    tables = [(sql.split()[0], (sql.split('"') + ["", ""])[1]) for sql in watch.queries]
    tables = [(verb, "" if verb in {"SAVEPOINT", "RELEASE"} else table) for verb, table in tables]
    return [query for query in tables if "django_content_type" not in query]


def test_the_locked_section_runs_the_same_few_queries_whatever_is_attached(
    transactional_db, photo_dir
):
    station = StationFactory()
    bare, with_photos = locked_queries(station, 1, 0), locked_queries(station, 2, 3)
    # Three photos add one INSERT of three rows, nothing else.
    photo_rows = ("INSERT", "submissions_casephoto")
    assert bare == [query for query in with_photos if query != photo_rows]
    assert with_photos.count(photo_rows) == 1 and photo_rows not in bare
    # The counter, the case, the event and the receipt (its context, rows and their savepoints).
    assert len(bare) <= 25, bare


def test_a_failure_under_the_lock_leaves_no_case_number_or_stray_photo_file(
    transactional_db, photo_dir
):
    station = StationFactory()
    photos = [(ContentFile(b"jpeg bytes", name="p.jpg"), (4, 3))]
    with (
        mock.patch("submissions.intake.announce", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        create_case(station=station, photos=photos, **case_fields(1))
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert [p for p in photo_dir.rglob("*") if p.is_file()] == []
    case, _created = create_case(station=station, **case_fields(2))
    assert case.sequence == 1  # the failed one gave its number back
