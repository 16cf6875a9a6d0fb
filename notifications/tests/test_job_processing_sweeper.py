"""The sending sweep: scheduled jobs start, and nothing stuck waits forever."""

import os
import uuid
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from notifications import tasks
from notifications.models import DevSmsMessage, Job, JobStatus, Notification, NotificationStatus
from notifications.sending import files, sweeper
from notifications.sending.uploads import upload_path
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
from notify_admin.celery import app

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "media", "no_receipt_failures")]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 22, 15, 0, tzinfo=LONDON)


def test_the_sweep_runs_every_minute():
    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["sweep-sending"]
    assert entry["task"] == "notifications.tasks.sweep_sending"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute="*")


def test_scheduled_jobs_start_when_their_hour_comes():
    template = live_sms_template()
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        due = stored_job(template, csv_bytes(phone_rows(2)), status=JobStatus.SCHEDULED, scheduled_for=NOW)
        later = stored_job(
            template,
            csv_bytes(phone_rows(2, start=5)),
            status=JobStatus.SCHEDULED,
            scheduled_for=NOW + timedelta(hours=1),
        )
        cancelled = stored_job(template, csv_bytes(phone_rows(1)), status=JobStatus.CANCELLED, scheduled_for=NOW)

    with time_machine.travel(NOW, tick=False):
        result = sweeper.sending_sweep()

    assert result.jobs_started == [due.pk]
    assert dict(Job.objects.values_list("pk", "job_status")) == {
        due.pk: JobStatus.FINISHED,
        later.pk: JobStatus.SCHEDULED,
        cancelled.pk: JobStatus.CANCELLED,
    }
    assert DevSmsMessage.objects.count() == 2


def test_a_pending_job_whose_task_was_lost_is_started():
    with time_machine.travel(NOW - timedelta(minutes=3), tick=False):
        lost = stored_job(live_sms_template(), csv_bytes(phone_rows(2)))
    with time_machine.travel(NOW - timedelta(seconds=30), tick=False):
        fresh = stored_job(live_sms_template(), csv_bytes(phone_rows(2, start=10)))

    with time_machine.travel(NOW, tick=False):
        result = sweeper.sending_sweep()

    assert result.jobs_started == [lost.pk]
    assert Job.objects.get(pk=fresh.pk).job_status == JobStatus.PENDING
    assert Notification.objects.filter(job=lost).count() == 2


def test_a_job_stuck_in_progress_is_resumed():
    with time_machine.travel(NOW - timedelta(minutes=11), tick=False):
        stuck = stored_job(live_sms_template(), csv_bytes(phone_rows(3)), status=JobStatus.IN_PROGRESS)
    with time_machine.travel(NOW - timedelta(minutes=1), tick=False):
        moving = stored_job(live_sms_template(), csv_bytes(phone_rows(3, start=10)), status=JobStatus.IN_PROGRESS)

    with time_machine.travel(NOW, tick=False):
        result = sweeper.sending_sweep()

    assert result.jobs_resumed == [stuck.pk]
    assert Job.objects.get(pk=stuck.pk).job_status == JobStatus.FINISHED
    assert Notification.objects.filter(job=stuck).count() == 3
    assert Job.objects.get(pk=moving.pk).job_status == JobStatus.IN_PROGRESS


def test_notifications_stuck_in_created_are_replayed_once(settings):
    settings.DELIVERY_RETRY_DELAY = 300
    template = live_sms_template()
    with time_machine.travel(NOW - timedelta(minutes=11), tick=False):
        stuck = NotificationFactory(template=template, to="07712345000", normalised_to="447712345000")
        sending = NotificationFactory(template=template, status=NotificationStatus.SENDING)
    with time_machine.travel(NOW - timedelta(minutes=9), tick=False):
        # Waiting for its retry (5 minutes) and a margin: not stuck yet.
        waiting = NotificationFactory(template=template, to="07712345001", normalised_to="447712345001")

    with time_machine.travel(NOW, tick=False):
        result = sweeper.sending_sweep()
        again = sweeper.sending_sweep()

    assert result.notifications_replayed == 1
    assert again.notifications_replayed == 0
    assert dict(Notification.objects.values_list("pk", "status")) == {
        stuck.pk: NotificationStatus.DELIVERED,
        sending.pk: NotificationStatus.SENDING,
        waiting.pk: NotificationStatus.CREATED,
    }
    assert list(DevSmsMessage.objects.values_list("to", flat=True)) == ["447712345000"]


