import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from services.models import Organisation
from services.tests.assertions import assert_field_error
from services.tests.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def test_platform_admin_creates_an_organisation(admin_client):
    response = admin_client.post(reverse("services:add_organisation"), {"name": " Department for Education "})
    organisation = Organisation.objects.get()
    assert organisation.name == "Department for Education"
    assert response["Location"] == reverse("services:organisation", args=[organisation.pk])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("cabinet OFFICE", "An organisation with this name already exists – enter a different name"),
        ("", "Enter an organisation name"),
        ("o" * 256, "Organisation name must be 255 characters or fewer"),
    ],
)
def test_add_organisation_rejects_bad_names(admin_client, name, message):
    OrganisationFactory(name="Cabinet Office")
    response = admin_client.post(reverse("services:add_organisation"), {"name": name})
    assert_field_error(response, "id_name", message)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Cabinet Office"]


def test_organisation_list_counts_services_without_n_plus_1(admin_client, count_queries):
    home_office = OrganisationFactory(name="home office")
    cabinet = OrganisationFactory(name="Cabinet Office")
    ServiceFactory(organisation=home_office, live=True)
    ServiceFactory(organisation=home_office)
    ServiceFactory(organisation=home_office, live=True, active=False)
    url = reverse("services:organisations")
    response = admin_client.get(url)
    rows = [(o.name, o.service_count, o.live_service_count) for o in response.context["organisations"]]
    assert rows == [("Cabinet Office", 0, 0), ("home office", 2, 1)]
    few = count_queries(admin_client, url)
    for _ in range(3):
        ServiceFactory(organisation=OrganisationFactory())
    ServiceFactory(organisation=cabinet)
    assert count_queries(admin_client, url) == few


def test_organisation_page_lists_its_services(admin_client):
    organisation = OrganisationFactory()
    ServiceFactory(organisation=organisation, name="Zed", live=True)
    ServiceFactory(organisation=organisation, name="alpha")
    ServiceFactory(name="Elsewhere")
    response = admin_client.get(reverse("services:organisation", args=[organisation.pk]))
    assert [s.name for s in response.context["services"]] == ["alpha", "Zed"]
    assert "Elsewhere" not in response.content.decode()
