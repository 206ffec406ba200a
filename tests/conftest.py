import pytest
from wagtail.models import Site

from home.models import HomePage


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
