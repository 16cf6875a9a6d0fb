def test_govuk_frontend_assets_are_found_where_its_css_looks(client):
    response = client.get("/assets/fonts/light-94a07e06a1-v2.woff2")
    assert response.status_code == 301
    assert response["Location"] == "/static/govuk/assets/fonts/light-94a07e06a1-v2.woff2"


def test_browsers_asking_for_favicon_ico_get_the_govuk_one(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/govuk/assets/images/favicon.ico"
