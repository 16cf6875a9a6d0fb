"""The permission matrix: every URL pattern with a service id, for every kind of visitor.

Patterns are discovered from the project's resolver, so a page added later (in any app)
is covered automatically; a pattern missing from REQUIRED, or one this test cannot build
a URL for, fails rather than being skipped.
"""

import uuid

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver, reverse

from accounts.tests.factories import UserFactory
from services.models import PERMISSIONS
from services.permissions import ANY_MEMBER, PLATFORM_ADMIN, permissions_for
from services.tests.factories import (
    ApiKeyFactory,
    InviteFactory,
    ServiceFactory,
    ServiceUserFactory,
    TemplateFactory,
)

# What each service page needs. ANY_MEMBER: any team member; PLATFORM_ADMIN: platform
# admins only.
REQUIRED = {
    "services:service_home": ANY_MEMBER,
    "services:service_settings": "manage_service",
    "services:change_service_name": "manage_service",
    "services:change_data_retention": "manage_service",
    "services:change_email_reply_to": "manage_service",
    "services:change_sms_sender": "manage_service",
    "services:request_to_go_live": "manage_service",
    "services:switch_live": PLATFORM_ADMIN,
    "services:archive_service": PLATFORM_ADMIN,
    "services:service_organisation": PLATFORM_ADMIN,
    "services:team_members": ANY_MEMBER,
    "services:invite_user": "manage_service",
    "services:edit_member": "manage_service",
    "services:remove_member": "manage_service",
    "services:cancel_invite": "manage_service",
    "services:template_list": ANY_MEMBER,
    "services:add_email_template": "manage_templates",
    "services:add_sms_template": "manage_templates",
    "services:template_detail": ANY_MEMBER,
    "services:edit_template": "manage_templates",
    "services:copy_template": "manage_templates",
    "services:archive_template": "manage_templates",
    "services:preview_template": ANY_MEMBER,
    "services:api_keys": "manage_api_keys",
    "services:create_api_key": "manage_api_keys",
    "services:revoke_api_key": "manage_api_keys",
    "notifications:notifications": "view_activity",
    "notifications:email_notifications": "view_activity",
    "notifications:sms_notifications": "view_activity",
    "notifications:notification": "view_activity",
    "notifications:download_notifications": "view_activity",
    "notifications:download_email_notifications": "view_activity",
    "notifications:download_sms_notifications": "view_activity",
    "notifications:jobs": "view_activity",
    "notifications:job": "view_activity",
    "notifications:job_progress": "view_activity",
    "notifications:download_job": "view_activity",
    "notifications:send_upload": "send_messages",
    "notifications:send_check": "send_messages",
    "notifications:example_spreadsheet": "send_messages",
    "notifications:send_one_off": "send_messages",
    "notifications:job_cancel": "send_messages",
}

# Platform admins see every service, but may not act as a sender for one they are not in.
CLOSED_TO_PLATFORM_ADMINS = {"services:create_api_key"}


def _service_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_namespace = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _service_patterns(entry, prefix + str(entry.pattern), child_namespace)
        else:
            route = prefix + str(entry.pattern)
            if "service_id" in route:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                yield name, route, entry


SERVICE_PATTERNS = sorted(_service_patterns(), key=lambda item: item[1])


def test_every_service_pattern_is_in_the_mapping():
    names = [name for name, _, _ in SERVICE_PATTERNS]
    assert None not in names, "Every service URL pattern needs a name to be checked"
    assert len(names) == len(set(names)), "Service URL pattern names must be unique"
    assert set(names) == set(REQUIRED), (
        f"Not in REQUIRED: {sorted(set(names) - set(REQUIRED))}; no such pattern: {sorted(set(REQUIRED) - set(names))}"
    )


@pytest.mark.parametrize(
    ("name", "route", "pattern"), SERVICE_PATTERNS, ids=[item[0] or item[1] for item in SERVICE_PATTERNS]
)
def test_view_declares_the_permission_it_checks(name, route, pattern):
    declared = getattr(pattern.callback, "service_permission", "undeclared")
    assert declared != "undeclared", f"{route} is not wrapped in a services.permissions guard"
    assert declared == REQUIRED.get(name), f"{name} checks {declared!r}, REQUIRED says {REQUIRED.get(name)!r}"


