"""Processing a job: starts once, creates each row's notification once, hands them on."""

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import tasks
from notifications.models import DevSmsMessage, Job, JobStatus, Notification, NotificationStatus
from notifications.sending import jobs
from notifications.sending.jobs import notification_id
from notifications.tests.factories import JobFactory, NotificationFactory
from notifications.tests.sending_helpers import (  # noqa: F401 - fixtures
    csv_bytes,
    eager_tasks,
    live_sms_template,
    media,
    no_receipt_failures,
    phone_rows,
    stored_job,
)
from services.models import KeyType, TemplateType
from services.tests.factories import ServiceFactory, ServiceUserFactory, TemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "media", "no_receipt_failures")]

LONDON = ZoneInfo("Europe/London")


def _rows(job):
    return list(
        Notification.objects.filter(job=job)
        .order_by("job_row_number")
        .values_list("job_row_number", "to", "normalised_to", "personalisation", "status")
    )


def test_a_pending_job_creates_one_notification_per_row_and_sends_each_once():
    template = live_sms_template()
    job = stored_job(template, csv_bytes(phone_rows(3)))

    tasks.process_job(str(job.pk))

    job.refresh_from_db()
    assert job.job_status == JobStatus.FINISHED
    assert job.processing_started is not None
    assert job.processing_finished is not None
    assert _rows(job) == [
        (0, "07712345000", "447712345000", {"name": "Person 0"}, NotificationStatus.DELIVERED),
        (1, "07712345001", "447712345001", {"name": "Person 1"}, NotificationStatus.DELIVERED),
        (2, "07712345002", "447712345002", {"name": "Person 2"}, NotificationStatus.DELIVERED),
    ]
    assert sorted(DevSmsMessage.objects.values_list("to", "content")) == [
        ("447712345000", "Hello Person 0"),
        ("447712345001", "Hello Person 1"),
        ("447712345002", "Hello Person 2"),
    ]
    notification = Notification.objects.get(job=job, job_row_number=0)
    assert notification.id == notification_id(job.pk, 0)
    assert notification.sent_at is not None
    assert notification.billable_units == 1
    assert notification.key_type == KeyType.NORMAL
    assert notification.reference == str(DevSmsMessage.objects.get(to="447712345000").id)


def test_running_the_task_again_creates_and_sends_nothing_more():
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(5)))

    tasks.process_job(str(job.pk))
    tasks.process_job(str(job.pk))
    jobs.job_process(job_id=job.pk)

    assert Notification.objects.filter(job=job).count() == 5
    assert DevSmsMessage.objects.count() == 5


def test_a_job_in_progress_is_left_to_its_own_run():
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(2)), status=JobStatus.IN_PROGRESS)

    result = jobs.job_process(job_id=job.pk)

    assert result.status == "skipped"
    assert Notification.objects.count() == 0
    assert Job.objects.get(pk=job.pk).job_status == JobStatus.IN_PROGRESS


@pytest.mark.parametrize("status", [JobStatus.FINISHED, JobStatus.CANCELLED, JobStatus.ERROR])
def test_a_job_that_is_not_pending_does_not_start(status):
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(2)), status=status)

    assert jobs.job_process(job_id=job.pk).status == status
    assert Notification.objects.count() == 0
    assert Job.objects.get(pk=job.pk).job_status == status


def test_an_unknown_job_is_ignored():
    assert jobs.job_process(job_id="00000000-0000-0000-0000-0000000000aa").status is None


def test_a_scheduled_job_starts_only_once_its_time_has_come():
    scheduled_for = datetime(2026, 6, 22, 15, 0, tzinfo=LONDON)
    with time_machine.travel(datetime(2026, 6, 22, 14, 59, tzinfo=LONDON), tick=False):
        job = stored_job(
            live_sms_template(), csv_bytes(phone_rows(2)), status=JobStatus.SCHEDULED, scheduled_for=scheduled_for
        )
        assert jobs.job_process(job_id=job.pk).status == JobStatus.SCHEDULED
        assert Notification.objects.count() == 0
    with time_machine.travel(scheduled_for, tick=False):
        assert jobs.job_process(job_id=job.pk).status == JobStatus.FINISHED
    assert Notification.objects.filter(job=job).count() == 2


