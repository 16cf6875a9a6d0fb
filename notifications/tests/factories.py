import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from notifications.models import Job, Notification, NotificationType
from services.tests.factories import ServiceFactory, TemplateFactory

DEFAULT_RECIPIENTS = {
    NotificationType.EMAIL: "someone@example.gov.uk",
    NotificationType.SMS: "07700900123",
    NotificationType.LETTER: "A Person, 1 Street, SW1A 1AA",
}


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    template = factory.SubFactory(TemplateFactory)
    service = factory.SelfAttribute("template.service")
    original_file_name = "recipients.csv"
    notification_count = 1


class NotificationFactory(DjangoModelFactory):
    """Takes any Notification field and fills in the rest consistently.

    Given a job, its service and template are used; given a template, its service and
    type; given only a service and/or type, a template of that service and type is made.
    """

    class Meta:
        model = Notification

    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        job = kwargs.get("job")
        if job is not None:
            kwargs.setdefault("service", job.service)
            kwargs.setdefault("template", job.template)
            kwargs.setdefault("job_row_number", 0)
        api_key = kwargs.get("api_key")
        if api_key is not None:
            kwargs.setdefault("service", api_key.service)
            kwargs.setdefault("key_type", api_key.key_type)
        template = kwargs.get("template")
        if template is not None:
            kwargs.setdefault("service", template.service)
            kwargs.setdefault("notification_type", template.template_type)
        kwargs.setdefault("notification_type", NotificationType.EMAIL)
        if kwargs.get("service") is None:
            kwargs["service"] = ServiceFactory()
        if template is None:
            kwargs["template"] = TemplateFactory(service=kwargs["service"], template_type=kwargs["notification_type"])
        kwargs.setdefault("to", DEFAULT_RECIPIENTS[kwargs["notification_type"]])
        kwargs.setdefault("normalised_to", kwargs["to"])
        return kwargs
