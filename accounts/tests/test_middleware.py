import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.tests.conftest import code_in_sms, page_text
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)


def sign_in(client, user):
    client.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    client.post("/sign-in/code", {"code": code_in_sms()})
    assert client.session["_auth_user_id"] == str(user.pk)


def at(minutes):
    return time_machine.travel(NOON + dt.timedelta(minutes=minutes), tick=False)


def test_a_platform_admin_is_signed_out_after_30_idle_minutes(client):
    admin = UserFactory(is_staff=True)
    with at(0):
        sign_in(client, admin)
    with at(30):
        assert client.get("/user-profile").status_code == 200
    with at(60):
        assert client.get("/user-profile").status_code == 200  # 30 minutes since the last request
    with at(90.1):
        response = client.get("/user-profile", follow=True)

        assert response.redirect_chain == [("/sign-in?next=/user-profile", 302)]
        assert "You have been signed out because you were inactive for 30 minutes" in page_text(response)
        assert "_auth_user_id" not in client.session


def test_activity_keeps_a_platform_admin_signed_in(client):
    admin = UserFactory(is_staff=True)
    with at(0):
        sign_in(client, admin)
    for minute in range(20, 200, 20):
        with at(minute):
            assert client.get("/user-profile").status_code == 200


def test_other_users_are_not_timed_out_when_idle(client):
    user = UserFactory()
    with at(0):
        sign_in(client, user)
    with at(19 * 60):
        assert client.get("/user-profile").status_code == 200


def test_every_session_ends_after_20_hours(client):
    user = UserFactory()
    with at(0):
        sign_in(client, user)
    with at(20 * 60 - 1):
        assert client.get("/user-profile").status_code == 200
    with at(20 * 60 + 1):
        response = client.get("/user-profile")

        assert response["Location"] == "/sign-in?next=/user-profile"
        assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_20_hours_after_signing_in(client):
    # An admin's requests keep saving the session, which restarts Django's own expiry.
    admin = UserFactory(is_staff=True)
    with at(0):
        sign_in(client, admin)
    for minute in range(20, 20 * 60, 20):
        with at(minute):
            assert client.get("/user-profile").status_code == 200
    with at(20 * 60 + 1):
        response = client.get("/user-profile", follow=True)

        assert response.redirect_chain == [("/sign-in?next=/user-profile", 302)]
        assert "Your session has ended. Sign in again." in page_text(response)


def test_the_admin_idle_timeout_applies_to_the_django_admin(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    with at(0):
        sign_in(client, admin)
        assert client.get("/admin/").status_code == 200
    with at(31):
        response = client.get("/admin/")

        assert response.status_code == 302
        assert response["Location"] == "/sign-in?next=/admin/"
