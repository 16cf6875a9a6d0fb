import pytest
from django.db import IntegrityError, transaction

from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import JobFactory, NotificationFactory
from services.models import KeyType
from services.tests.factories import ApiKeyFactory, ServiceFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def test_a_job_row_gets_one_notification_only():
    job = JobFactory(notification_count=2)
    NotificationFactory(job=job, job_row_number=0)
    NotificationFactory(job=job, job_row_number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(job=job, job_row_number=1)
    assert sorted(Notification.objects.values_list("job_row_number", flat=True)) == [0, 1]


def test_notifications_without_a_job_are_not_bound_by_row_numbers():
    service = ServiceFactory()
    NotificationFactory(service=service, job_row_number=None)
    NotificationFactory(service=service, job_row_number=None)
    assert Notification.objects.filter(service=service).count() == 2


def test_an_unknown_status_is_rejected_by_the_database():
    notification = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(status="lost")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.CREATED


def test_factory_builds_a_consistent_graph_from_a_service_and_type():
    service = ServiceFactory()
    notification = NotificationFactory(service=service, notification_type="sms")
    assert notification.template.service == service
    assert notification.template.template_type == "sms"
    assert notification.to == "07700900123"


def test_factory_takes_service_and_type_from_a_template_or_job_or_key():
    template = TemplateFactory(template_type="sms")
    from_template = NotificationFactory(template=template)
    assert (from_template.service, from_template.notification_type) == (template.service, "sms")

    job = JobFactory(template=template)
    from_job = NotificationFactory(job=job, job_row_number=3)
    assert (from_job.service, from_job.template, from_job.job_row_number) == (template.service, template, 3)

    key = ApiKeyFactory(key_type=KeyType.TEST)
    from_key = NotificationFactory(api_key=key)
    assert (from_key.service, from_key.key_type) == (key.service, "test")
    assert from_key.template.service == key.service
