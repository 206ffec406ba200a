"""What a run's test processes share (tests/shared_db.py): built once, under a lock, whoever
asks first; and the migrated rows are there after a transactional test's flush."""

import shutil
import threading
import time
import uuid
from types import SimpleNamespace

import pytest

from submissions.models import Category
from tests import shared_db


def worker_config(run):
    return SimpleNamespace(
        workerinput={"testrunuid": run}, getoption=lambda name, default=None: default
    )


def test_what_two_workers_ask_for_at_once_is_built_once_and_both_get_it():
    run = uuid.uuid4().hex
    built = []

    def build():
        built.append(threading.get_ident())
        time.sleep(0.3)  # long enough for the other worker to ask meanwhile
        return {"rows": [1, 2, 3], "by": threading.get_ident()}

    answers = []
    workers = [
        threading.Thread(
            target=lambda: answers.append(shared_db.once(worker_config(run), "probe", build))
        )
        for _ in range(2)
    ]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert len(built) == 1
        assert answers[0] == answers[1] == {"rows": [1, 2, 3], "by": built[0]}
    finally:
        shutil.rmtree(shared_db._folder(run), ignore_errors=True)


def test_outside_a_distributed_run_nothing_is_shared():
    alone = SimpleNamespace(getoption=lambda name, default=None: default)
    assert shared_db.shared_folder(alone) is None
    reusing = worker_config("x")
    reusing.getoption = lambda name, default=None: name == "reuse_db" or default
    assert shared_db.shared_folder(reusing) is None
    calls = []
    assert shared_db.once(alone, "probe", lambda: calls.append(1) or "fresh") == "fresh"
    assert shared_db.once(alone, "probe", lambda: calls.append(1) or "fresh") == "fresh"
    assert len(calls) == 2


# The pair below runs in this order (transactional tests go before the others, tests/conftest.py)
# and, on one worker, the second one finds what the first one's flush emptied put back.


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_commits_and_is_flushed():
    assert Category.objects.exists()
    Category.objects.all().delete()


@pytest.mark.django_db
def test_the_next_test_finds_the_migrated_rows_again():
    assert Category.objects.exists()
