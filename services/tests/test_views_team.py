import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.http import urlencode

from accounts.tests.factories import UserFactory
from services import actions
from services.models import Invite, ServiceUser
from services.tests.assertions import assert_field_error
from services.tests.factories import InviteFactory, ServiceFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _team(service):
    return sorted(
        (m.user.email, tuple(m.permissions)) for m in ServiceUser.objects.filter(service=service).select_related("user")
    )


def _invite_link(message):
    match = re.search(r"http://testserver(/invitation/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_team_page_lists_members_and_invites_without_n_plus_1(client, count_queries):
    manager = ServiceUserFactory(all_permissions=True, user__name="Ada Manager")
    service = manager.service
    ServiceUserFactory(service=service, user__name="Bob Viewer", view_activity=True)
    InviteFactory(service=service, email="carol@example.gov.uk", send_messages=True)
    InviteFactory(service=service, email="old@example.gov.uk", status=Invite.Status.ACCEPTED)
    client.force_login(manager.user)
    url = reverse("services:team_members", args=[service.pk])
    response = client.get(url)
    html = response.content.decode()
    assert [m.user.name for m in response.context["members"]] == ["Ada Manager", "Bob Viewer"]
    assert [i.email for i in response.context["invites"]] == ["carol@example.gov.uk"]
    assert "<caption" in html
    assert "Send messages" in html
    assert "Invite a team member" in html
    few = count_queries(client, url)
    ServiceUserFactory.create_batch(4, service=service)
    InviteFactory.create_batch(4, service=service)
    assert count_queries(client, url) == few


def test_member_without_manage_service_sees_the_team_but_no_actions(client):
    member = ServiceUserFactory(view_activity=True)
    client.force_login(member.user)
    html = client.get(reverse("services:team_members", args=[member.service_id])).content.decode()
    assert member.user.email in html
    assert "Invite a team member" not in html
    assert "Remove" not in html


def test_invite_accept_flow_for_a_signed_in_user(client):
    manager = ServiceUserFactory(all_permissions=True, user__name="Ada Manager")
    service = manager.service
    client.force_login(manager.user)
    response = client.post(
        reverse("services:invite_user", args=[service.pk]),
        {"email": "  New.Person@Example.gov.uk ", "permissions": ["send_messages", "manage_templates"]},
    )
    assert response.status_code == 302
    invite = Invite.objects.get()
    assert (invite.email, invite.status, invite.invited_by, invite.permissions) == (
        "New.Person@Example.gov.uk",
        "pending",
        manager.user,
        ["send_messages", "manage_templates"],
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["New.Person@Example.gov.uk"]
    assert mail.outbox[0].subject == f"Ada Manager has invited you to collaborate on {service.name} on Notify Admin"
    link = _invite_link(mail.outbox[0])
    assert invite.token_hash not in link  # only the hash is stored; the link carries the token

    newcomer = UserFactory(email="new.person@example.gov.uk")
    client.force_login(newcomer)
    page = client.get(link)
    assert page.status_code == 200
    assert f"Join {service.name}" in page.content.decode()
    assert ServiceUser.objects.filter(user=newcomer).count() == 0  # GET changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("services:service_home", args=[service.pk])
    membership = ServiceUser.objects.get(user=newcomer)
    assert membership.permissions == ["send_messages", "manage_templates"]
    invite.refresh_from_db()
    assert (invite.status, invite.accepted_by) == ("accepted", newcomer)

    # The link works once.
    again = client.get(link)
    assert again.status_code == 410
    assert "already been accepted" in again.content.decode()


@pytest.mark.parametrize(("has_account", "target"), [(True, "/sign-in"), (False, "/register")])
def test_invite_link_sends_anonymous_visitors_to_sign_in_or_register(client, has_account, target):
    manager = ServiceUserFactory(all_permissions=True)
    if has_account:
        UserFactory(email="person@example.gov.uk")
    actions.invite_create(
        service=manager.service,
        invited_by=manager.user,
        email="person@example.gov.uk",
        permissions=["view_activity"],
        accept_url_for=lambda token: f"http://testserver/invitation/{token}",
    )
    link = _invite_link(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"{target}?next={link.replace('/', '%2F')}"
    assert Invite.objects.get().status == "pending"


def test_expired_invite_is_refused_with_a_clear_message(client):
    manager = ServiceUserFactory(all_permissions=True)
    newcomer = UserFactory(email="late@example.gov.uk")
    with time_machine.travel(datetime(2026, 3, 27, 9, 0, tzinfo=LONDON), tick=False):
        actions.invite_create(
            service=manager.service,
            invited_by=manager.user,
            email="late@example.gov.uk",
            permissions=["view_activity"],
            accept_url_for=lambda token: f"http://testserver/invitation/{token}",
        )
    link = _invite_link(mail.outbox[0])
    client.force_login(newcomer)
    # Still valid a moment before two days have passed (across the clocks going forward).
    with time_machine.travel(datetime(2026, 3, 29, 9, 59, tzinfo=LONDON), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(datetime(2026, 3, 29, 10, 0, tzinfo=LONDON), tick=False):
        get = client.get(link)
        post = client.post(link)
    for response in (get, post):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
    assert not ServiceUser.objects.filter(user=newcomer).exists()
    assert Invite.objects.get().status == "pending"


def test_invite_for_someone_else_is_refused(client):
    manager = ServiceUserFactory(all_permissions=True)
    actions.invite_create(
        service=manager.service,
        invited_by=manager.user,
        email="intended@example.gov.uk",
        permissions=["view_activity"],
        accept_url_for=lambda token: f"http://testserver/invitation/{token}",
    )
    intruder = UserFactory(email="intruder@example.gov.uk")
    client.force_login(intruder)
    response = client.post(_invite_link(mail.outbox[0]))
    assert response.status_code == 403
    assert "sent to intended@example.gov.uk" in response.content.decode()
    assert not ServiceUser.objects.filter(user=intruder).exists()
    assert Invite.objects.get().status == "pending"


def test_unknown_and_cancelled_invite_links(client):
    client.force_login(UserFactory())
    response = client.get("/invitation/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()

    manager = ServiceUserFactory(all_permissions=True)
    invite = actions.invite_create(
        service=manager.service,
        invited_by=manager.user,
        email="x@example.gov.uk",
        permissions=[],
        accept_url_for=lambda token: f"http://testserver/invitation/{token}",
    )
    client.force_login(manager.user)
    assert client.post(reverse("services:cancel_invite", args=[manager.service_id, invite.pk])).status_code == 302
    invite.refresh_from_db()
    assert invite.status == "cancelled"
    response = client.get(_invite_link(mail.outbox[0]))
    assert response.status_code == 410
    assert "cancelled" in response.content.decode()


def test_a_new_invite_to_the_same_address_replaces_the_old_one(client):
    manager = ServiceUserFactory(all_permissions=True)
    client.force_login(manager.user)
    url = reverse("services:invite_user", args=[manager.service_id])
    client.post(url, {"email": "twice@example.gov.uk", "permissions": ["view_activity"]})
    client.post(url, {"email": "TWICE@example.gov.uk", "permissions": ["send_messages"]})
    assert sorted(Invite.objects.values_list("email", "status", "send_messages")) == [
        ("TWICE@example.gov.uk", "pending", True),
        ("twice@example.gov.uk", "cancelled", False),
    ]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter an email address"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.gov.uk"),
        ("MEMBER@example.gov.uk", "This person is already a team member"),
    ],
)
def test_invite_rejects_bad_input(client, email, message):
    manager = ServiceUserFactory(all_permissions=True)
    ServiceUserFactory(service=manager.service, user__email="member@example.gov.uk")
    client.force_login(manager.user)
    response = client.post(reverse("services:invite_user", args=[manager.service_id]), {"email": email})
    assert_field_error(response, "id_email", message)
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_invite_rejects_unknown_permissions(client):
    manager = ServiceUserFactory(all_permissions=True)
    client.force_login(manager.user)
    response = client.post(
        reverse("services:invite_user", args=[manager.service_id]),
        {"email": "a@example.gov.uk", "permissions": ["is_superuser"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invite.objects.exists()


def test_change_permissions(client):
    manager = ServiceUserFactory(all_permissions=True)
    other = ServiceUserFactory(service=manager.service, view_activity=True)
    client.force_login(manager.user)
    url = reverse("services:edit_member", args=[manager.service_id, other.user_id])
    page = client.get(url).content.decode()
    assert 'value="view_activity" checked' in page
    response = client.post(url, {"permissions": ["manage_service", "send_messages"]})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.permissions == ["manage_service", "send_messages"]


def test_the_last_manager_cannot_drop_manage_service(client):
    manager = ServiceUserFactory(all_permissions=True, user__email="boss@example.gov.uk")
    ServiceUserFactory(service=manager.service, user__email="viewer@example.gov.uk", view_activity=True)
    before = _team(manager.service)
    client.force_login(manager.user)
    response = client.post(
        reverse("services:edit_member", args=[manager.service_id, manager.user_id]), {"permissions": ["view_activity"]}
    )
    assert_field_error(response, "id_permissions_0", str(actions.LastManagerError()))
    assert _team(manager.service) == before


def test_the_last_manager_cannot_be_removed(client):
    manager = ServiceUserFactory(all_permissions=True, user__email="boss@example.gov.uk")
    ServiceUserFactory(service=manager.service, user__email="viewer@example.gov.uk", view_activity=True)
    before = _team(manager.service)
    client.force_login(manager.user)
    response = client.post(reverse("services:remove_member", args=[manager.service_id, manager.user_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "at least one team member who can manage settings, team and usage" in html
    assert _team(manager.service) == before


def test_remove_member(client):
    manager = ServiceUserFactory(all_permissions=True, user__email="boss@example.gov.uk")
    other = ServiceUserFactory(service=manager.service, user__email="leaver@example.gov.uk")
    client.force_login(manager.user)
    url = reverse("services:remove_member", args=[manager.service_id, other.user_id])
    assert "Remove" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert _team(manager.service) == [("boss@example.gov.uk", tuple(manager.permissions))]


def test_a_manager_can_leave_when_another_manager_remains(client):
    manager = ServiceUserFactory(all_permissions=True, user__email="boss@example.gov.uk")
    ServiceUserFactory(service=manager.service, user__email="other-boss@example.gov.uk", manage_service=True)
    client.force_login(manager.user)
    response = client.post(reverse("services:remove_member", args=[manager.service_id, manager.user_id]))
    assert response["Location"] == reverse("services:your_services")
    assert [email for email, _ in _team(manager.service)] == ["other-boss@example.gov.uk"]


def test_edit_member_of_another_service_is_404(client):
    manager = ServiceUserFactory(all_permissions=True)
    stranger = ServiceUserFactory()
    client.force_login(manager.user)
    response = client.post(
        reverse("services:edit_member", args=[manager.service_id, stranger.user_id]), {"permissions": []}
    )
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.view_activity is True


def test_accepting_when_already_a_member_adds_the_invited_permissions():
    manager = ServiceUserFactory(all_permissions=True)
    member = ServiceUserFactory(service=manager.service, view_activity=True)
    invite = InviteFactory(service=manager.service, email=member.user.email, view_activity=False, send_messages=True)
    actions.invite_accept(invite=invite, user=member.user)
    member.refresh_from_db()
    assert member.permissions == ["view_activity", "send_messages"]
    assert ServiceUser.objects.filter(service=manager.service).count() == 2


def test_invite_expiry_boundary():
    invite = InviteFactory.build(created_at=datetime(2026, 1, 1, 12, 0, tzinfo=LONDON))
    assert invite.expires_at == datetime(2026, 1, 3, 12, 0, tzinfo=LONDON)
    assert not invite.is_expired(now=invite.expires_at - timedelta(seconds=1))
    assert invite.is_expired(now=invite.expires_at)


def test_invite_to_an_archived_service_is_refused(client):
    manager = ServiceUserFactory(all_permissions=True, service=ServiceFactory())
    actions.invite_create(
        service=manager.service,
        invited_by=manager.user,
        email="p@example.gov.uk",
        permissions=[],
        accept_url_for=lambda token: f"http://testserver/invitation/{token}",
    )
    actions.service_archive(service=manager.service)
    client.force_login(UserFactory(email="p@example.gov.uk"))
    response = client.post(_invite_link(mail.outbox[0]))
    assert response.status_code == 410
    assert ServiceUser.objects.filter(service=manager.service).count() == 1


def test_archived_service_cannot_invite(client):
    manager = ServiceUserFactory(all_permissions=True, service=ServiceFactory(active=False))
    client.force_login(manager.user)
    response = client.post(reverse("services:invite_user", args=[manager.service_id]), {"email": "a@example.gov.uk"})
    assert response.status_code == 200
    assert "This service has been archived – nobody can join it" in response.content.decode()
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_an_invited_newcomer_registers_then_lands_back_on_the_invitation(client, settings):
    from accounts.tests.conftest import code_in_sms

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    manager = ServiceUserFactory(all_permissions=True)
    actions.invite_create(
        service=manager.service,
        invited_by=manager.user,
        email="grace@example.gov.uk",
        permissions=["send_messages"],
        accept_url_for=lambda token: f"http://testserver/invitation/{token}",
    )
    invitation = _invite_link(mail.outbox[0])

    register = client.get(invitation, follow=True)
    assert register.redirect_chain[-1][0].startswith("/register?next=")
    assert f'href="/sign-in?next={invitation.replace("/", "%2F")}"' in register.content.decode()
    password = "a long and unusual passphrase"
    details = {"name": "Grace", "email": "grace@example.gov.uk", "mobile_number": "07700900456", "password": password}
    client.post(register.redirect_chain[-1][0], details)
    (verify,) = re.findall(r"http://testserver(/register/verify/\S+)", mail.outbox[-1].body)

    signed_in = client.get(verify, follow=True)
    assert signed_in.redirect_chain[-1][0] == f"/sign-in?next={invitation.replace('/', '%2F')}"
    client.post(signed_in.redirect_chain[-1][0], {"email": "grace@example.gov.uk", "password": password})
    joined = client.post("/sign-in/code", {"code": code_in_sms()}, follow=True)
    assert joined.redirect_chain[-1][0] == invitation
    assert f"Join {manager.service.name}" in joined.content.decode()

    client.post(invitation)
    assert _team(manager.service) == sorted(
        [(manager.user.email, tuple(manager.permissions)), ("grace@example.gov.uk", ("send_messages",))]
    )


@pytest.mark.parametrize("next_url", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)"])
def test_registration_only_carries_a_next_on_this_site(client, settings, next_url):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    details = {
        "name": "Eve",
        "email": "eve@example.gov.uk",
        "mobile_number": "07700900456",
        "password": "a long pass 12",
    }
    client.post(f"/register?{urlencode({'next': next_url})}", details)
    (verify,) = re.findall(r"http://testserver(/register/verify/\S+)", mail.outbox[-1].body)
    assert client.get(verify)["Location"] == "/sign-in"
