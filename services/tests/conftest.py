import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # API key secrets are hashed with make_password; the production hasher is slow on
    # purpose, which would only slow these tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def count_queries():
    """How many queries a GET of ``url`` makes, for "no N+1" checks: compare a page with a
    few rows against the same page with more rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url):
        client.get(url)  # the first request of a session writes the session; not the page's cost
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(context.captured_queries)

    return count
