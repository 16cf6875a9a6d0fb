"""One-off messages (same delivery path as jobs) and cancelling a scheduled job."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import DevSmsMessage, Job, JobStatus, Notification, NotificationStatus
from notifications.tests.factories import JobFactory, NotificationFactory
from notifications.tests.sending_helpers import (  # noqa: F401 - fixtures
    eager_tasks,
    live_sms_template,
    media,
    no_receipt_failures,
    sender,
)
from services.models import KeyType, TemplateType
from services.tests.factories import ServiceFactory, ServiceUserFactory, TemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "media", "no_receipt_failures")]


def _text(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def _url(template):
    return reverse("notifications:send_one_off", args=[template.service_id, template.pk])


def _post(client, template, captured, data):
    with captured(execute=True):
        return client.post(_url(template), data)


def test_the_form_asks_for_the_recipient_and_each_placeholder(client):
    template = live_sms_template()
    template.content = "Hi ((name)), ((phone number)) is on file. ((extra??Bring ID))"
    template.save()
    client.force_login(sender(template.service))

    html = client.get(_url(template)).content.decode()

    assert re.findall(r'name="(recipient|placeholder_\d+)"', html) == ["recipient", "placeholder_0", "placeholder_1"]
    assert '<label class="govuk-label govuk-label--s" for="id_recipient">Mobile number</label>' in html
    assert ">name</label>" in html
    assert ">extra</label>" in html


def test_a_one_off_text_message_is_sent_through_the_pipeline(client, django_capture_on_commit_callbacks):
    template = live_sms_template()
    template.content = "Hi ((name)), we have ((Phone_Number))"
    template.save()
    user = sender(template.service)
    client.force_login(user)

    response = _post(
        client, template, django_capture_on_commit_callbacks, {"recipient": "07712 345 678", "placeholder_0": "Ann"}
    )

    notification = Notification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:notification", args=[template.service_id, notification.pk])
    assert (notification.job, notification.to, notification.normalised_to, notification.created_by) == (
        None,
        "07712 345 678",
        "447712345678",
        user,
    )
    assert notification.personalisation == {"name": "Ann", "Phone_Number": "07712 345 678"}
    assert notification.key_type == KeyType.NORMAL
    assert notification.status == NotificationStatus.DELIVERED
    assert list(DevSmsMessage.objects.values_list("to", "content")) == [
        ("447712345678", "Hi Ann, we have 07712 345 678")
    ]


def test_a_one_off_email(client, django_capture_on_commit_callbacks):
    service = ServiceFactory(live=True)
    template = TemplateFactory(service=service, template_type=TemplateType.EMAIL, subject="Re ((thing))", content="Hi")
    client.force_login(sender(service))

    _post(
        client,
        template,
        django_capture_on_commit_callbacks,
        {"recipient": " ann@example.gov.uk ", "placeholder_0": "x"},
    )

    assert [(m.to, m.subject) for m in mail.outbox] == [(["ann@example.gov.uk"], "Re x")]
    assert Notification.objects.get().status == NotificationStatus.DELIVERED


def test_an_email_address_is_stored_in_lower_case_and_found_whatever_the_case(
    client, django_capture_on_commit_callbacks
):
    service = ServiceFactory(live=True)
    template = TemplateFactory(service=service, template_type=TemplateType.EMAIL, subject="Hi", content="Hi")
    client.force_login(sender(service))
    _post(client, template, django_capture_on_commit_callbacks, {"recipient": "Ann.Smith@Example.GOV.uk"})

    notification = Notification.objects.get()
    assert (notification.to, notification.normalised_to) == ("Ann.Smith@Example.GOV.uk", "ann.smith@example.gov.uk")
    for typed in ("ann.smith@example.gov.uk", "ANN.SMITH@EXAMPLE.GOV.UK", "Ann.Smith@Example.GOV.uk"):
        listing = client.get(reverse("notifications:notifications", args=[service.pk]), {"search": typed})
        assert str(notification.pk) in listing.content.decode(), typed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"recipient": "", "placeholder_0": "Ann"}, "Enter a mobile number"),
        ({"recipient": "12345", "placeholder_0": "Ann"}, "This does not look like a UK mobile number"),
        ({"recipient": "+1 202 555 0104", "placeholder_0": "Ann"}, "This does not look like a UK mobile number"),
        ({"recipient": "07712345678", "placeholder_0": ""}, "Enter name"),
        ({"recipient": "07712345678", "placeholder_0": "x" * 950}, "Message too long"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_sent(client, django_capture_on_commit_callbacks, data, message):
    template = live_sms_template()
    client.force_login(sender(template.service))

    response = _post(client, template, django_capture_on_commit_callbacks, data)

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert message in _text(response)
    assert Notification.objects.count() == 0
    assert DevSmsMessage.objects.count() == 0


def test_trial_mode_one_offs_only_go_to_the_team(client, django_capture_on_commit_callbacks):
    service = ServiceFactory()
    template = TemplateFactory(service=service, template_type=TemplateType.SMS, content="Hi")
    client.force_login(sender(service, user__mobile_number="07712345000"))
    ServiceUserFactory(service=service, user__mobile_number="07712 345 001")

    refused = _post(client, template, django_capture_on_commit_callbacks, {"recipient": "07712345999"})
    sent = _post(client, template, django_capture_on_commit_callbacks, {"recipient": "+447712345001"})
    simulated = _post(client, template, django_capture_on_commit_callbacks, {"recipient": "07700900111"})

    assert "In trial mode you can only send to yourself and members of your team" in _text(refused)
    assert (sent.status_code, simulated.status_code) == (302, 302)
    assert list(DevSmsMessage.objects.values_list("to", flat=True)) == ["447712345001"]
    assert sorted(Notification.objects.values_list("normalised_to", "status")) == [
        ("447700900111", NotificationStatus.DELIVERED),
        ("447712345001", NotificationStatus.DELIVERED),
    ]


def test_a_one_off_counts_against_the_daily_limit(client, django_capture_on_commit_callbacks):
    template = live_sms_template(sms_message_limit=1)
    client.force_login(sender(template.service))
    NotificationFactory(template=template)

    response = _post(
        client, template, django_capture_on_commit_callbacks, {"recipient": "07712345678", "placeholder_0": "A"}
    )

    assert "Daily limit reached. You can only send 1 messages per day." in _text(response)
    assert Notification.objects.count() == 1


# Cancelling


def _cancel_url(job):
    return reverse("notifications:job_cancel", args=[job.service_id, job.pk])


def test_a_scheduled_job_can_be_cancelled(client):
    job = JobFactory(
        template=live_sms_template(), job_status=JobStatus.SCHEDULED, scheduled_for=timezone.now() + timedelta(hours=3)
    )
    client.force_login(sender(job.service))

    page = client.get(_cancel_url(job))
    response = client.post(_cancel_url(job), follow=True)

    assert page.status_code == 200
    assert "Cancel sending ‘recipients.csv’?" in _text(page)
    assert response.redirect_chain == [(reverse("notifications:job", args=[job.service_id, job.pk]), 302)]
    assert "Sending ‘recipients.csv’ has been cancelled" in _text(response)
    assert Job.objects.get().job_status == JobStatus.CANCELLED


@pytest.mark.parametrize("status", [JobStatus.PENDING, JobStatus.IN_PROGRESS, JobStatus.FINISHED])
def test_a_job_that_is_not_scheduled_cannot_be_cancelled(client, status):
    job = JobFactory(template=live_sms_template(), job_status=status)
    client.force_login(sender(job.service))

    page = client.get(_cancel_url(job))
    response = client.post(_cancel_url(job), follow=True)

    assert page.status_code == 302
    assert "This job has already started, so it cannot be cancelled" in _text(response)
    assert Job.objects.get().job_status == status


def test_cancelling_twice_says_it_is_already_cancelled(client):
    job = JobFactory(template=live_sms_template(), job_status=JobStatus.CANCELLED)
    client.force_login(sender(job.service))

    response = client.post(_cancel_url(job), follow=True)

    assert "This job has already been cancelled" in _text(response)
    assert "already started" not in _text(response)
    assert Job.objects.get().job_status == JobStatus.CANCELLED


def test_another_services_job_is_not_found(client):
    job = JobFactory(template=live_sms_template(), job_status=JobStatus.SCHEDULED)
    other = ServiceFactory(live=True)
    client.force_login(sender(other))

    response = client.post(reverse("notifications:job_cancel", args=[other.pk, job.pk]))

    assert response.status_code == 404
    assert Job.objects.get().job_status == JobStatus.SCHEDULED


@pytest.mark.parametrize(
    ("count", "sentence"),
    [
        (1, "1 message from the template ‘Reminder’ is scheduled for Monday 8 June at 14:00."),
        (2, "2 messages from the template ‘Reminder’ are scheduled for Monday 8 June at 14:00."),
    ],
)
def test_the_cancel_page_says_what_is_scheduled_and_when_in_london_time(client, count, sentence):
    template = live_sms_template()
    template.name = "Reminder"
    template.save()
    job = JobFactory(
        template=template,
        job_status=JobStatus.SCHEDULED,
        notification_count=count,
        scheduled_for=datetime(2026, 6, 8, 13, 0, tzinfo=UTC),  # 14:00 in London (BST)
    )
    client.force_login(sender(job.service))

    assert sentence in _text(client.get(_cancel_url(job)))
