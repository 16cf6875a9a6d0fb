import pytest
from django.db import IntegrityError, transaction

from services.models import Service, ServiceUser
from services.tests.factories import ServiceFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db


def test_service_names_are_unique_whatever_the_case():
    ServiceFactory(name="Bin reminders")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(name="BIN REMINDERS")
    assert list(Service.objects.values_list("name", flat=True)) == ["Bin reminders"]


@pytest.mark.parametrize("days", [2, 91])
def test_retention_outside_3_to_90_days_is_rejected_by_the_database(days):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(data_retention_days=days)


def test_a_user_is_in_a_team_once():
    member = ServiceUserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceUserFactory(service=member.service, user=member.user)
    assert ServiceUser.objects.count() == 1


def test_permissions_lists_what_the_member_holds():
    member = ServiceUserFactory(view_activity=True, send_messages=True)
    assert member.permissions == ["view_activity", "send_messages"]
    assert ServiceUserFactory(all_permissions=True).permissions == [
        "manage_service",
        "view_activity",
        "send_messages",
        "manage_templates",
        "manage_api_keys",
    ]


def test_a_live_service_is_active_not_restricted_and_counted():
    assert ServiceFactory(live=True).is_live
    assert not ServiceFactory().is_live
    assert not ServiceFactory(live=True, count_as_live=False).is_live
    assert not ServiceFactory(live=True, active=False).is_live
