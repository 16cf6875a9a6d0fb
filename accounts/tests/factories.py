import factory
from factory.django import DjangoModelFactory

from accounts.models import User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"user{n}@example.gov.uk")
    mobile_number = factory.Sequence(lambda n: f"07700900{n % 1000:03d}")
    password = factory.django.Password(TEST_PASSWORD)
