"""The send pages: upload, check, send now or later, duplicates, limits, trial mode."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import DevSmsMessage, Job, JobStatus, Notification, NotificationStatus
from notifications.sending.forms import schedule_slots
from notifications.sending.uploads import upload_path
from notifications.tests.factories import JobFactory, NotificationFactory
from notifications.tests.sending_helpers import (  # noqa: F401 - fixtures
    csv_bytes,
    eager_tasks,
    live_sms_template,
    media,
    no_receipt_failures,
    phone_rows,
    sender,
)
from notifications.views.send import SESSION_UPLOADS
from services.models import TemplateType
from services.tests.factories import ServiceFactory, ServiceUserFactory, TemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "media", "no_receipt_failures")]

LONDON = ZoneInfo("Europe/London")


def _text(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def _upload_url(template):
    return reverse("notifications:send_upload", kwargs={"service_id": template.service_id, "template_id": template.pk})


def _upload(client, template, data: bytes, name="people.csv"):
    return client.post(_upload_url(template), {"file": SimpleUploadedFile(name, data)})


def _upload_id(response):
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def template():
    return live_sms_template()


@pytest.fixture
def user_client(client, template):
    client.force_login(sender(template.service))
    return client


def _uploaded(client, template, rows, name="people.csv"):
    response = _upload(client, template, csv_bytes(rows), name)
    assert response.status_code == 302, response.content
    return response["Location"], _upload_id(response)


# Upload


def test_the_upload_page_shows_the_template_and_the_example(user_client, template):
    response = user_client.get(_upload_url(template))

    text = _text(response)
    assert response.status_code == 200
    assert "Upload a list of text messages" in text
    assert "Hello ((name))" in text
    assert reverse("notifications:example_spreadsheet", args=[template.service_id, template.pk]) in text
    assert 'enctype="multipart/form-data"' in text


def test_an_upload_is_stored_before_the_check_page(user_client, template):
    location, upload_id = _uploaded(user_client, template, phone_rows(2))

    assert location == reverse("notifications:send_check", args=[template.service_id, template.pk, upload_id])
    path = upload_path(service_id=template.service_id, upload_id=upload_id)
    assert default_storage.open(path).read() == csv_bytes(phone_rows(2))
    assert user_client.session[SESSION_UPLOADS] == {
        upload_id: {"template_id": str(template.pk), "filename": "people.csv"}
    }
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("picture.png", b"\x89PNG\r\n", "picture.png is not a spreadsheet that Notify can read"),
        ("people", b"phone number\r\n", "people is not a spreadsheet that Notify can read"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_on_the_upload_page(
    user_client, template, settings, name, data, message
):
    response = _upload(user_client, template, data, name)

    assert response.status_code == 200
    assert message in _text(response)
    assert list(settings.MEDIA_ROOT.iterdir()) == []


def test_no_file_chosen(user_client, template):
    response = user_client.post(_upload_url(template), {})

    assert response.status_code == 200
    assert "You need to choose a file to upload" in _text(response)


def test_a_file_over_10mb_is_refused(user_client, template, settings):
    response = _upload(user_client, template, b"phone number\r\n" + b"0" * (10 * 1024 * 1024))

    assert "The file must be smaller than 10MB" in _text(response)
    assert list(settings.MEDIA_ROOT.iterdir()) == []


# Check page


def test_the_check_page_previews_a_good_file_and_offers_to_send(user_client, template):
    location, _ = _uploaded(user_client, template, phone_rows(3))

    response = user_client.get(location)

    text = _text(response)
    assert response.status_code == 200
    assert "Hello Person 0" in text  # the first row's message
    assert "Send 3 text messages" in text
    assert "07712345002" in text
    assert '<option value="">Now</option>' in text
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("rows", "name", "title", "detail"),
    [
        (
            [["phone number", "name"], ["07712345000", "Ann"], ["", ""], ["12345", "Bob"], ["07712345001", ""]],
            "people.csv",
            "There are some problems with people.csv",
            "<li>fix 1 phone number</li><li>enter missing data in 1 row</li>",
        ),
        (
            [["name"], ["Ann"]],
            "people.csv",
            "Your file is missing some columns",
            "It needs a column called ‘phone number’.",
        ),
        (
            [["phone number"], ["07712345000"]],
            "people.csv",
            "Your file is missing some columns",
            "Your file is missing a column called ‘name’.",
        ),
        (
            [["phone number", "name"]],
            "people.csv",
            "Your file is missing some rows",
            "It needs at least one row of data",
        ),
    ],
)
def test_the_check_page_shows_the_validators_errors(user_client, template, rows, name, title, detail):
    location, _ = _uploaded(user_client, template, rows, name)

    response = user_client.get(location)

    text = _text(response)
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert title in text
    assert detail in text
    assert "Send " not in text
    assert "Re-upload your file" in text


def test_row_numbers_are_as_the_user_sees_them(user_client, template):
    rows = [["phone number", "name"], ["07712345000", "Ann"], ["", ""], ["12345", "Bob"]]
    location, _ = _uploaded(user_client, template, rows)

    html = user_client.get(location).content.decode()

    # Header is row 1 and the blank row 3 is skipped: the bad number is on row 4.
    row = r'<th scope="row" class="govuk-table__header">4</th>\s*<td[^>]*>\s*'
    assert re.search(row + r'<span class="govuk-error-message">This does not look like a UK mobile number', html)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "people.xlsx",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
            "Notify cannot read this file - try using a different file type",
        ),
        ("people.csv", b"", "Your file is missing some rows"),
    ],
)
def test_broken_and_empty_files_get_the_validators_message(user_client, template, name, data, message):
    response = _upload(user_client, template, data, name)
    assert response.status_code == 302

    page = user_client.get(response["Location"])

    assert page.status_code == 200
    assert message in _text(page)
    assert Job.objects.count() == 0


def test_only_the_first_50_rows_are_shown(user_client, template):
    location, _ = _uploaded(user_client, template, phone_rows(60))

    html = user_client.get(location).content.decode()

    assert html.count('<th scope="row"') == 50
    assert "Only showing the first 50 rows" in _text(user_client.get(location))


def test_an_unknown_upload_sends_you_back_to_upload(user_client, template):
    url = reverse(
        "notifications:send_check", args=[template.service_id, template.pk, "5b5a8a39-8ad1-4e0e-9d52-5e1ebd0d8f11"]
    )

    response = user_client.get(url, follow=True)

    assert response.redirect_chain == [(_upload_url(template), 302)]
    assert "Your file could not be found. Upload it again." in _text(response)


def test_an_upload_cannot_be_checked_against_another_template(user_client, template):
    _, upload_id = _uploaded(user_client, template, phone_rows(1))
    other = TemplateFactory(service=template.service, template_type=TemplateType.SMS, content="Hi ((name))")

    response = user_client.get(reverse("notifications:send_check", args=[template.service_id, other.pk, upload_id]))

    assert response.status_code == 302
    assert response["Location"] == _upload_url(other)


# Sending


def _send(client, location, captured, **data):
    with captured(execute=True):
        return client.post(location, data)


def test_sending_creates_the_job_and_sends_every_row_once(user_client, template, django_capture_on_commit_callbacks):
    location, upload_id = _uploaded(user_client, template, phone_rows(3))

    response = _send(user_client, location, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert str(job.pk) == upload_id
    assert response["Location"] == reverse("notifications:job", args=[template.service_id, job.pk])
    assert (job.original_file_name, job.notification_count, job.job_status, job.template) == (
        "people.csv",
        3,
        JobStatus.FINISHED,
        template,
    )
    assert job.upload.name == upload_path(service_id=template.service_id, upload_id=upload_id)
    assert len(job.file_hash) == 64
    assert Notification.objects.filter(job=job, status=NotificationStatus.DELIVERED).count() == 3
    assert DevSmsMessage.objects.count() == 3
    assert SESSION_UPLOADS not in user_client.session or upload_id not in user_client.session[SESSION_UPLOADS]


def test_pressing_send_twice_makes_one_job(user_client, template, django_capture_on_commit_callbacks):
    location, upload_id = _uploaded(user_client, template, phone_rows(2))

    first = _send(user_client, location, django_capture_on_commit_callbacks)
    second = _send(user_client, location, django_capture_on_commit_callbacks)

    assert Job.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert DevSmsMessage.objects.count() == 2


def test_a_file_with_errors_cannot_be_sent(user_client, template, django_capture_on_commit_callbacks):
    location, _ = _uploaded(user_client, template, [["phone number", "name"], ["123", "Ann"]])

    response = _send(user_client, location, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "fix 1 phone number" in _text(response)
    assert Job.objects.count() == 0


def test_scheduling_sends_nothing_until_the_sweep(user_client, template, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 6, 22, 10, 20, tzinfo=LONDON), tick=False):
        location, _ = _uploaded(user_client, template, phone_rows(2))
        page = _text(user_client.get(location))
        response = _send(
            user_client, location, django_capture_on_commit_callbacks, scheduled_for="2026-06-22T13:00:00+00:00"
        )

    assert "Today at 11am" in page  # London time, the next whole hour
    assert "Monday 29 June at 10am" in page  # 7 days ahead
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.job_status == JobStatus.SCHEDULED
    assert job.scheduled_for == datetime(2026, 6, 22, 14, 0, tzinfo=LONDON)
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-06-22T08:00:00+00:00", "The time you chose has passed. Choose a later time"),
        ("2026-06-30T09:00:00+00:00", "You can only schedule messages up to 7 days ahead"),
        ("2026-06-22T13:30:00+00:00", "Choose when to send these messages"),
        ("tomorrow", "Choose when to send these messages"),
    ],
)
def test_a_bad_schedule_is_refused(user_client, template, django_capture_on_commit_callbacks, value, message):
    with time_machine.travel(datetime(2026, 6, 22, 10, 20, tzinfo=LONDON), tick=False):
        location, _ = _uploaded(user_client, template, phone_rows(2))
        response = _send(user_client, location, django_capture_on_commit_callbacks, scheduled_for=value)

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert f'<a href="#id_scheduled_for">{message}</a>' in response.content.decode()
    assert Job.objects.count() == 0


def test_schedule_slots_are_hourly_for_7_days_across_a_clock_change():
    with time_machine.travel(datetime(2026, 10, 24, 22, 30, tzinfo=LONDON), tick=False):
        slots = schedule_slots()

    assert len(slots) == 7 * 24
    assert slots[0] == ("2026-10-24T22:00:00+00:00", "Today at 11pm")
    assert slots[1] == ("2026-10-24T23:00:00+00:00", "Tomorrow at midnight")
    # 25 October: clocks go back at 02:00, so 1am comes twice and every hour is offered.
    labels = [label for _, label in slots[1:27]]
    assert labels.count("Tomorrow at 1am") == 2
    assert slots[-1] == ("2026-10-31T21:00:00+00:00", "Saturday 31 October at 9pm")


# Same file twice


def test_the_same_file_sent_today_asks_before_sending_again(user_client, template, django_capture_on_commit_callbacks):
    location, _ = _uploaded(user_client, template, phone_rows(2))
    _send(user_client, location, django_capture_on_commit_callbacks)
    first_job = Job.objects.get()
    location, upload_id = _uploaded(user_client, template, phone_rows(2), name="again.csv")

    page = user_client.get(location)
    refused = _send(user_client, location, django_capture_on_commit_callbacks)
    confirm = user_client.get(location + "?send_again=yes")
    sent = _send(user_client, location, django_capture_on_commit_callbacks, send_again="yes")

    assert "You already sent this file today" in _text(page)
    # Names the file that was sent, not the new upload.
    assert f"‘{first_job.original_file_name}’ was sent with this template at" in _text(page)
    assert "‘again.csv’ was sent" not in _text(page)
    assert "?send_again=yes" in page.content.decode()
    assert reverse("notifications:job", args=[template.service_id, first_job.pk]) in page.content.decode()
    assert refused.status_code == 200
    assert "You already sent this file today" in _text(refused)
    assert "Send 2 text messages" in _text(confirm)
    assert '<input type="hidden" name="send_again" value="yes">' in confirm.content.decode()
    assert sent.status_code == 302
    assert sorted(str(pk) for pk in Job.objects.values_list("pk", flat=True)) == sorted([str(first_job.pk), upload_id])
    assert DevSmsMessage.objects.count() == 4


def test_a_file_sent_yesterday_or_with_another_template_is_not_a_duplicate(
    user_client, template, django_capture_on_commit_callbacks
):
    other = TemplateFactory(service=template.service, template_type=TemplateType.SMS, content="Hi ((name))")
    data = csv_bytes(phone_rows(2))
    from notifications.sending.uploads import file_hash

    JobFactory(template=other, file_hash=file_hash(data))
    JobFactory(template=template, file_hash=file_hash(data), created_at=datetime(2020, 1, 1, tzinfo=LONDON))
    JobFactory(template=template, file_hash=file_hash(data), job_status=JobStatus.CANCELLED)
    location, _ = _uploaded(user_client, template, phone_rows(2))

    assert "Send 2 text messages" in _text(user_client.get(location))


# Trial mode and limits


def test_trial_mode_only_sends_to_the_team(client, django_capture_on_commit_callbacks):
    service = ServiceFactory()
    template = TemplateFactory(service=service, template_type=TemplateType.SMS, content="Hi")
    client.force_login(sender(service, user__mobile_number="07712 345 000"))
    ServiceUserFactory(service=service, user__mobile_number="+447712345001")
    team, _ = _uploaded(client, template, [["phone number"], ["07712345000"], ["+44 7712 345001"], ["07700900111"]])
    outsider, _ = _uploaded(client, template, [["phone number"], ["07712345000"], ["07712345999"]], name="b.csv")

    assert "Send 3 text messages" in _text(client.get(team))
    refused = _send(client, outsider, django_capture_on_commit_callbacks)
    text = _text(refused)
    assert "You cannot send to these phone numbers" in text
    assert "In trial mode you can only send to yourself and members of your team" in text
    assert Job.objects.count() == 0


def test_the_daily_limit_counts_what_was_sent_today(client, django_capture_on_commit_callbacks):
    template = live_sms_template(sms_message_limit=5)
    client.force_login(sender(template.service))
    with time_machine.travel(datetime(2026, 6, 22, 9, 0, tzinfo=LONDON), tick=False):
        NotificationFactory.create_batch(3, template=template)
        NotificationFactory.create_batch(4, template=template, created_at=datetime(2026, 6, 21, 23, 0, tzinfo=LONDON))
        location, _ = _uploaded(client, template, phone_rows(3))
        response = _send(client, location, django_capture_on_commit_callbacks)

    text = _text(response)
    assert "Too many recipients" in text
    assert "You can only send 5 messages per day." in text
    assert "You can still send 2 messages today, but ‘people.csv’ contains 3 phone numbers." in text
    assert Job.objects.count() == 0


def test_daily_limit_reached(client):
    template = live_sms_template(sms_message_limit=2)
    client.force_login(sender(template.service))
    NotificationFactory.create_batch(2, template=template)
    location, _ = _uploaded(client, template, phone_rows(1))

    text = _text(client.get(location))

    assert "Daily limit reached" in text
    assert "Send 1 text message" not in text


# Example spreadsheet


def test_the_example_spreadsheet_has_the_recipient_and_placeholder_columns(user_client):
    template = TemplateFactory(
        service=ServiceFactory(live=True), name="Appointment: reminder", subject="((day))", content="Hi ((name))"
    )
    user_client.force_login(sender(template.service))

    response = user_client.get(reverse("notifications:example_spreadsheet", args=[template.service_id, template.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Appointment_ reminder.csv"'
    assert response.content.decode() == "email address,day,name\r\ntest@example.com,example,example\r\n"


def test_archived_templates_and_services_cannot_send(user_client, template):
    template.archived = True
    template.save()
    assert user_client.get(_upload_url(template)).status_code == 404

    live = TemplateFactory(service=template.service, template_type=TemplateType.SMS)
    template.service.active = False
    template.service.save()
    assert user_client.get(_upload_url(live)).status_code == 403


def test_the_template_page_links_to_sending_for_senders_only(client, template):
    url = reverse("services:template_detail", args=[template.service_id, template.pk])
    client.force_login(sender(template.service))
    html = client.get(url).content.decode()
    assert _upload_url(template) in html
    assert reverse("notifications:send_one_off", args=[template.service_id, template.pk]) in html

    client.force_login(ServiceUserFactory(service=template.service, send_messages=False).user)
    assert _upload_url(template) not in client.get(url).content.decode()


def test_an_email_list_is_checked_and_sent(client, django_capture_on_commit_callbacks):
    from django.core import mail

    service = ServiceFactory(live=True)
    template = TemplateFactory(service=service, template_type=TemplateType.EMAIL, subject="For ((name))", content="Hi")
    client.force_login(sender(service))
    bad, _ = _uploaded(client, template, [["Email_Address", "name"], ["not an email", "Ann"]])
    good, _ = _uploaded(client, template, [["Email Address", "Name"], ["ann@example.gov.uk", "Ann"]], name="ok.csv")

    assert "fix 1 email address" in _text(client.get(bad))
    assert "Send 1 email" in _text(client.get(good))
    _send(client, good, django_capture_on_commit_callbacks)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ann@example.gov.uk"], "For Ann")]
    assert Job.objects.get().notification_count == 1
