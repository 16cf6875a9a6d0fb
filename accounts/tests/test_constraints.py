import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_addresses_are_unique_whatever_the_case():
    UserFactory(email="Ada@Example.gov.uk")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="ada@example.gov.uk")
    assert User.objects.get_by_natural_key("ADA@example.GOV.uk").email == "Ada@Example.gov.uk"