def test_the_task_wraps_the_sweep():
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        job = stored_job(live_sms_template(), csv_bytes(phone_rows(1)), status=JobStatus.SCHEDULED, scheduled_for=NOW)
    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        tasks.sweep_sending()
    assert Job.objects.get(pk=job.pk).job_status == JobStatus.FINISHED


def test_an_empty_sweep_does_nothing():
    result = sweeper.sending_sweep(now=timezone.now())
    assert (result.jobs_started, result.jobs_resumed, result.notifications_replayed) == ([], [], 0)


# Uploaded files


def test_the_files_clean_up_runs_nightly_after_retention():
    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["delete-job-files-older-than-retention"]
    assert entry["task"] == "notifications.tasks.delete_job_files_older_than_retention"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(hour=3, minute=15)


def test_job_files_go_after_the_services_retention(settings):
    week = live_sms_template()  # retention 7 days (the default)
    short = live_sms_template(data_retention_days=3)
    with time_machine.travel(NOW - timedelta(days=8), tick=False):
        old = stored_job(week, b"phone number\r\n", status=JobStatus.FINISHED)
        # Scheduled long ago but never processed: its file is still needed.
        waiting = stored_job(week, b"phone number\r\n", status=JobStatus.SCHEDULED, scheduled_for=NOW)
    with time_machine.travel(NOW - timedelta(days=6), tick=False):
        recent = stored_job(week, b"phone number\r\n", status=JobStatus.FINISHED)
    with time_machine.travel(NOW - timedelta(days=4), tick=False):
        short_old = stored_job(short, b"phone number\r\n", status=JobStatus.CANCELLED)

    with time_machine.travel(NOW, tick=False):
        result = files.job_files_delete_older_than_retention()

    assert result.job_files == 2
    kept = {job.pk: job.upload.name for job in Job.objects.all()}
    assert kept[old.pk] == kept[short_old.pk] == ""
    assert kept[waiting.pk] == upload_path(service_id=week.service_id, upload_id=waiting.pk)
    assert kept[recent.pk] == upload_path(service_id=week.service_id, upload_id=recent.pk)
    stored = {path.name for path in settings.MEDIA_ROOT.rglob("*.upload")}
    assert stored == {f"{waiting.pk}.upload", f"{recent.pk}.upload"}


def test_uploads_never_sent_go_after_a_day(settings):
    template = live_sms_template()
    abandoned = upload_path(service_id=template.service_id, upload_id=uuid.uuid4())
    fresh = upload_path(service_id=template.service_id, upload_id=uuid.uuid4())
    for path in (abandoned, fresh):
        default_storage.save(path, ContentFile(b"phone number\r\n"))
    sent = stored_job(template, b"phone number\r\n", status=JobStatus.PENDING)
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    for path in (abandoned, sent.upload.name):
        os.utime(default_storage.path(path), (two_days_ago, two_days_ago))

    result = files.job_files_delete_older_than_retention()

    assert result.abandoned == 1
    assert not default_storage.exists(abandoned)
    assert default_storage.exists(fresh)
    assert default_storage.exists(sent.upload.name)


def test_the_sweep_command_starts_a_scheduled_job_whose_time_has_come(monkeypatch):
    job = JobFactory(job_status=JobStatus.SCHEDULED, scheduled_for=timezone.now() - timedelta(minutes=1))
    JobFactory(job_status=JobStatus.SCHEDULED, scheduled_for=timezone.now() + timedelta(hours=1))
    started = []
    monkeypatch.setattr(tasks.process_job, "delay", started.append)
    out = StringIO()
    call_command("sweep_sending", stdout=out)
    assert started == [str(job.pk)]
    assert out.getvalue() == "Started 1 job(s), resumed 0 job(s), replayed 0 notification(s).\n"
