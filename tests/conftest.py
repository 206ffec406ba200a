import inspect
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Site

from home.models import HomePage
from tests import shared_db, snapshots


def pytest_configure(config):
    """With --reuse-db on SQLite, keep the test database in a file (var/test.sqlite3, one per
    xdist worker), so the next local run skips the migrations; by default it stays in memory."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if config.getoption("reuse_db", False) and database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / "test.sqlite3")
    shared_db.start_run(config)


def pytest_unconfigure(config):
    shared_db.end_run(config)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """A test that never opens the database is marked one_database: CI runs it on SQLite only
    (.ci/run), since nothing in it can differ on PostgreSQL.

    Then the order the workers take them in (after pytest-django's, which this replaces): each
    worker starts on its share of the collection and steals from the end of another's when done
    (--dist worksteal in the Makefile). So tests that need no database come first: one worker
    runs them while another migrates the run's database. The browser tests follow, the longest,
    so that they are not left to the end; the many short database tests come last and even out
    the workers' finishing times. The order is free because every transactional test leaves the
    migrated rows behind (pytest_runtest_teardown)."""
    for item in items:
        if not _uses_database(item):
            item.add_marker(pytest.mark.one_database)
    yield  # the other plugins: -m deselects, pytest-django sorts

    def place(item):
        if not (_uses_database(item) or _is_django_test_case(item)):
            return 0
        if "live_server" in getattr(item, "fixturenames", ()):
            return 1
        return 2 if _is_transactional(item) else 3

    items.sort(key=place)


def _is_django_test_case(item):
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return bool(cls and issubclass(cls, TransactionTestCase))


def _uses_database(item):
    return bool(
        item.get_closest_marker("django_db")
        or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """The test database is a copy of the run's migrated template (tests/shared_db.py)."""
    shared_db.copy_template_into_test_databases(request.config)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """pytest-django's test database, plus its rows as the migrations left them: each
    transactional test puts them back after its flush (pytest_runtest_teardown). They are
    put back at the end too, so a database kept by --reuse-db starts the next run alike (after
    an interrupted run, --create-db builds it afresh)."""
    with django_db_blocker.unblock():
        baseline = snapshots.take()
    request.config.stash[MIGRATED_ROWS] = (baseline, django_db_blocker)
    yield baseline
    del request.config.stash[MIGRATED_ROWS]
    with django_db_blocker.unblock():
        snapshots.restore(baseline)


MIGRATED_ROWS = pytest.StashKey[tuple]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that empties every table (pytest-django's
    teardown); the migrated rows (role groups, categories, the page tree) go back in at once,
    so that the next test, whatever it is, finds them."""
    yield
    if nextitem is not None and _is_transactional(item) and MIGRATED_ROWS in item.config.stash:
        baseline, blocker = item.config.stash[MIGRATED_ROWS]
        with blocker.unblock():
            snapshots.restore(baseline)


@pytest.fixture(scope="session")
def demo_rows(request, django_db_setup, django_db_blocker):
    """The demo site's rows, seeded once per run (the first process to ask seeds it, the others
    read its rows) from freshly migrated rows. The database is left as the migrations left it."""

    def seed():
        with django_db_blocker.unblock():
            call_command("seed_demo", stdout=io.StringIO())
            rows = snapshots.take()
            snapshots.restore(django_db_setup)
        return rows

    return shared_db.once(request.config, "demo-rows", seed)


@pytest.fixture
def demo(db, demo_rows):
    """The demo site in place of the test database's rows, for this test's transaction."""
    snapshots.restore(demo_rows)


@pytest.fixture
def concurrent_db(transactional_db):
    """For tests of several connections at once (row locks, unique numbers): committed rows,
    on PostgreSQL only (SQLite serialises writers)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks")


@pytest.fixture
def site(db):
    """The default Site that the migrations created, so tests run against the real page tree."""
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(site):
    return HomePage.objects.get(pk=site.root_page_id)


@pytest.fixture(scope="session", autouse=True)
def second_step_at_test_logins():
    """The test client's logins pass two-step sign-in too (tests/second_step.py)."""
    from tests import second_step

    with pytest.MonkeyPatch.context() as monkeypatch:
        second_step.install(monkeypatch)
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached images must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def module_data(builder, *fixtures):
    """A module-scoped fixture holding what builder() returns, built once for the module.

    For data that many tests only read, and that is slow to build (generated images, users):

        def build_world():
            return {"station": StationFactory(), "staff": make_user("s", roles.STAFF)}

        world_once = module_data(build_world)

        @pytest.fixture
        def world(world_once, db):
            return copy.deepcopy(world_once)  # in-memory changes stay in their test

    The rows live in a transaction opened before the module's first test and rolled back after
    its last. Each test still runs in its own savepoint through pytest-django's `db` fixture
    (pytest-django leaves out TestCase's class-level transaction for this), so what a test
    writes is gone before the next one starts. The Python objects, though, are shared: a test
    that changes one in place would pass the change on, hence the copy per test above (what
    Django's setUpTestData does). On-commit callbacks do not run while the data is built, as
    in any non-transactional test. A builder that needs cleanup after the module (files it
    wrote) is a generator: it yields the data, and the code after its yield runs at the end.
    Names of session fixtures given after the builder are passed to it as keyword arguments.

    A transactional test (django_db(transaction=True)) cannot share the module: it would run
    inside the open transaction, and on PostgreSQL other connections would not see its rows.
    """

    @pytest.fixture(scope="module")
    def fixture(request, django_db_setup, django_db_blocker):
        if transactional := [
            item.name
            for item in request.session.items
            if item.module is request.module and _is_transactional(item)
        ]:
            pytest.fail(
                f"module_data cannot share a module with transactional tests: {transactional}"
            )
        # Session fixtures first, outside the module's transaction (they commit their own work).
        arguments = {name: request.getfixturevalue(name) for name in fixtures}
        outer = transaction.atomic()
        # Database access is opened only to build and to roll back: a test without the db
        # fixture or the django_db mark is still refused, as everywhere else.
        with django_db_blocker.unblock():
            outer.__enter__()
            try:
                data = builder(**arguments)
                steps = data if inspect.isgenerator(data) else None
                data = next(steps) if steps else data
            except BaseException as error:
                outer.__exit__(type(error), error, error.__traceback__)
                raise
        yield data
        with django_db_blocker.unblock():
            try:
                next(steps, None) if steps else None
            finally:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    return fixture


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker and (
        marker.args[:1] == (True,)
        or marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))
