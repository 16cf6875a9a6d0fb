"""Delivery: each created notification reaches its provider once; retries; receipts."""

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from notifications import tasks
from notifications.models import DevSmsMessage, Notification, NotificationStatus
from notifications.providers import DevSmsProvider, SmsProvider, simulated_receipt_status
from notifications.sending import delivery
from notifications.tests.factories import NotificationFactory
from notifications.tests.sending_helpers import eager_tasks, no_receipt_failures  # noqa: F401 - fixtures
from services.models import TemplateType
from services.tests.factories import ServiceFactory, TemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "no_receipt_failures")]


class FailingProvider(SmsProvider):
    """Refuses every message, as a provider that is down would."""

    name = "failing"
    calls = 0

    def send_sms(self, *, to, content, reference):
        FailingProvider.calls += 1
        raise ConnectionError("provider down")


class FlakyProvider(DevSmsProvider):
    """Fails the first try of every message, then works."""

    seen = set()

    def send_sms(self, *, to, content, reference):
        if reference not in FlakyProvider.seen:
            FlakyProvider.seen.add(reference)
            raise TimeoutError("try again")
        return super().send_sms(to=to, content=content, reference=reference)


def _sms(**fields):
    template = TemplateFactory(service=ServiceFactory(live=True), template_type=TemplateType.SMS, content="Hi ((name))")
    fields.setdefault("to", "07712345000")
    fields.setdefault("normalised_to", "447712345000")
    fields.setdefault("personalisation", {"name": "Ann"})
    return NotificationFactory(template=template, **fields)


def _email(**fields):
    service = ServiceFactory(live=True, email_reply_to="replies@example.gov.uk")
    template = TemplateFactory(
        service=service, template_type=TemplateType.EMAIL, subject="About ((thing))", content="Dear ((name))"
    )
    fields.setdefault("to", "Ann@Example.gov.uk")
    fields.setdefault("normalised_to", "Ann@Example.gov.uk")
    fields.setdefault("personalisation", {"name": "Ann", "thing": "your visit"})
    return NotificationFactory(template=template, **fields)


def test_an_sms_is_sent_once_and_its_receipt_marks_it_delivered():
    notification = _sms()

    tasks.deliver_notifications([str(notification.pk)])
    tasks.deliver_notifications([str(notification.pk)])

    notification.refresh_from_db()
    message = DevSmsMessage.objects.get()
    assert (message.to, message.content, message.reference) == ("447712345000", "Hi Ann", str(notification.pk))
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.reference == str(message.id)
    assert notification.sent_at is not None
    assert notification.billable_units == 1


def test_only_created_notifications_are_sent():
    sending = _sms(status=NotificationStatus.SENDING)
    failed = _sms(status=NotificationStatus.PERMANENT_FAILURE)

    result = delivery.notifications_deliver(notification_ids=[sending.pk, failed.pk])

    assert result.sent == []
    assert DevSmsMessage.objects.count() == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {
        NotificationStatus.SENDING,
        NotificationStatus.PERMANENT_FAILURE,
    }


def test_a_claim_is_won_once():
    notification = _sms()

    assert delivery.claim([notification.pk, notification.pk], now=notification.created_at) == [notification.pk]
    assert delivery.claim([notification.pk], now=notification.created_at) == []
    assert Notification.objects.get().status == NotificationStatus.SENDING


def test_an_email_goes_through_djangos_email_backend():
    notification = _email()

    tasks.deliver_notifications([str(notification.pk)])

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert (email.to, email.subject, email.body, email.reply_to) == (
        ["Ann@Example.gov.uk"],
        "About your visit",
        "Dear Ann",
        ["replies@example.gov.uk"],
    )
    assert email.extra_headers["X-Notify-Reference"] == str(notification.pk)
    notification.refresh_from_db()
    # The test email backend keeps messages in memory: its receipt is simulated.
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.sent_at is not None


