import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import User
from accounts.tests.conftest import code_in_sms, link_in, page_text
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_PASSWORD = "another long unusual passphrase"


def test_forgot_password_emails_a_link_that_sets_a_new_password_once(client, mailoutbox):
    user = UserFactory(email="alan@example.gov.uk")

    response = client.post("/forgot-password", {"email": "ALAN@example.gov.uk"})

    assert "If ALAN@example.gov.uk has a Notify Admin account, we have sent it a link" in page_text(response)
    assert [m.to for m in mailoutbox] == [["alan@example.gov.uk"]]
    link = link_in(mailoutbox[0])
    assert 'type="password"' in page_text(client.get(link))

    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), tick=False):
        done = client.post(link, {"password": NEW_PASSWORD}, follow=True)

    assert done.redirect_chain == [("/sign-in", 302)]
    assert "Your password has been changed" in page_text(done)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.password_changed_at == dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)
    used_again = client.get(link)
    assert used_again.status_code == 404
    assert "This link has expired or has already been used" in page_text(used_again)


def test_an_unknown_address_gets_the_same_page_and_no_email(client, mailoutbox):
    response = client.post("/forgot-password", {"email": "nobody@example.gov.uk"})

    assert "If nobody@example.gov.uk has a Notify Admin account, we have sent it a link" in page_text(response)
    assert mailoutbox == []


def test_a_weak_new_password_is_refused(client, mailoutbox):
    user = UserFactory()
    client.post("/forgot-password", {"email": user.email})

    response = client.post(link_in(mailoutbox[0]), {"password": "password"})

    assert "This password is too common." in page_text(response)
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_resetting_the_password_unlocks_the_account(client, mailoutbox):
    user = UserFactory(failed_login_count=10)
    client.post("/forgot-password", {"email": user.email})
    client.post(link_in(mailoutbox[0]), {"password": NEW_PASSWORD})

    client.post("/sign-in", {"email": user.email, "password": NEW_PASSWORD})
    client.post("/sign-in/code", {"code": code_in_sms()})

    user.refresh_from_db()
    assert user.failed_login_count == 0
    assert client.session["_auth_user_id"] == str(user.pk)


def test_resetting_an_unverified_account_verifies_it(client, mailoutbox):
    user = UserFactory(is_active=False, email_verified_at=None)
    client.post("/forgot-password", {"email": user.email})
    client.post(link_in(mailoutbox[0]), {"password": NEW_PASSWORD})

    user.refresh_from_db()
    assert user.is_active is True
    assert user.email_verified_at is not None


def test_a_deactivated_account_gets_no_reset_email(client, mailoutbox):
    user = UserFactory(is_active=False, email_verified_at=dt.datetime(2026, 1, 1, tzinfo=LONDON))

    client.post("/forgot-password", {"email": user.email})

    assert mailoutbox == []
    assert User.objects.get(pk=user.pk).is_active is False


def test_a_mangled_reset_link_is_refused(client):
    response = client.get("/new-password/not-a-uid/not-a-token")

    assert response.status_code == 404
    assert "This link has expired or has already been used" in page_text(response)


@pytest.mark.parametrize(
    "uidb64",
    [
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # decodes to NUL bytes, not a UUID
        "bm90LWEtdXVpZA",  # "not-a-uuid"
        "!!!",  # not base64 at all
    ],
)
def test_a_mangled_reset_link_is_refused_not_an_error(client, uidb64):
    UserFactory()

    response = client.get(f"/new-password/{uidb64}/some-token")

    assert response.status_code == 404
    assert "This link has expired or has already been used" in page_text(response)
