import inspect
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Site

from home.models import HomePage
from tests import snapshots


def pytest_configure(config):
    """With --reuse-db on SQLite, keep the test database in a file (var/test.sqlite3, one per
    xdist worker), so the next local run skips the migrations; by default it stays in memory."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if config.getoption("reuse_db", False) and database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / "test.sqlite3")


def pytest_collection_modifyitems(items):
    """A test that never opens the database is marked one_database: CI runs it on SQLite only
    (.ci/run), since nothing in it can differ on PostgreSQL."""
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        if not uses_database:
            item.add_marker(pytest.mark.one_database)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus its rows as the migrations left them: tests that
    flush the database (live-server tests) can be followed by ones that need those rows. The
    rows are put back at the end, so a database kept by --reuse-db starts the next run alike
    (after an interrupted run, --create-db builds it afresh)."""
    with django_db_blocker.unblock():
        baseline = snapshots.take()
    yield baseline
    with django_db_blocker.unblock():
        snapshots.restore(baseline)


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The demo site's rows, seeded once per test process from freshly migrated rows. The
    database is left as the migrations left it."""
    with django_db_blocker.unblock():
        snapshots.restore(django_db_setup)
        call_command("seed_demo", stdout=io.StringIO())
        rows = snapshots.take()
        snapshots.restore(django_db_setup)
    return rows


@pytest.fixture
def demo(db, demo_rows):
    """The demo site in place of the test database's rows, for this test's transaction."""
    snapshots.restore(demo_rows)


@pytest.fixture
def concurrent_db(transactional_db, django_db_setup):
    """For tests of several connections at once (row locks, unique numbers): committed rows,
    on PostgreSQL only (SQLite serialises writers), starting from the migrated rows that an
    earlier transactional test's flush removed (role groups, categories, the page tree)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks")
    snapshots.restore(django_db_setup)


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