def test_a_resumed_job_adds_only_the_missing_rows():
    template = live_sms_template()
    job = stored_job(template, csv_bytes(phone_rows(4)), status=JobStatus.IN_PROGRESS)
    # A worker died after the first two rows: one sent, one never handed over.
    NotificationFactory(
        id=notification_id(job.pk, 0),
        job=job,
        job_row_number=0,
        to="07712345000",
        normalised_to="447712345000",
        status=NotificationStatus.DELIVERED,
    )
    NotificationFactory(
        id=notification_id(job.pk, 1),
        job=job,
        job_row_number=1,
        to="07712345001",
        normalised_to="447712345001",
        personalisation={"name": "Person 1"},
        status=NotificationStatus.CREATED,
    )
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))

    result = jobs.job_resume(job_id=job.pk, stuck_before=timezone.now() - timedelta(minutes=10))

    assert result.status == JobStatus.FINISHED
    assert [(row, status) for row, *_, status in _rows(job)] == [
        (0, NotificationStatus.DELIVERED),
        (1, NotificationStatus.DELIVERED),
        (2, NotificationStatus.DELIVERED),
        (3, NotificationStatus.DELIVERED),
    ]
    assert sorted(DevSmsMessage.objects.values_list("to", flat=True)) == [
        "447712345001",
        "447712345002",
        "447712345003",
    ]


def test_a_job_that_is_still_moving_is_not_resumed():
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(2)), status=JobStatus.IN_PROGRESS)

    result = jobs.job_resume(job_id=job.pk, stuck_before=timezone.now() - timedelta(minutes=10))

    assert result.status == "skipped"
    assert Notification.objects.count() == 0


def test_rows_are_created_in_batches(monkeypatch):
    monkeypatch.setattr(jobs, "JOB_BATCH_SIZE", 2)
    monkeypatch.setattr(jobs, "DELIVERY_BATCH_SIZE", 1)
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(5)))

    tasks.process_job(str(job.pk))

    assert [row for row, *_ in _rows(job)] == [0, 1, 2, 3, 4]
    assert DevSmsMessage.objects.count() == 5


def test_a_job_over_todays_limit_is_refused_whole():
    template = live_sms_template(sms_message_limit=5)
    with time_machine.travel(datetime(2026, 6, 22, 0, 30, tzinfo=LONDON), tick=False):
        # Sent today (00:30 London is still the 21st in UTC): counts.
        NotificationFactory.create_batch(3, template=template, created_at=timezone.now() - timedelta(minutes=20))
        # Yesterday (London) and test-key messages do not count.
        NotificationFactory(template=template, created_at=datetime(2026, 6, 21, 23, 59, tzinfo=LONDON))
        NotificationFactory(template=template, key_type=KeyType.TEST)
        job = stored_job(template, csv_bytes(phone_rows(3)))

        result = jobs.job_process(job_id=job.pk)

    job.refresh_from_db()
    assert result.status == JobStatus.SENDING_LIMITS_EXCEEDED
    assert job.job_status == JobStatus.SENDING_LIMITS_EXCEEDED
    assert job.processing_finished is not None
    assert Notification.objects.filter(job=job).count() == 0
    assert DevSmsMessage.objects.count() == 0


def test_a_job_that_fits_the_limit_exactly_is_sent():
    template = live_sms_template(sms_message_limit=5)
    NotificationFactory.create_batch(2, template=template)
    job = stored_job(template, csv_bytes(phone_rows(3)))

    assert jobs.job_process(job_id=job.pk).status == JobStatus.FINISHED
    assert Notification.objects.filter(job=job).count() == 3


def test_other_pending_jobs_count_against_the_limit():
    template = live_sms_template(sms_message_limit=5)
    stored_job(template, csv_bytes(phone_rows(3)), status=JobStatus.IN_PROGRESS)
    job = stored_job(template, csv_bytes(phone_rows(3, start=10)))

    assert jobs.job_process(job_id=job.pk).status == JobStatus.SENDING_LIMITS_EXCEEDED


