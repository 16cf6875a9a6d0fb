import pytest


def test_govuk_frontend_assets_are_found_where_its_css_looks(client):
    response = client.get("/assets/fonts/light-94a07e06a1-v2.woff2")
    assert response.status_code == 301
    assert response["Location"] == "/static/govuk/assets/fonts/light-94a07e06a1-v2.woff2"


def test_browsers_asking_for_favicon_ico_get_the_govuk_one(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/govuk/assets/images/favicon.ico"


@pytest.mark.django_db
def test_an_unknown_page_gets_the_styled_not_found_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()


@pytest.mark.django_db
def test_a_refused_service_page_gets_the_styled_permission_page(client):
    from accounts.tests.factories import UserFactory
    from services.tests.factories import ServiceFactory

    client.force_login(UserFactory())
    response = client.get(f"/services/{ServiceFactory().pk}")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()


def test_the_server_error_page_renders_without_a_request():
    # Django renders 500.html with an empty context when something has gone wrong.
    from django.template.loader import render_to_string

    assert "Sorry, there is a problem with the service" in render_to_string("500.html")
