from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from services import actions
from services.models import LIVE_DAILY_LIMIT, PERMISSIONS, TRIAL_DAILY_LIMIT, ApiKey, Service, ServiceUser
from services.tests.assertions import assert_field_error
from services.tests.factories import (
    ApiKeyFactory,
    InviteFactory,
    OrganisationFactory,
    ServiceFactory,
    ServiceUserFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def manager(service=None, **kwargs):
    return ServiceUserFactory(service=service or ServiceFactory(), all_permissions=True, **kwargs)


def test_your_services_lists_only_the_users_active_services(client):
    user = UserFactory()
    mine = [ServiceUserFactory(user=user, service=ServiceFactory(name=name)).service for name in ("beta", "Alpha")]
    ServiceUserFactory(user=user, service=ServiceFactory(name="Gone", active=False))
    ServiceFactory(name="Someone else's")
    client.force_login(user)
    response = client.get(reverse("services:your_services"))
    assert response.status_code == 200
    assert [s.name for s in response.context["services"]] == ["Alpha", "beta"]
    html = response.content.decode()
    for service in mine:
        assert reverse("services:service_home", args=[service.pk]) in html
    assert "Gone" not in html
    assert "Someone else" not in html
    assert "Add a new service" in html


def test_your_services_query_count_does_not_grow_with_services(client, count_queries):
    user = UserFactory()
    ServiceUserFactory(user=user)
    client.force_login(user)
    url = reverse("services:your_services")
    few = count_queries(client, url)
    ServiceUserFactory.create_batch(5, user=user)
    assert count_queries(client, url) == few


def test_your_services_needs_sign_in(client):
    response = client.get(reverse("services:your_services"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=")


def test_add_service_creates_a_trial_service_with_the_creator_as_full_member(client):
    user = UserFactory()
    client.force_login(user)
    with time_machine.travel(datetime(2026, 6, 22, 0, 30, tzinfo=LONDON), tick=False):
        response = client.post(reverse("services:add_service"), {"name": "  Renew a licence  "})
        page = client.get(response["Location"])
    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:service_home", args=[service.pk])
    assert (service.name, service.restricted, service.active, service.created_by) == (
        "Renew a licence",
        True,
        True,
        user,
    )
    assert (service.email_message_limit, service.sms_message_limit) == (TRIAL_DAILY_LIMIT, TRIAL_DAILY_LIMIT)
    assert service.created_at == datetime(2026, 6, 22, 0, 30, tzinfo=LONDON)
    membership = ServiceUser.objects.get()
    assert (membership.service, membership.user, membership.permissions) == (service, user, list(PERMISSIONS))
    assert "Renew a licence has been created" in page.content.decode()
    assert "trial mode" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("renew A LICENCE", "This service name is already in use – enter a different name"),
        ("", "Enter a service name"),
        ("   ", "Enter a service name"),
        ("x" * 256, "Service name must be 255 characters or fewer"),
        ("x" * 2000, "Service name must be 255 characters or fewer"),
    ],
)
def test_add_service_rejects_bad_names(client, name, message):
    existing = ServiceFactory(name="Renew a licence")
    client.force_login(UserFactory())
    response = client.post(reverse("services:add_service"), {"name": name})
    assert response.status_code == 200
    assert_field_error(response, "id_name", message)
    assert list(Service.objects.all()) == [existing]
    assert not ServiceUser.objects.exists()


def test_service_home_shows_trial_mode_and_links_for_the_users_permissions(client):
    member = ServiceUserFactory(view_activity=True)
    client.force_login(member.user)
    html = client.get(reverse("services:service_home", args=[member.service_id])).content.decode()
    assert "Your service is in trial mode" in html
    assert reverse("services:template_list", args=[member.service_id]) in html
    assert reverse("services:service_settings", args=[member.service_id]) not in html
    assert reverse("services:api_keys", args=[member.service_id]) not in html


def test_settings_page_shows_the_settings(client):
    organisation = OrganisationFactory(name="Cabinet Office")
    member = manager(
        ServiceFactory(organisation=organisation, email_reply_to="help@example.gov.uk", sms_sender="GOVUK")
    )
    client.force_login(member.user)
    html = client.get(reverse("services:service_settings", args=[member.service_id])).content.decode()
    for text in ("help@example.gov.uk", "GOVUK", "7 days", "Cabinet Office", "Request to go live"):
        assert text in html
    assert "Platform admin settings" not in html


@pytest.mark.parametrize(
    ("url_name", "field", "value", "expected"),
    [
        ("services:change_service_name", "name", " New name ", "New name"),
        ("services:change_data_retention", "data_retention_days", "90", 90),
        ("services:change_data_retention", "data_retention_days", "3", 3),
        ("services:change_email_reply_to", "email_reply_to", "reply@example.gov.uk", "reply@example.gov.uk"),
        ("services:change_email_reply_to", "email_reply_to", "", ""),
        ("services:change_sms_sender", "sms_sender", "GOV UK", "GOV UK"),
    ],
)
def test_change_setting(client, url_name, field, value, expected):
    member = manager()
    client.force_login(member.user)
    response = client.post(reverse(url_name, args=[member.service_id]), {field: value})
    assert response.status_code == 302
    assert response["Location"] == reverse("services:service_settings", args=[member.service_id])
    member.service.refresh_from_db()
    assert getattr(member.service, field) == expected


@pytest.mark.parametrize(
    ("url_name", "field", "value", "message"),
    [
        ("services:change_service_name", "name", "taken NAME", "This service name is already in use"),
        ("services:change_service_name", "name", "", "Enter a service name"),
        ("services:change_data_retention", "data_retention_days", "2", "Number of days must be between 3 and 90"),
        ("services:change_data_retention", "data_retention_days", "91", "Number of days must be between 3 and 90"),
        ("services:change_data_retention", "data_retention_days", "ten", "Number of days must be a whole number"),
        ("services:change_email_reply_to", "email_reply_to", "not an email", "Enter an email address in the correct"),
        ("services:change_sms_sender", "sms_sender", "TWELVE CHARS", "11 characters or fewer"),
        ("services:change_sms_sender", "sms_sender", "GOV.UK", "only include letters, numbers and spaces"),
    ],
)
def test_change_setting_rejects_bad_input(client, url_name, field, value, message):
    ServiceFactory(name="Taken name")
    member = manager(ServiceFactory(name="Original"))
    before = Service.objects.values().get(pk=member.service_id)
    client.force_login(member.user)
    response = client.post(reverse(url_name, args=[member.service_id]), {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Service.objects.values().get(pk=member.service_id) == before


def test_keeping_the_same_name_with_different_case_is_allowed(client):
    member = manager(ServiceFactory(name="my service"))
    client.force_login(member.user)
    client.post(reverse("services:change_service_name", args=[member.service_id]), {"name": "My Service"})
    member.service.refresh_from_db()
    assert member.service.name == "My Service"


def test_request_to_go_live_records_the_time(client):
    member = manager()
    client.force_login(member.user)
    url = reverse("services:request_to_go_live", args=[member.service_id])
    assert "Request to go live" in client.get(url).content.decode()
    with time_machine.travel(datetime(2026, 3, 29, 0, 30, tzinfo=LONDON), tick=False):
        response = client.post(url)
    assert response.status_code == 302
    member.service.refresh_from_db()
    assert member.service.go_live_requested_at == datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    assert member.service.restricted is True
    html = client.get(reverse("services:service_settings", args=[member.service_id])).content.decode()
    assert "You asked to go live on 29 March 2026" in html


def test_platform_admin_switches_a_service_live(client):
    service = ServiceFactory()
    admin = UserFactory(is_staff=True)
    client.force_login(admin)
    settings_html = client.get(reverse("services:service_settings", args=[service.pk])).content.decode()
    assert "Make this service live" in settings_html
    with time_machine.travel(datetime(2026, 10, 25, 2, 30, tzinfo=LONDON), tick=False):
        response = client.post(reverse("services:switch_live", args=[service.pk]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.restricted, service.email_message_limit, service.sms_message_limit) == (
        False,
        LIVE_DAILY_LIMIT,
        LIVE_DAILY_LIMIT,
    )
    assert service.go_live_at == datetime(2026, 10, 25, 2, 30, tzinfo=LONDON)
    assert service.is_live


def test_switch_live_twice_keeps_the_first_go_live_date(client):
    service = ServiceFactory(live=True, go_live_at=datetime(2025, 1, 1, tzinfo=LONDON))
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("services:switch_live", args=[service.pk]))
    assert response.status_code == 200
    assert "already live" in response.content.decode()
    service.refresh_from_db()
    assert service.go_live_at == datetime(2025, 1, 1, tzinfo=LONDON)


def test_platform_admin_archives_a_service(client):
    service = ServiceFactory(name="Old service")
    member = ServiceUserFactory(service=service, all_permissions=True)
    live_key = ApiKeyFactory(service=service)
    invite = InviteFactory(service=service)
    client.force_login(UserFactory(is_staff=True))
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=LONDON), tick=False):
        response = client.post(reverse("services:archive_service", args=[service.pk]))
    assert response.status_code == 302
    service.refresh_from_db()
    live_key.refresh_from_db()
    invite.refresh_from_db()
    assert service.active is False
    assert service.name == "_archived_2026-07-01_11:00:00_Old service"  # UTC in the stored name
    assert live_key.expiry_date == datetime(2026, 7, 1, 12, 0, tzinfo=LONDON)
    assert invite.status == "cancelled"
    # The name is free again, and the archived service leaves its members' lists.
    client.force_login(member.user)
    assert list(client.get(reverse("services:your_services")).context["services"]) == []
    client.post(reverse("services:add_service"), {"name": "Old service"})
    assert Service.objects.filter(name="Old service", active=True).count() == 1


def test_platform_admin_attaches_a_service_to_an_organisation(client):
    service = ServiceFactory(organisation=None)
    organisation = OrganisationFactory(name="Home Office")
    client.force_login(UserFactory(is_staff=True))
    url = reverse("services:service_organisation", args=[service.pk])
    assert "Home Office" in client.get(url).content.decode()
    assert client.post(url, {"organisation": organisation.pk}).status_code == 302
    service.refresh_from_db()
    assert service.organisation == organisation
    assert client.post(url, {"organisation": ""}).status_code == 302
    service.refresh_from_db()
    assert service.organisation is None


def test_attaching_to_an_unknown_organisation_is_refused(client):
    service = ServiceFactory(organisation=None)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("services:service_organisation", args=[service.pk]),
        {"organisation": "00000000-0000-0000-0000-000000000009"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    service.refresh_from_db()
    assert service.organisation is None


def test_forms_carry_a_csrf_token(client):
    member = manager()
    client.force_login(member.user)
    for url in (
        reverse("services:add_service"),
        reverse("services:change_service_name", args=[member.service_id]),
        reverse("services:request_to_go_live", args=[member.service_id]),
        reverse("services:invite_user", args=[member.service_id]),
        reverse("services:add_sms_template", args=[member.service_id]),
    ):
        assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode(), url


def test_posts_without_a_csrf_token_are_refused():
    from django.test import Client

    member = manager()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    response = client.post(reverse("services:add_service"), {"name": "Sneaky"})
    assert response.status_code == 403
    assert not Service.objects.filter(name="Sneaky").exists()
    assert not ApiKey.objects.exists()


def test_an_archived_service_keeps_its_settings_and_cannot_ask_to_go_live(client):
    member = manager(ServiceFactory(name="Old service"))
    actions.service_archive(service=member.service)
    archived_name = Service.objects.get().name
    client.force_login(member.user)

    renamed = client.post(reverse("services:change_service_name", args=[member.service_id]), {"name": "Old service"})
    asked = client.post(reverse("services:request_to_go_live", args=[member.service_id]))

    assert_field_error(renamed, "id_name", "This service has been archived – its settings cannot be changed")
    assert asked.status_code == 200
    assert "This service has been archived, so it cannot go live." in asked.content.decode()
    service = Service.objects.get()
    assert (service.name, service.go_live_requested_at) == (archived_name, None)
