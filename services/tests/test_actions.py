from unittest import mock

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from services import actions
from services.models import PERMISSIONS, Invite, Service, ServiceUser
from services.tests.factories import ServiceFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db


def test_service_create_gives_the_creator_every_permission():
    user = UserFactory()
    service = actions.service_create(user=user, name="Apply for a permit")
    assert list(Service.objects.values_list("name", "restricted", "email_message_limit", "sms_message_limit")) == [
        ("Apply for a permit", True, 50, 50)
    ]
    assert ServiceUser.objects.get(service=service, user=user).permissions == list(PERMISSIONS)


def test_service_create_with_a_taken_name_raises_a_clear_error_and_writes_nothing():
    # The form normally catches this; the database constraint catches a race between two.
    ServiceFactory(name="Apply for a permit")
    with pytest.raises(actions.ServiceNameTaken, match="already in use"):
        actions.service_create(user=UserFactory(), name="APPLY for a permit")
    assert Service.objects.count() == 1
    assert not ServiceUser.objects.exists()


def test_service_create_is_atomic():
    with (
        mock.patch.object(ServiceUser.objects, "create", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        actions.service_create(user=UserFactory(), name="Half written")
    assert not Service.objects.exists()


def test_service_update_rename_race_keeps_the_old_name():
    ServiceFactory(name="Taken")
    service = ServiceFactory(name="Mine")
    with pytest.raises(actions.ServiceNameTaken):
        actions.service_update(service=service, name="taken")
    assert service.name == "Mine"
    assert Service.objects.get(pk=service.pk).name == "Mine"


def test_service_update_refuses_other_fields():
    service = ServiceFactory()
    with pytest.raises(ValueError, match="restricted"):
        actions.service_update(service=service, restricted=False)


def test_set_permissions_rolls_back_when_it_would_leave_no_manager():
    manager = ServiceUserFactory(all_permissions=True)
    with pytest.raises(actions.LastManagerError):
        actions.service_user_set_permissions(membership=manager, permissions=["view_activity"])
    assert ServiceUser.objects.get(pk=manager.pk).permissions == list(PERMISSIONS)


def test_set_permissions_rejects_unknown_names():
    manager = ServiceUserFactory(all_permissions=True)
    with pytest.raises(ValueError, match="is_staff"):
        actions.service_user_set_permissions(membership=manager, permissions=["is_staff"])


def test_remove_rolls_back_when_it_would_leave_no_manager():
    manager = ServiceUserFactory(all_permissions=True)
    ServiceUserFactory(service=manager.service)
    with pytest.raises(actions.LastManagerError):
        actions.service_user_remove(membership=manager)
    assert ServiceUser.objects.filter(service=manager.service).count() == 2


def test_invite_create_stores_only_a_hash_of_the_token():
    manager = ServiceUserFactory(all_permissions=True)
    tokens = []

    def url_for(token):
        tokens.append(token)
        return f"https://notify.example/invitation/{token}"

    invite = actions.invite_create(
        service=manager.service,
        invited_by=manager.user,
        email="a@example.gov.uk",
        permissions=[],
        accept_url_for=url_for,
    )
    (token,) = tokens
    assert token not in invite.token_hash
    assert actions.invite_find(token=token) == invite
    assert actions.invite_find(token=token + "x") is None
    assert f"https://notify.example/invitation/{token}" in mail.outbox[0].body
    assert Invite.objects.get().permissions == []


def test_archive_frees_the_name_and_revokes_keys():
    service = ServiceFactory(name="x" * 255)
    key, _ = actions.api_key_create(service=service, user=None, name="k", key_type="test")
    actions.service_archive(service=service)
    service.refresh_from_db()
    key.refresh_from_db()
    assert service.name.startswith("_archived_")
    assert len(service.name) == 255
    assert service.active is False
    assert key.expiry_date is not None
    assert actions.api_key_verify(service_id=service.pk, secret="anything") is None
