"""End to end through a real Celery worker process and the real Redis broker.

Runs in CI's PostgreSQL + Redis pass (skipped without both): the worker is a separate
process, so it needs a database it can see (the test database, passed to it through
DATABASE_URL) and committed data (transactional_db).
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from notifications import tasks
from notifications.models import DevSmsMessage, Job, JobStatus, Notification, NotificationStatus
from notifications.sending.jobs import DELIVERY_BATCH_SIZE, batched
from notifications.tests.sending_helpers import csv_bytes, live_sms_template, phone_rows, stored_job
from notifications.tests.worker_providers import FAILED_ONCE_PREFIX, marks
from notify_admin.celery import app as celery_app

REDIS_URL = os.environ.get("REDIS_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ROWS = 1_000
WAIT_SECONDS = 120

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (REDIS_URL and DATABASE_URL.startswith(("postgres://", "postgresql://"))),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL",
    ),
]


def _test_database_url():
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def broker():
    """Tasks go to the broker (never run in-process), starting from an empty queue."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = previous
    for key in marks().scan_iter(f"{FAILED_ONCE_PREFIX}*"):
        marks().delete(key)


@pytest.fixture
def start_worker(transactional_db, media, broker, tmp_path):
    processes = []

    def start(**env):
        log = tmp_path / f"worker-{len(processes)}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(media),
            "DEV_RECEIPT_DELAY": "0.2",
            "DEV_RECEIPT_TEMPORARY_FAILURE_SHARE": "0",
            "DEV_RECEIPT_PERMANENT_FAILURE_SHARE": "0",
            "DELIVERY_RETRY_DELAY": "1",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "notify_admin",
            "worker",
            "--pool=threads",
            "--concurrency=4",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        process.log_path = log
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    connection.close()


def _broker_idle():
    """No task waiting in the queue and none taken but not yet acknowledged."""
    with celery_app.connection_for_write() as conn:
        client = conn.default_channel.client
        return client.llen("celery") == 0 and client.hlen("unacked") == 0


def _wait_until_done(job, worker):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert worker.poll() is None, f"the worker died: {_log_tail(worker)}"
        job.refresh_from_db()
        waiting = Notification.objects.filter(
            job=job, status__in=(NotificationStatus.CREATED, NotificationStatus.SENDING)
        ).exists()
        if job.job_status == JobStatus.FINISHED and not waiting and _broker_idle():
            return
        time.sleep(0.25)
    pytest.fail(f"not done after {WAIT_SECONDS}s: job {job.job_status}, {_statuses(job)}; {_log_tail(worker)}")


def _log_tail(worker):
    return worker.log_path.read_text()[-3000:]


def _statuses(job):
    return dict(Notification.objects.filter(job=job).values_list("status").annotate(n=Count("id")))


def _assert_each_row_sent_once(job):
    assert Notification.objects.filter(job=job).count() == ROWS
    assert sorted(Notification.objects.filter(job=job).values_list("job_row_number", flat=True)) == list(range(ROWS))
    assert _statuses(job) == {NotificationStatus.DELIVERED: ROWS}
    assert not Notification.objects.filter(job=job, sent_at__isnull=True).exists()
    assert DevSmsMessage.objects.count() == ROWS
    # One message per notification, and per recipient.
    assert DevSmsMessage.objects.values("reference").distinct().count() == ROWS
    assert set(DevSmsMessage.objects.values_list("reference", flat=True)) == {
        str(pk) for pk in Notification.objects.filter(job=job).values_list("pk", flat=True)
    }
    assert DevSmsMessage.objects.values("to").distinct().count() == ROWS


def test_a_1000_row_job_is_sent_end_to_end_by_a_real_worker(start_worker):
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(ROWS)))
    worker = start_worker()

    tasks.process_job.delay(str(job.pk))
    _wait_until_done(job, worker)

    _assert_each_row_sent_once(job)
    assert Job.objects.get(pk=job.pk).job_status == JobStatus.FINISHED


def test_a_job_delivered_twice_with_retried_deliveries_still_sends_each_row_once(start_worker):
    job = stored_job(live_sms_template(), csv_bytes(phone_rows(ROWS)))
    worker = start_worker(SMS_PROVIDER="notifications.tests.worker_providers.FailFirstTrySmsProvider")

    # The processing task arrives twice (a redelivery after a lost acknowledgement).
    tasks.process_job.delay(str(job.pk))
    tasks.process_job.delay(str(job.pk))
    _wait_until_done(job, worker)
    # Every delivery task arrives again, as after a worker lost mid-batch.
    ids = [str(pk) for pk in Notification.objects.filter(job=job).values_list("pk", flat=True)]
    for chunk in batched(ids, DELIVERY_BATCH_SIZE):
        tasks.deliver_notifications.delay(chunk)
    tasks.process_job.delay(str(job.pk))
    _wait_until_done(job, worker)

    _assert_each_row_sent_once(job)
    # The provider refused the first try of each number ending in 7: all were retried.
    ending_in_7 = [
        pk for pk, to in Notification.objects.filter(job=job).values_list("pk", "normalised_to") if to.endswith("7")
    ]
    assert len(ending_in_7) == ROWS // 10
    failed_once = marks().mget([f"{FAILED_ONCE_PREFIX}{pk}" for pk in ending_in_7])
    assert failed_once == [b"1"] * (ROWS // 10)
