import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from services.models import (
    PERMISSIONS,
    ApiKey,
    Invite,
    KeyType,
    Organisation,
    Service,
    ServiceUser,
    Template,
    TemplateType,
)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Department {n}")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    organisation = factory.SubFactory(OrganisationFactory)

    class Params:
        live = factory.Trait(restricted=False, email_message_limit=250_000, sms_message_limit=250_000)


class ServiceUserFactory(DjangoModelFactory):
    class Meta:
        model = ServiceUser

    service = factory.SubFactory(ServiceFactory)
    user = factory.SubFactory(UserFactory)

    class Params:
        all_permissions = factory.Trait(**dict.fromkeys(PERMISSIONS, True))


class TemplateFactory(DjangoModelFactory):
    class Meta:
        model = Template

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    template_type = TemplateType.EMAIL
    subject = factory.Maybe(
        factory.LazyAttribute(lambda t: t.template_type == TemplateType.EMAIL),
        yes_declaration="Your ((thing)) is ready",
        no_declaration="",
    )
    content = "Hello ((name)), your ((thing)) is ready."


class ApiKeyFactory(DjangoModelFactory):
    class Meta:
        model = ApiKey

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Key {n}")
    key_type = KeyType.NORMAL
    secret_hash = factory.LazyFunction(lambda: make_password("not-a-real-secret"))


class InviteFactory(DjangoModelFactory):
    class Meta:
        model = Invite

    service = factory.SubFactory(ServiceFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.gov.uk")
    invited_by = factory.SubFactory(UserFactory)
    # Tests that follow the emailed link create invites through services.actions instead.
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
