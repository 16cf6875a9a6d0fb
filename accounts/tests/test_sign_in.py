import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts import actions
from accounts.models import User, VerifyCode
from accounts.rules import SIGN_IN_FAILED
from accounts.tests.conftest import code_in_email, code_in_sms, link_in, page_text
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from notifications.models import DevSmsMessage

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def signed_in_user(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def user():
    return UserFactory(email="grace@example.gov.uk", mobile_number="+447700900321")


def test_sms_sign_in_end_to_end(client, enter_password, user):
    response = enter_password("Grace@Example.gov.uk", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code"
    assert signed_in_user(client) is None
    sms = DevSmsMessage.objects.get()
    assert sms.to == "447700900321"
    code = code_in_sms()
    assert "Check your phone" in page_text(client.get("/sign-in/code"))

    done = client.post("/sign-in/code", {"code": code})

    assert done["Location"] == "/your-services"
    assert signed_in_user(client) == str(user.pk)
    assert list(VerifyCode.objects.values_list("used_at", flat=True)) != [None]


def test_email_sign_in_with_the_typed_code(client, enter_password, mailoutbox):
    user = UserFactory(auth_type=User.AuthType.EMAIL)

    enter_password(user.email, TEST_PASSWORD)
    assert "Check your email" in page_text(client.get("/sign-in/code"))
    response = client.post("/sign-in/code", {"code": code_in_email(mailoutbox[0])})

    assert response["Location"] == "/your-services"
    assert signed_in_user(client) == str(user.pk)
    assert DevSmsMessage.objects.count() == 0
    assert VerifyCode.objects.get().code_type == "email"


def test_email_sign_in_with_the_link_needs_a_button_press(client, enter_password, mailoutbox):
    user = UserFactory(auth_type=User.AuthType.EMAIL)
    enter_password(user.email, TEST_PASSWORD)
    link = link_in(mailoutbox[0])

    # A mail scanner fetching the link neither signs in nor uses the code up.
    page = client.get(link)
    assert "Continue to sign in" in page_text(page)
    assert VerifyCode.objects.get().used_at is None

    response = client.post(link)
    assert response["Location"] == "/your-services"
    assert signed_in_user(client) == str(user.pk)

    client.logout()
    reused = client.post(link)
    assert reused.status_code == 400
    assert "This security code has already been used. Request a new code." in page_text(reused)
    assert signed_in_user(client) is None


def test_a_forged_email_link_is_refused(client, user):
    response = client.post("/sign-in/email/not-a-token")

    assert response.status_code == 400
    assert "The security code is not correct" in page_text(response)


def test_the_code_has_5_digits_and_no_two_adjacent_alike():
    codes = [actions._new_code() for _ in range(2000)]

    assert all(len(c) == 5 and c.isdigit() for c in codes)
    assert all(a != b for c in codes for a, b in zip(c, c[1:], strict=False))
    assert len(set(codes)) > 1000


def test_codes_are_stored_hashed(client, enter_password, user):
    enter_password(user.email, TEST_PASSWORD)

    stored = VerifyCode.objects.get()
    assert code_in_sms() not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_a_wrong_code_is_refused_and_counted(client, enter_password, user):
    enter_password(user.email, TEST_PASSWORD)
    code = code_in_sms()
    wrong = "13579" if code != "13579" else "24680"

    response = client.post("/sign-in/code", {"code": wrong})

    assert "The security code is not correct. Check it and try again." in page_text(response)
    assert signed_in_user(client) is None
    user.refresh_from_db()
    assert user.failed_login_count == 1


def test_a_badly_formed_code_is_refused_without_counting(client, enter_password, user):
    enter_password(user.email, TEST_PASSWORD)

    response = client.post("/sign-in/code", {"code": "12a"})

    assert "Enter the 5-digit security code" in page_text(response)
    user.refresh_from_db()
    assert user.failed_login_count == 0


def test_an_expired_code_is_refused(client, enter_password, user):
    with time_machine.travel(NOON, tick=False):
        enter_password(user.email, TEST_PASSWORD)
        first = code_in_sms()
    with time_machine.travel(NOON + dt.timedelta(minutes=29), tick=False):
        client.post("/sign-in/new-code")  # keeps the sign-in going for another 30 minutes
    with time_machine.travel(NOON + dt.timedelta(minutes=30, seconds=1), tick=False):
        response = client.post("/sign-in/code", {"code": first})

    assert "This security code has expired. Request a new code." in page_text(response)
    assert signed_in_user(client) is None
    user.refresh_from_db()
    assert user.failed_login_count == 1


def test_the_sign_in_ends_30_minutes_after_the_last_code(client, enter_password, user):
    with time_machine.travel(NOON, tick=False):
        enter_password(user.email, TEST_PASSWORD)
    with time_machine.travel(NOON + dt.timedelta(minutes=30, seconds=1), tick=False):
        response = client.post("/sign-in/code", {"code": code_in_sms()}, follow=True)

    assert response.redirect_chain == [("/sign-in", 302)]
    assert "Sign in again to get a security code." in page_text(response)
    assert signed_in_user(client) is None


def test_an_expired_code_gets_its_own_message(user):
    with time_machine.travel(NOON, tick=False):
        actions.verify_code_send(user=user, site_url="http://testserver/")
        code = code_in_sms()
    with (
        time_machine.travel(NOON + dt.timedelta(minutes=30, seconds=1), tick=False),
        pytest.raises(actions.CodeRejected, match="This security code has expired. Request a new code."),
    ):
        actions.verify_code_check(user=user, code=code)
    user.refresh_from_db()
    assert user.failed_login_count == 1


def test_a_code_works_until_30_minutes(client, enter_password, user):
    with time_machine.travel(NOON, tick=False):
        enter_password(user.email, TEST_PASSWORD)
    with time_machine.travel(NOON + dt.timedelta(minutes=29, seconds=59), tick=False):
        response = client.post("/sign-in/code", {"code": code_in_sms()})

    assert response["Location"] == "/your-services"


def test_a_used_code_cannot_be_used_again(client, enter_password, user):
    enter_password(user.email, TEST_PASSWORD)
    code = code_in_sms()
    client.post("/sign-in/code", {"code": code})
    client.logout()

    enter_password(user.email, TEST_PASSWORD)
    response = client.post("/sign-in/code", {"code": code})

    assert "This security code has already been used. Request a new code." in page_text(response)
    assert signed_in_user(client) is None


def test_signing_in_retires_every_other_live_code(client, enter_password, user):
    enter_password(user.email, TEST_PASSWORD)
    first = code_in_sms()
    client.post("/sign-in/new-code")
    second = code_in_sms()

    client.post("/sign-in/code", {"code": second})

    assert not VerifyCode.objects.filter(used_at__isnull=True).exists()
    client.logout()
    enter_password(user.email, TEST_PASSWORD)
    assert "already been used" in page_text(client.post("/sign-in/code", {"code": first}))


def test_a_sixth_live_code_is_refused(client, enter_password, user):
    with time_machine.travel(NOON, tick=False):
        enter_password(user.email, TEST_PASSWORD)
        for _ in range(4):
            assert client.post("/sign-in/new-code")["Location"] == "/sign-in/code"
        assert VerifyCode.objects.count() == 5

    with time_machine.travel(NOON + dt.timedelta(minutes=10), tick=False):
        response = client.post("/sign-in/new-code")

    assert response.status_code == 200
    assert (
        "You have asked for too many security codes. Use one we have already sent you, or try again in 20 minutes."
        in page_text(response)
    )
    assert VerifyCode.objects.count() == 5
    assert DevSmsMessage.objects.count() == 5


def test_codes_count_again_once_expired(user):
    with time_machine.travel(NOON, tick=False):
        for _ in range(5):
            actions.verify_code_send(user=user, site_url="http://testserver/")
    with time_machine.travel(NOON + dt.timedelta(minutes=31), tick=False):
        actions.verify_code_send(user=user, site_url="http://testserver/")

    assert VerifyCode.objects.count() == 6


@pytest.mark.parametrize("email", ["nobody@example.gov.uk", "grace@example.gov.uk"])
def test_unknown_email_and_wrong_password_get_the_same_message(client, enter_password, user, email):
    response = enter_password(email, "wrong password entirely")

    assert response.status_code == 200
    assert SIGN_IN_FAILED in page_text(response)
    assert signed_in_user(client) is None
    assert VerifyCode.objects.count() == 0


def test_ten_failures_lock_the_account_with_the_same_message(client, enter_password, user):
    for _ in range(6):
        enter_password(user.email, "wrong password entirely")
    enter_password(user.email, TEST_PASSWORD)
    for _ in range(4):
        client.post("/sign-in/code", {"code": "13131"})
    user.refresh_from_db()
    assert user.failed_login_count == 10

    # Someone else, with the right password, cannot tell the lock from a wrong password
    # or an unknown address: the pages are the same but for the address typed.
    stranger = Client()
    locked = stranger.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    unknown = stranger.post("/sign-in", {"email": "nobody@example.gov.uk", "password": TEST_PASSWORD})

    assert SIGN_IN_FAILED in page_text(locked)
    assert without_csrf(page_text(locked)).replace(user.email, "") == without_csrf(page_text(unknown)).replace(
        "nobody@example.gov.uk", ""
    )
    assert stranger.session.get("_auth_user_id") is None
    assert VerifyCode.objects.count() == 1  # none sent after the lock


def test_the_tenth_failure_at_the_code_step_ends_the_attempt(client, enter_password, user):
    enter_password(user.email, TEST_PASSWORD)
    code = code_in_sms()
    User.objects.filter(pk=user.pk).update(failed_login_count=9)

    response = client.post("/sign-in/code", {"code": "13131" if code != "13131" else "24242"}, follow=True)

    assert response.redirect_chain == [("/sign-in", 302)]
    assert "too many failed attempts" in page_text(response)
    # Even the right code no longer works.
    assert client.post("/sign-in/code", {"code": code})["Location"] == "/sign-in"
    with pytest.raises(actions.CodeRejected, match="locked"):
        actions.verify_code_check(user=user, code=code)
    assert signed_in_user(client) is None


def test_a_right_code_resets_the_failure_count(client, enter_password, user):
    for _ in range(3):
        enter_password(user.email, "wrong password entirely")
    enter_password(user.email, TEST_PASSWORD)
    client.post("/sign-in/code", {"code": code_in_sms()})

    user.refresh_from_db()
    assert user.failed_login_count == 0


def test_the_code_page_needs_a_password_first(client):
    response = client.get("/sign-in/code", follow=True)

    assert response.redirect_chain == [("/sign-in", 302)]
    assert "Sign in again to get a security code." in page_text(response)


def test_next_is_followed_only_to_this_site(client, enter_password, user):
    client.post("/sign-in?next=/user-profile", {"email": user.email, "password": TEST_PASSWORD})
    assert client.post("/sign-in/code", {"code": code_in_sms()})["Location"] == "/user-profile"
    client.logout()

    client.post("/sign-in?next=https://evil.example/", {"email": user.email, "password": TEST_PASSWORD})
    assert client.post("/sign-in/code", {"code": code_in_sms()})["Location"] == "/your-services"


def test_sign_out(client, user):
    client.force_login(user)

    assert client.get("/sign-out").status_code == 405
    response = client.post("/sign-out", follow=True)

    assert signed_in_user(client) is None
    assert "You have signed out." in page_text(response)


def test_a_deactivated_account_cannot_sign_in(client, enter_password):
    user = UserFactory(is_active=False, email_verified_at=NOON)

    response = enter_password(user.email, TEST_PASSWORD)

    assert SIGN_IN_FAILED in page_text(response)


def test_a_user_without_a_mobile_gets_the_code_by_email(client, enter_password, mailoutbox):
    user = UserFactory(mobile_number="")

    enter_password(user.email, TEST_PASSWORD)
    client.post("/sign-in/code", {"code": code_in_email(mailoutbox[0])})

    assert signed_in_user(client) == str(user.pk)


def test_admin_login_goes_through_sign_in(client, enter_password):
    admin = UserFactory(is_staff=True, is_superuser=True)

    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/sign-in?next=%2Fadmin%2F"
    client.post("/sign-in?next=/admin/", {"email": admin.email, "password": TEST_PASSWORD})
    assert client.post("/sign-in/code", {"code": code_in_sms()})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_refuses_a_signed_in_non_admin_without_looping(client):
    client.force_login(UserFactory())

    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_an_empty_sign_in_form_says_what_is_missing(client):
    response = client.post("/sign-in", {})

    assert "Enter your email address" in page_text(response)
    assert "Enter your password" in page_text(response)


def test_signing_in_with_5_live_codes_says_so_and_accepts_a_live_one(client, enter_password, user):
    with time_machine.travel(NOON, tick=False):
        for _ in range(5):
            actions.verify_code_send(user=user, site_url="http://testserver/")
        live_code = code_in_sms()

        response = enter_password(user.email, TEST_PASSWORD)
        page = client.get(response["Location"])

        assert "You have asked for too many security codes" in page_text(page)
        assert VerifyCode.objects.count() == 5
        assert client.post("/sign-in/code", {"code": live_code})["Location"] == "/your-services"
