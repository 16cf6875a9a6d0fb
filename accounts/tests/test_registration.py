import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import User
from accounts.tests.conftest import link_in, page_text
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
GOOD = {
    "name": "Ada Lovelace",
    "email": "ada@example.gov.uk",
    "mobile_number": "07700 900123",
    "password": "a long unusual passphrase",
}


def register(client, **changes):
    return client.post("/register", {**GOOD, **changes})


def test_registering_creates_an_inactive_account_and_emails_a_link(client, mailoutbox):
    response = register(client)

    assert response.status_code == 200
    assert "We have sent an email to ada@example.gov.uk" in page_text(response)
    user = User.objects.get()
    assert (user.name, user.email, user.mobile_number, user.is_active, user.email_verified_at) == (
        "Ada Lovelace",
        "ada@example.gov.uk",
        "+447700900123",
        False,
        None,
    )
    assert user.check_password(GOOD["password"])
    assert [m.to for m in mailoutbox] == [["ada@example.gov.uk"]]
    assert mailoutbox[0].subject == "Confirm your email address"
    assert link_in(mailoutbox[0]).startswith("/register/verify/")


def test_following_the_link_activates_the_account(client, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        register(client)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 59, tzinfo=LONDON), tick=False):
        response = client.get(link_in(mailoutbox[0]), follow=True)

    assert response.redirect_chain == [("/sign-in", 302)]
    assert "Your email address is confirmed" in page_text(response)
    user = User.objects.get()
    assert user.is_active is True
    assert user.email_verified_at == dt.datetime(2026, 6, 1, 9, 59, tzinfo=LONDON)


def test_an_unverified_account_cannot_sign_in(client, mailoutbox):
    register(client)

    response = client.post("/sign-in", {"email": GOOD["email"], "password": GOOD["password"]})

    assert "You need to confirm your email address before you can sign in" in page_text(response)
    assert len(mailoutbox) == 2  # a fresh link
    assert "sign_in_pending_user" not in client.session


def test_an_expired_link_does_not_activate_and_offers_a_new_one(client, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        register(client)
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, 1, tzinfo=LONDON), tick=False):
        response = client.get(link_in(mailoutbox[0]))
        assert response.status_code == 200
        assert "The link has expired" in page_text(response)
        assert User.objects.get().is_active is False

        resend = client.post(link_in(mailoutbox[0]) + "/resend")
        assert "we have sent a new link" in page_text(resend)
        assert len(mailoutbox) == 2
        client.get(link_in(mailoutbox[1]))

    assert User.objects.get().is_active is True


def test_a_tampered_link_is_refused(client, mailoutbox):
    register(client)

    response = client.get(link_in(mailoutbox[0]) + "x")

    assert response.status_code == 404
    assert "This link does not work" in page_text(response)
    assert User.objects.get().is_active is False


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("", "Enter a password"),
    ],
)
def test_weak_passwords_are_refused(client, mailoutbox, password, message):
    response = register(client, password=password)

    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    assert message in page_text(response)
    assert User.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your full name"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("mobile_number", "0770090012a", "Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -"),
        ("mobile_number", "0201234567", "Enter a valid mobile number"),
    ],
)
def test_bad_details_are_refused(client, field, value, message):
    response = register(client, **{field: value})

    assert message in page_text(response)
    assert User.objects.count() == 0


def test_an_international_mobile_number_is_accepted(client):
    register(client, mobile_number="+1 202 555 0104")

    assert User.objects.get().mobile_number == "+12025550104"


def test_registering_an_existing_email_in_other_case_tells_its_owner_not_the_page(client, mailoutbox):
    owner = UserFactory(email="ada@example.gov.uk", name="Original")

    response = register(client, email="ADA@Example.gov.uk", name="Impostor")

    # The page looks exactly like a new registration, so it reveals nothing ...
    assert "We have sent an email to ADA@Example.gov.uk" in page_text(response)
    # ... and the owner hears about it instead; nothing is created or changed.
    assert list(User.objects.values_list("name", "email")) == [("Original", "ada@example.gov.uk")]
    assert [m.to for m in mailoutbox] == [["ada@example.gov.uk"]]
    assert mailoutbox[0].subject == "You already have a Notify Admin account"
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)


def test_registering_again_before_verifying_resends_the_link(client, mailoutbox):
    register(client)
    register(client, email="Ada@example.gov.uk")

    assert User.objects.count() == 1
    assert [m.subject for m in mailoutbox] == ["Confirm your email address"] * 2


def test_domains_can_be_limited(client, settings, mailoutbox):
    settings.REGISTRATION_EMAIL_DOMAINS = ["gov.uk", "nhs.net"]

    refused = register(client, email="ada@example.com")
    subdomain = register(client, email="ada@digital.cabinet-office.gov.uk")

    assert "You cannot register with this email address. Use an email address ending in gov.uk, nhs.net" in page_text(
        refused
    )
    assert list(User.objects.values_list("email", flat=True)) == ["ada@digital.cabinet-office.gov.uk"]
    assert "We have sent an email" in page_text(subdomain)


def test_a_lookalike_domain_is_not_a_subdomain(client, settings):
    settings.REGISTRATION_EMAIL_DOMAINS = ["gov.uk"]

    response = register(client, email="ada@notgov.uk")

    assert "You cannot register with this email address" in page_text(response)
    assert User.objects.count() == 0


def test_the_home_page(client):
    anonymous = client.get("/")
    client.force_login(UserFactory())
    signed_in = client.get("/")

    assert anonymous.status_code == 200
    assert 'href="/sign-in"' in page_text(anonymous)
    assert 'href="/register"' in page_text(anonymous)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/your-services"


def test_the_register_form_has_labels_and_csrf(client):
    html = page_text(client.get("/register"))

    for field in ("name", "email", "mobile_number", "password"):
        assert f'<label class="govuk-label" for="id_{field}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'type="password"' in html
