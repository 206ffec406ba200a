import io

import pytest
from django.core.management import call_command
from wagtail.models import Site

from home.models import HomePage
from tests import snapshots


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus its rows as the migrations left them: tests that
    flush the database (live-server tests) can be followed by ones that need those rows."""
    with django_db_blocker.unblock():
        return snapshots.take()


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
def site(db):
    """The default Site that the migrations created, so tests run against the real page tree."""
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(site):
    return HomePage.objects.get(pk=site.root_page_id)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached images must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
