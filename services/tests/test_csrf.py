"""CSRF on every form: no page accepts a POST without the token, and every form carries it.

Patterns are discovered from the project's resolver, so a page added later is covered.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.tests.factories import UserFactory
from services.tests.factories import ServiceFactory, ServiceUserFactory
from services.tests.test_permissions import SERVICE_PATTERNS, _url

pytestmark = pytest.mark.django_db


def _all_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _example_path(route):
    """A path the route matches, with made-up values (CSRF is checked before the view runs)."""
    if route.startswith("^") or "(?P<" in route:
        return None  # regex routes (the Django admin's catch-alls): covered by their named siblings
    path = re.sub(r"<uuid:\w+>", lambda _: str(uuid.uuid4()), route)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:str:|slug:|path:)?\w+>", "x", path)
    return "/" + path


# The Django admin's model pages are Django's own, CSRF-protected by it; one stands for them.
ROUTES = sorted(
    {
        path
        for path in map(_example_path, _all_routes())
        if path and (not path.startswith("/admin/") or path in ("/admin/", "/admin/login/"))
    }
)


@pytest.mark.parametrize("path", ROUTES)
def test_no_page_accepts_a_post_without_the_csrf_token(path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(path, {"name": "Sneaky"})
    assert response.status_code == 403, f"{path} answered {response.status_code} to a POST without a CSRF token"


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)

ANONYMOUS_PAGES = ["/register", "/sign-in", "/forgot-password"]
SIGNED_IN_PAGES = [
    "/user-profile/name",
    "/user-profile/email",
    "/user-profile/mobile-number",
    "/user-profile/password",
    "/user-profile/security",
    "/add-service",
    "/organisations/add",
]


def _assert_every_post_form_has_the_token(html, url):
    forms = POST_FORM.findall(html)
    for form in forms:
        assert 'name="csrfmiddlewaretoken"' in form, f"{url}: a POST form without the CSRF token"
    return len(forms)


def test_every_post_form_on_the_account_pages_carries_the_token(client):
    for url in ANONYMOUS_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _assert_every_post_form_has_the_token(response.content.decode(), url) >= 1, url
    client.force_login(UserFactory(is_staff=True))
    for url in SIGNED_IN_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        # The header's sign-out form, and the page's own.
        assert _assert_every_post_form_has_the_token(response.content.decode(), url) >= 2, url


@pytest.mark.parametrize(
    ("name", "route", "pattern"), SERVICE_PATTERNS, ids=[item[0] or item[1] for item in SERVICE_PATTERNS]
)
def test_every_post_form_on_the_service_pages_carries_the_token(client, name, route, pattern, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    service = ServiceFactory(live=True)
    admin = UserFactory(is_staff=True)
    ServiceUserFactory(service=service, user=admin, all_permissions=True)
    url = _url(name, pattern, service)
    client.force_login(admin)
    response = client.get(url)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        _assert_every_post_form_has_the_token(response.content.decode(), url)
