import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from services.tests.factories import InviteFactory

pytestmark = pytest.mark.django_db


def test_invite_admin_lists_invites_without_their_token_hash(client):
    invite = InviteFactory(email="listed@example.gov.uk")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:services_invite_changelist"))
    assert listing.status_code == 200
    assert "listed@example.gov.uk" in listing.content.decode()
    change = client.get(reverse("admin:services_invite_change", args=[invite.pk]))
    assert change.status_code == 200
    assert invite.token_hash not in change.content.decode()
    assert client.get(reverse("admin:services_invite_add")).status_code == 403
