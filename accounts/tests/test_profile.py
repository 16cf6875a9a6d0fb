import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts import actions
from accounts.models import User
from accounts.tests.conftest import code_in_email, code_in_sms, link_in, page_text
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from notifications.models import DevSmsMessage

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)


@pytest.fixture
def user(client):
    user = UserFactory(name="Grace Hopper", email="grace@example.gov.uk", mobile_number="+447700900321")
    client.force_login(user)
    return user


def test_the_profile_needs_sign_in(client):
    response = client.get("/user-profile")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/user-profile"


def test_the_profile_shows_the_account(client, user):
    html = page_text(client.get("/user-profile"))

    for text in ("Grace Hopper", "grace@example.gov.uk", "+447700900321", "Text message code"):
        assert text in html


def test_change_name(client, user):
    assert "Enter your name" in page_text(client.post("/user-profile/name", {"name": ""}))

    response = client.post("/user-profile/name", {"name": "Rear Admiral Hopper"})

    assert response["Location"] == "/user-profile"
    user.refresh_from_db()
    assert user.name == "Rear Admiral Hopper"


def test_change_mobile_number_needs_the_password_and_a_valid_number(client, user):
    wrong = client.post("/user-profile/mobile-number", {"mobile_number": "07700900999", "current_password": "nope"})
    bad = client.post("/user-profile/mobile-number", {"mobile_number": "123", "current_password": TEST_PASSWORD})
    user.refresh_from_db()
    assert user.mobile_number == "+447700900321"
    assert "Your current password is not correct" in page_text(wrong)
    assert "Enter a valid mobile number" in page_text(bad)

    assert DevSmsMessage.objects.count() == 0


def test_a_new_mobile_number_is_confirmed_by_a_code_sent_to_it(client, user):
    response = client.post(
        "/user-profile/mobile-number", {"mobile_number": "07700 900999", "current_password": TEST_PASSWORD}
    )

    assert response["Location"] == "/user-profile/mobile-number/confirm"
    assert DevSmsMessage.objects.get().to == "447700900999"
    user.refresh_from_db()
    assert user.mobile_number == "+447700900321"  # not until the code is entered
    code = code_in_sms()
    wrong = client.post("/user-profile/mobile-number/confirm", {"code": "13131" if code != "13131" else "24242"})
    assert "The security code is not correct" in page_text(wrong)

    done = client.post("/user-profile/mobile-number/confirm", {"code": code})

    assert done["Location"] == "/user-profile"
    user.refresh_from_db()
    assert user.mobile_number == "+447700900999"
    assert user.failed_login_count == 0


def test_a_sign_in_code_cannot_confirm_a_new_mobile_number(client, user):
    actions.verify_code_send(user=user, site_url="http://testserver/")
    sign_in_code = code_in_sms()
    client.post("/user-profile/mobile-number", {"mobile_number": "07700900999", "current_password": TEST_PASSWORD})

    response = client.post("/user-profile/mobile-number/confirm", {"code": sign_in_code})

    assert "The security code is not correct" in page_text(response)
    user.refresh_from_db()
    assert user.mobile_number == "+447700900321"


def test_confirming_a_mobile_number_needs_one_to_confirm(client, user):
    assert client.get("/user-profile/mobile-number/confirm")["Location"] == "/user-profile/mobile-number"


def test_change_password(client, user):
    wrong = client.post("/user-profile/password", {"current_password": "nope", "password": "a fine new passphrase"})
    weak = client.post("/user-profile/password", {"current_password": TEST_PASSWORD, "password": "qwerty123"})
    assert "Your current password is not correct" in page_text(wrong)
    assert "This password is too common." in page_text(weak)
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)

    with time_machine.travel(NOON, tick=False):
        done = client.post(
            "/user-profile/password", {"current_password": TEST_PASSWORD, "password": "a fine new passphrase"}
        )

        # Still signed in on this device.
        assert client.get("/user-profile").status_code == 200

    assert done["Location"] == "/user-profile"
    user.refresh_from_db()
    assert user.check_password("a fine new passphrase")
    assert user.password_changed_at == NOON


