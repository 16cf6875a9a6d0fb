import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from services import actions
from services.models import ApiKey
from services.tests.assertions import assert_field_error
from services.tests.factories import ApiKeyFactory, ServiceFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _keys(service):
    return list(
        ApiKey.objects.filter(service=service).order_by("created_at").values_list("name", "key_type", "expiry_date")
    )


def _shown_secret(response):
    match = re.search(
        r'<p class="govuk-body app-api-key" id="api-key"><code>([^<]+)</code></p>', response.content.decode()
    )
    assert match, "no key on the page"
    return match.group(1)


@pytest.mark.parametrize("key_type", ["normal", "team", "test"])
def test_create_key_on_a_live_service_shows_the_secret_once(client, key_type):
    member = ServiceUserFactory(manage_api_keys=True, service=ServiceFactory(live=True))
    service = member.service
    client.force_login(member.user)
    response = client.post(
        reverse("services:create_api_key", args=[service.pk]), {"name": "My Key", "key_type": key_type}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    combined = _shown_secret(response)
    assert combined.startswith(f"my-key-{service.pk}-")
    key = ApiKey.objects.get()
    assert (key.name, key.key_type, key.expiry_date, key.created_by) == ("My Key", key_type, None, member.user)
    secret = combined.removeprefix(f"my-key-{service.pk}-")
    assert secret not in key.secret_hash
    # The secret can be verified later, but no page shows it again.
    assert actions.api_key_verify(service_id=service.pk, secret=secret) == key
    assert actions.api_key_verify(service_id=service.pk, secret=combined) == key
    listing = client.get(reverse("services:api_keys", args=[service.pk])).content.decode()
    assert "My Key" in listing
    assert secret not in listing
    assert key.secret_hash not in listing


def test_normal_key_in_trial_mode_is_refused_with_a_clear_message(client):
    member = ServiceUserFactory(manage_api_keys=True)
    assert member.service.restricted
    client.force_login(member.user)
    url = reverse("services:create_api_key", args=[member.service_id])
    assert "you can create team and test keys only" in client.get(url).content.decode()
    response = client.post(url, {"name": "Live key", "key_type": "normal"})
    assert_field_error(
        response,
        "id_key_type_0",
        "You cannot create a live key while your service is in trial mode – choose a team or test key, "
        "or request to go live",
    )
    assert not ApiKey.objects.exists()


def test_normal_key_in_trial_mode_is_refused_by_the_action_too():
    service = ServiceFactory()
    with pytest.raises(actions.ServiceError, match="trial mode"):
        actions.api_key_create(service=service, user=None, name="k", key_type="normal")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"name": "existing", "key_type": "test"}, "id_name", "You already have an API key with this name"),
        ({"name": "", "key_type": "test"}, "id_name", "Enter a key name"),
        ({"name": "k" * 2000, "key_type": "test"}, "id_name", "Key name must be 255 characters or fewer"),
        ({"name": "k"}, "id_key_type_0", "Select a type of key"),
        ({"name": "k", "key_type": "admin"}, "id_key_type_0", "Select a valid choice"),
    ],
)
def test_create_key_rejects_bad_input(client, data, field_id, message):
    member = ServiceUserFactory(manage_api_keys=True, service=ServiceFactory(live=True))
    ApiKeyFactory(service=member.service, name="Existing", key_type="team")
    before = _keys(member.service)
    client.force_login(member.user)
    response = client.post(reverse("services:create_api_key", args=[member.service_id]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'<a href="#{field_id}">{message}' in html
    assert "app-api-key" not in html
    assert _keys(member.service) == before


def test_a_revoked_keys_name_can_be_reused(client):
    member = ServiceUserFactory(manage_api_keys=True)
    ApiKeyFactory(service=member.service, name="Reused", expiry_date=datetime(2026, 1, 1, tzinfo=LONDON))
    client.force_login(member.user)
    response = client.post(
        reverse("services:create_api_key", args=[member.service_id]), {"name": "Reused", "key_type": "team"}
    )
    assert response.status_code == 200
    assert ApiKey.objects.filter(name="Reused", expiry_date__isnull=True).count() == 1


def test_revoke_key(client):
    member = ServiceUserFactory(manage_api_keys=True)
    service = member.service
    key, combined = actions.api_key_create(service=service, user=member.user, name="k", key_type="test")
    other = ApiKeyFactory(service=service, name="other")
    client.force_login(member.user)
    url = reverse("services:revoke_api_key", args=[service.pk, key.pk])
    assert "Are you sure you want to revoke ‘k’?" in client.get(url).content.decode()
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON), tick=False):
        response = client.post(url)
    assert response["Location"] == reverse("services:api_keys", args=[service.pk])
    key.refresh_from_db()
    other.refresh_from_db()
    assert key.expiry_date == datetime(2026, 5, 1, 9, 0, tzinfo=LONDON)
    assert other.expiry_date is None
    assert actions.api_key_verify(service_id=service.pk, secret=combined) is None
    # Revoking again finds nothing to revoke.
    assert client.post(url).status_code == 404


def test_api_key_verify_refuses_wrong_secrets_and_other_services():
    key, combined = actions.api_key_create(service=ServiceFactory(), user=None, name="k", key_type="team")
    secret = combined.rsplit(f"{key.service_id}-", 1)[1]
    assert actions.api_key_verify(service_id=key.service_id, secret=secret) == key
    assert actions.api_key_verify(service_id=key.service_id, secret=secret[:-1] + "0") is None
    assert actions.api_key_verify(service_id=key.service_id, secret="") is None
    assert actions.api_key_verify(service_id=ServiceFactory().pk, secret=secret) is None


def test_api_keys_list_has_no_n_plus_1_and_orders_live_keys_first(client, count_queries):
    member = ServiceUserFactory(manage_api_keys=True)
    service = member.service
    ApiKeyFactory(service=service, name="revoked", expiry_date=datetime(2026, 1, 1, tzinfo=LONDON))
    ApiKeyFactory(service=service, name="live", created_by=member.user)
    client.force_login(member.user)
    url = reverse("services:api_keys", args=[service.pk])
    assert [k.name for k in client.get(url).context["api_keys"]] == ["live", "revoked"]
    few = count_queries(client, url)
    ApiKeyFactory.create_batch(4, service=service, created_by=UserFactory())
    assert count_queries(client, url) == few


def test_platform_admin_can_see_but_not_create_keys_for_a_service_they_are_not_in(client):
    service = ServiceFactory(live=True)
    ApiKeyFactory(service=service, name="existing")
    client.force_login(UserFactory(is_staff=True))
    listing = client.get(reverse("services:api_keys", args=[service.pk]))
    assert listing.status_code == 200
    assert "Create an API key" not in listing.content.decode()
    response = client.post(reverse("services:create_api_key", args=[service.pk]), {"name": "x", "key_type": "test"})
    assert response.status_code == 403
    assert list(ApiKey.objects.values_list("name", flat=True)) == ["existing"]


def test_archived_service_cannot_get_new_keys(client):
    member = ServiceUserFactory(manage_api_keys=True, service=ServiceFactory(live=True, active=False))
    client.force_login(member.user)
    response = client.post(
        reverse("services:create_api_key", args=[member.service_id]), {"name": "k", "key_type": "test"}
    )
    assert response.status_code == 200
    assert "This service has been archived – it cannot have new API keys" in response.content.decode()
    assert not ApiKey.objects.exists()
