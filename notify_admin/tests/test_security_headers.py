import pytest

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/sign-in", "/register", "/_status"])
def test_every_page_has_the_security_headers(client, path):
    response = client.get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_signed_in_pages_and_the_admin_have_them_too(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for path in ("/user-profile", "/admin/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/sign-in", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_without_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in")


def test_the_layout_has_no_inline_script(client):
    html = client.get("/sign-in").content.decode()

    assert "<script>" not in html
    assert html.count("<script") == html.count('<script src="') + html.count('<script type="module" src="')