def test_change_second_factor_to_email_and_sign_in_with_it(client, user, mailoutbox):
    response = client.post("/user-profile/security", {"auth_type": "email_auth"})

    assert response["Location"] == "/user-profile"
    user.refresh_from_db()
    assert user.auth_type == "email_auth"
    client.post("/sign-out")
    client.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    client.post("/sign-in/code", {"code": code_in_email(mailoutbox[0])})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_text_message_codes_need_a_mobile_number(client):
    user = UserFactory(mobile_number="", auth_type="email_auth")
    client.force_login(user)

    response = client.post("/user-profile/security", {"auth_type": "sms_auth"})
    missing = client.post("/user-profile/security", {})

    assert "Add a mobile number to your account first" in page_text(response)
    assert "Choose how to get your security code" in page_text(missing)
    user.refresh_from_db()
    assert user.auth_type == "email_auth"


def test_change_email_waits_for_the_link(client, user, mailoutbox):
    with time_machine.travel(NOON, tick=False):
        response = client.post(
            "/user-profile/email", {"email": "grace@navy.example.gov.uk", "current_password": TEST_PASSWORD}
        )
    assert "We have sent a link to grace@navy.example.gov.uk" in page_text(response)
    assert [m.to for m in mailoutbox] == [["grace@navy.example.gov.uk"]]
    user.refresh_from_db()
    assert user.email == "grace@example.gov.uk"

    with time_machine.travel(NOON + dt.timedelta(minutes=59), tick=False):
        done = client.get(link_in(mailoutbox[0]))

    assert done["Location"] == "/user-profile"
    user.refresh_from_db()
    assert user.email == "grace@navy.example.gov.uk"
    assert user.email_verified_at == NOON + dt.timedelta(minutes=59)


def test_an_expired_email_change_link_changes_nothing(client, user, mailoutbox):
    with time_machine.travel(NOON, tick=False):
        client.post("/user-profile/email", {"email": "grace@navy.example.gov.uk", "current_password": TEST_PASSWORD})
    with time_machine.travel(NOON + dt.timedelta(hours=1, seconds=1), tick=False):
        response = client.get(link_in(mailoutbox[0]))

    assert "The link has expired" in page_text(response)
    user.refresh_from_db()
    assert user.email == "grace@example.gov.uk"


def test_change_email_refuses_a_taken_address_in_any_case(client, user, mailoutbox):
    UserFactory(email="taken@example.gov.uk")

    response = client.post("/user-profile/email", {"email": "TAKEN@example.gov.uk", "current_password": TEST_PASSWORD})

    assert "This email address is already used by another account" in page_text(response)
    assert mailoutbox == []


def test_change_email_refused_if_the_address_is_taken_before_the_link_is_opened(client, user, mailoutbox):
    client.post("/user-profile/email", {"email": "new@example.gov.uk", "current_password": TEST_PASSWORD})
    UserFactory(email="New@example.gov.uk")

    response = client.get(link_in(mailoutbox[0]))

    assert "Another account now uses this email address" in page_text(response)
    user.refresh_from_db()
    assert user.email == "grace@example.gov.uk"


def test_change_email_respects_the_domain_list(client, user, settings, mailoutbox):
    settings.REGISTRATION_EMAIL_DOMAINS = ["gov.uk"]

    response = client.post("/user-profile/email", {"email": "grace@gmail.com", "current_password": TEST_PASSWORD})

    assert "Use an email address ending in gov.uk" in page_text(response)
    assert mailoutbox == []


def test_an_old_email_change_link_stops_working_after_another_change(client, user, mailoutbox):
    client.post("/user-profile/email", {"email": "first@example.gov.uk", "current_password": TEST_PASSWORD})
    client.post("/user-profile/email", {"email": "second@example.gov.uk", "current_password": TEST_PASSWORD})
    client.get(link_in(mailoutbox[1]))

    response = client.get(link_in(mailoutbox[0]))

    assert response.status_code == 404
    assert User.objects.get(pk=user.pk).email == "second@example.gov.uk"


def test_the_sign_in_method_page_shows_the_current_choice(client, user):
    html = page_text(client.get("/user-profile/security"))

    assert 'value="sms_auth" checked' in html
    assert 'value="email_auth" checked' not in html
