import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Tests share one cache (Redis in CI's second pass): start each from empty.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def browser():
    from notify_admin.tests.browser import launched_browser

    yield from launched_browser()