def _url(name, pattern, service):
    """Build the URL for ``service``, creating whatever else the pattern's kwargs name."""
    kwargs = {}
    for kwarg in pattern.pattern.converters:
        if kwarg == "service_id":
            kwargs[kwarg] = service.pk
        elif kwarg == "template_id":
            kwargs[kwarg] = TemplateFactory(service=service).pk
        elif kwarg == "user_id":
            kwargs[kwarg] = ServiceUserFactory(service=service, all_permissions=True).user_id
        elif kwarg == "invite_id":
            kwargs[kwarg] = InviteFactory(service=service).pk
        elif kwarg == "key_id":
            kwargs[kwarg] = ApiKeyFactory(service=service).pk
        elif kwarg == "job_id":
            from notifications.tests.factories import JobFactory

            kwargs[kwarg] = JobFactory(service=service).pk
        elif kwarg == "upload_id":
            kwargs[kwarg] = uuid.uuid4()  # an unknown upload: the check page sends you to upload again
        elif kwarg == "notification_id":
            from notifications.tests.factories import NotificationFactory

            kwargs[kwarg] = NotificationFactory(service=service).pk
        else:
            pytest.fail(f"{name}: the matrix test does not know how to fill <{kwarg}>; teach _url")
    return reverse(name, kwargs=kwargs)


def _member(service, *, permissions):
    return ServiceUserFactory(service=service, **{p: p in permissions for p in PERMISSIONS}).user


def _assert_refused(response, url):
    assert response.status_code in (403, 404), f"{url}: {response.status_code}"


@pytest.fixture
def service():
    # A live service, so pages that differ in trial mode (API keys) show their full form.
    return ServiceFactory(live=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route", "pattern"), SERVICE_PATTERNS, ids=[item[0] or item[1] for item in SERVICE_PATTERNS]
)
class TestPermissionMatrix:
    def test_anonymous_is_sent_to_sign_in(self, client, service, name, route, pattern):
        url = _url(name, pattern, service)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next="), url

    def test_member_of_another_service_is_refused(self, client, service, name, route, pattern):
        url = _url(name, pattern, service)
        client.force_login(_member(ServiceFactory(), permissions=PERMISSIONS))
        _assert_refused(client.get(url), url)
        _assert_refused(client.post(url), url)

    def test_member_without_the_permission_is_refused(self, client, service, name, route, pattern):
        required = REQUIRED[name]
        if required is ANY_MEMBER:
            pytest.skip("any team member may open this page")
        url = _url(name, pattern, service)
        others = [p for p in PERMISSIONS if p != required]
        client.force_login(_member(service, permissions=others))
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url

    def test_member_with_only_the_permission_is_allowed(self, client, service, name, route, pattern):
        required = REQUIRED[name]
        url = _url(name, pattern, service)
        if required == PLATFORM_ADMIN:
            user = UserFactory(is_staff=True)
        else:
            user = _member(service, permissions=[] if required is ANY_MEMBER else [required])
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"

    def test_platform_admin_outside_the_team(self, client, service, name, route, pattern):
        url = _url(name, pattern, service)
        client.force_login(UserFactory(is_staff=True))
        response = client.get(url)
        if name in CLOSED_TO_PLATFORM_ADMINS or REQUIRED[name] == "send_messages":
            assert response.status_code == 403, url
        else:
            assert response.status_code in (200, 302), f"{url}: {response.status_code}"


OBJECT_PATTERNS = [item for item in SERVICE_PATTERNS if len(item[2].pattern.converters) > 1]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route", "pattern"), OBJECT_PATTERNS, ids=[item[0] for item in OBJECT_PATTERNS])
def test_another_services_object_under_your_own_service_is_404(client, name, route, pattern):
    """A full member of one service cannot reach another service's template, key, job,
    member or invite by putting its id under their own service's URL."""
    theirs, yours = ServiceFactory(live=True), ServiceFactory(live=True)
    url = _url(name, pattern, theirs).replace(str(theirs.pk), str(yours.pk))
    assert str(yours.pk) in url
    client.force_login(_member(yours, permissions=PERMISSIONS))
    assert client.get(url).status_code == 404, url
    assert client.post(url).status_code == 404, url


@pytest.mark.django_db
def test_unknown_service_is_404(client):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("services:service_home", kwargs={"service_id": "00000000-0000-0000-0000-000000000001"})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_permissions_for():
    service = ServiceFactory()
    member = ServiceUserFactory(service=service, view_activity=True, manage_templates=True)
    assert permissions_for(user=member.user, membership=member) == {"view_activity", "manage_templates"}
    admin = UserFactory(is_staff=True)
    assert permissions_for(user=admin, membership=None) == {
        "manage_service",
        "view_activity",
        "manage_templates",
        PLATFORM_ADMIN,
    }
    admin_member = ServiceUserFactory(service=service, user=admin, all_permissions=True)
    assert permissions_for(user=admin, membership=admin_member) == {*PERMISSIONS, PLATFORM_ADMIN}


@pytest.mark.django_db
def test_platform_admin_only_pages_outside_services(client):
    urls = [reverse("services:organisations"), reverse("services:add_organisation")]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(_member(ServiceFactory(), permissions=PERMISSIONS))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    for url in urls:
        assert client.get(url).status_code == 200