def test_email_limits_do_not_count_text_messages():
    service = ServiceFactory(live=True, email_message_limit=2)
    NotificationFactory.create_batch(3, service=service, notification_type=TemplateType.SMS)
    template = TemplateFactory(service=service, template_type=TemplateType.EMAIL, subject="Hi", content="Hi ((name))")
    job = stored_job(
        template, csv_bytes([["email address", "name"], ["a@example.gov.uk", "A"], ["b@example.gov.uk", "B"]])
    )

    assert jobs.job_process(job_id=job.pk).status == JobStatus.FINISHED
    assert Notification.objects.filter(job=job).count() == 2


def test_a_missing_file_marks_the_job_as_an_error():
    job = JobFactory(template=live_sms_template(), upload="jobs/nowhere.upload")

    assert jobs.job_process(job_id=job.pk).status == JobStatus.ERROR
    assert Job.objects.get(pk=job.pk).job_status == JobStatus.ERROR
    assert Notification.objects.count() == 0


def test_a_file_that_no_longer_passes_its_checks_marks_the_job_as_an_error():
    # Checked in trial mode while the recipient was on the team; they have since left.
    service = ServiceFactory()
    template = TemplateFactory(service=service, template_type=TemplateType.SMS, content="Hi")
    ServiceUserFactory(service=service, user__mobile_number="07712345999")
    job = stored_job(template, csv_bytes([["phone number"], ["07712345000"]]))

    assert jobs.job_process(job_id=job.pk).status == JobStatus.ERROR
    assert Notification.objects.count() == 0


def test_trial_mode_jobs_to_the_team_are_sent():
    service = ServiceFactory()
    template = TemplateFactory(service=service, template_type=TemplateType.SMS, content="Hi")
    ServiceUserFactory(service=service, user__mobile_number="+44 7712 345000")
    job = stored_job(template, csv_bytes([["phone number"], ["07712345000"]]))

    assert jobs.job_process(job_id=job.pk).status == JobStatus.FINISHED
    assert list(DevSmsMessage.objects.values_list("to", "content")) == [("447712345000", "Hi")]


def test_a_file_the_checker_chokes_on_marks_the_job_as_an_error(monkeypatch):
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(2)))

    def broken(**kwargs):
        raise RuntimeError("a bug in a file reader")

    monkeypatch.setattr(jobs, "upload_check", broken)

    assert jobs.job_process(job_id=job.pk).status == JobStatus.ERROR
    assert Job.objects.get(pk=job.pk).job_status == JobStatus.ERROR
    assert Notification.objects.count() == 0


NOTIFICATIONS_TABLE = f'INTO "{Notification._meta.db_table}"'


def test_processing_costs_the_same_queries_for_3_rows_as_for_300(monkeypatch):
    # No query per row: the rows of a batch go in one INSERT whatever their number.
    monkeypatch.setattr(tasks.deliver_notifications, "delay", lambda ids: None)
    counts = []
    for size in (3, 300):
        job = stored_job(live_sms_template(), csv_bytes(phone_rows(size)))
        with CaptureQueriesContext(connection) as queries:
            jobs.job_process(job_id=job.pk)
        assert Notification.objects.filter(job=job).count() == size
        # SQLite's limit of 999 parameters makes Django split the bulk INSERT (one
        # statement on PostgreSQL): those are counted on their own.
        inserts = [
            q for q in queries.captured_queries if q["sql"].startswith("INSERT") and NOTIFICATIONS_TABLE in q["sql"]
        ]
        assert len(inserts) == math.ceil(size / _rows_per_insert())
        counts.append(len(queries) - len(inserts))
    assert counts[0] == counts[1]


def _rows_per_insert():
    max_params = connection.features.max_query_params
    return max_params // len(Notification._meta.concrete_fields) if max_params else jobs.JOB_BATCH_SIZE