def test_smtp_email_is_sent_without_a_receipt(settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_delivery.RecordingSmtpBackend"
    RecordingSmtpBackend.sent = []
    notification = _email()

    tasks.deliver_notifications([str(notification.pk)])

    assert [m.to for m in RecordingSmtpBackend.sent] == [["Ann@Example.gov.uk"]]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


class RecordingSmtpBackend:
    """Stands in for an SMTP backend: accepts and reports nothing back."""

    sent = []

    def __init__(self, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        RecordingSmtpBackend.sent.extend(messages)
        return len(messages)


def test_international_sms_is_sent_without_a_receipt():
    notification = _sms(to="+1 202 555 0104", normalised_to="12025550104")

    tasks.deliver_notifications([str(notification.pk)])

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert DevSmsMessage.objects.get().to == "12025550104"


@pytest.mark.parametrize(
    ("kind", "to"),
    [
        ("sms", "447700900000"),
        ("sms", "447700900111"),
        ("sms", "447700900222"),
        ("email", "simulate-delivered@notifications.service.gov.uk"),
        ("email", "simulate-delivered-2@notifications.service.gov.uk"),
        ("email", "simulate-delivered-3@localhost"),
    ],
)
def test_simulated_recipients_never_reach_a_provider(kind, to):
    notification = (_sms if kind == "sms" else _email)(to=to, normalised_to=to)

    tasks.deliver_notifications([str(notification.pk)])

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.sent_at is not None
    assert DevSmsMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_failed_hand_over_is_retried_then_sent_once(settings):
    settings.SMS_PROVIDER = "notifications.tests.test_delivery.FlakyProvider"
    FlakyProvider.seen = set()
    notifications = [_sms(), _sms(to="07712345001", normalised_to="447712345001")]

    tasks.deliver_notifications([str(n.pk) for n in notifications])

    assert sorted(DevSmsMessage.objects.values_list("to", flat=True)) == ["447712345000", "447712345001"]
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.DELIVERED}


def test_after_the_last_retry_it_is_a_technical_failure(settings):
    settings.SMS_PROVIDER = "notifications.tests.test_delivery.FailingProvider"
    settings.DELIVERY_MAX_RETRIES = 3
    FailingProvider.calls = 0
    notification = _sms()

    tasks.deliver_notifications([str(notification.pk)])

    notification.refresh_from_db()
    assert FailingProvider.calls == 4  # the first try and 3 retries
    assert notification.status == NotificationStatus.TECHNICAL_FAILURE
    assert notification.sent_at is None


def test_a_failure_goes_back_to_created_for_its_retry(settings):
    settings.SMS_PROVIDER = "notifications.tests.test_delivery.FailingProvider"
    notification = _sms()

    result = delivery.notifications_deliver(notification_ids=[notification.pk], attempt=0)

    assert result.retry == [notification.pk]
    assert Notification.objects.get().status == NotificationStatus.CREATED


def test_one_failure_does_not_hold_up_the_others(settings):
    settings.SMS_PROVIDER = "notifications.tests.test_delivery.FlakyProvider"
    first, second = _sms(), _sms(to="07712345001", normalised_to="447712345001")
    FlakyProvider.seen = {str(second.pk)}  # the second's first try already failed

    result = delivery.notifications_deliver(notification_ids=[first.pk, second.pk])

    assert result.retry == [first.pk]
    assert result.sent == [second.pk]


def test_receipts_update_only_notifications_still_waiting():
    sending = _sms(status=NotificationStatus.SENDING)
    pending = _sms(status=NotificationStatus.PENDING)
    delivered = _sms(status=NotificationStatus.DELIVERED)

    changed = delivery.notifications_receipts_apply(
        receipts=[
            (str(sending.pk), NotificationStatus.PERMANENT_FAILURE),
            (str(pending.pk), NotificationStatus.DELIVERED),
            (str(delivered.pk), NotificationStatus.TEMPORARY_FAILURE),
            ("not-a-uuid", NotificationStatus.DELIVERED),
            (str(sending.pk), "made-up"),
        ]
    )

    assert changed == 2
    assert dict(Notification.objects.values_list("pk", "status")) == {
        sending.pk: NotificationStatus.PERMANENT_FAILURE,
        pending.pk: NotificationStatus.DELIVERED,
        delivered.pk: NotificationStatus.DELIVERED,
    }


class _Roll:
    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


def test_simulated_receipts_fail_in_the_configured_shares(settings):
    settings.DEV_RECEIPT_TEMPORARY_FAILURE_SHARE = 0.1
    settings.DEV_RECEIPT_PERMANENT_FAILURE_SHARE = 0.05

    assert simulated_receipt_status(_Roll(0.05)) == "temporary-failure"
    assert simulated_receipt_status(_Roll(0.12)) == "permanent-failure"
    assert simulated_receipt_status(_Roll(0.16)) == "delivered"
    assert simulated_receipt_status(_Roll(0.99)) == "delivered"


def test_dev_receipt_failures_reach_the_notification(settings):
    settings.DEV_RECEIPT_PERMANENT_FAILURE_SHARE = 1
    notification = _sms()

    tasks.deliver_notifications([str(notification.pk)])

    assert Notification.objects.get().status == NotificationStatus.PERMANENT_FAILURE
    assert Notification.objects.get().sent_at is not None


def test_a_database_error_after_the_claim_leaves_the_batch_to_be_sent_by_the_retry(monkeypatch):
    # The connection drops between claiming a batch and reading it: nothing has reached a
    # provider, so the task's retry (or the sweep) must still find every one `created`.
    notifications = [_sms(), _sms(to="07712345001", normalised_to="447712345001")]
    ids = [n.pk for n in notifications]

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(QuerySet, "select_related", connection_lost)
        with pytest.raises(OperationalError):
            delivery.notifications_deliver(notification_ids=ids)

    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.CREATED}
    assert DevSmsMessage.objects.count() == 0

    result = delivery.notifications_deliver(notification_ids=ids)

    assert sorted(result.sent) == sorted(ids)
    assert sorted(DevSmsMessage.objects.values_list("to", flat=True)) == ["447712345000", "447712345001"]


def test_delivery_costs_the_same_queries_for_2_emails_as_for_20():
    # The console/locmem email backends touch no database: every query here is the
    # pipeline's own, and none of them is per notification.
    counts = []
    for size in (2, 20):
        ids = [
            _email(to=f"person{i}@example.gov.uk", normalised_to=f"person{i}@example.gov.uk").pk for i in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            result = delivery.notifications_deliver(notification_ids=ids)
        assert sorted(result.sent) == sorted(ids)
        counts.append(len(queries))
    assert counts[0] == counts[1]
