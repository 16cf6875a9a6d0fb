"""A 100,000-row job from pending to every notification sending or later.

Two Celery worker processes (threads pool) against the PostgreSQL and Redis that
DATABASE_URL and REDIS_URL point at, with the dev SMS provider (which writes one
DevSmsMessage row per message, as a real provider call would cost a round trip).
Measures from `process_job.delay()` to the moment no notification of the job is
`created` any more, and, on the way, when every row had its notification.

    createdb -h 127.0.0.1 -U postgres notify_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench REDIS_URL=redis://127.0.0.1:6379/7
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/sending_job.py

BENCH_ROWS (default 100,000), BENCH_WORKERS (2), BENCH_THREADS (per worker, 4).
Everything the run creates is deleted at the end; the broker queue is purged first.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")
MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-sending-")
os.environ["MEDIA_ROOT"] = MEDIA_ROOT

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402

from notifications import tasks  # noqa: E402
from notifications.models import DevSmsMessage, Job, Notification, NotificationStatus  # noqa: E402
from notifications.sending.uploads import upload_path  # noqa: E402
from notify_admin.celery import app  # noqa: E402
from services.models import Organisation, Service, Template  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_THREADS", 4))
TIMEOUT = 600


def main():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL to PostgreSQL and REDIS_URL: this measures real workers.")
    organisation = Organisation.objects.create(name="bench-sending")
    service = Service.objects.create(
        name="bench-sending", organisation=organisation, restricted=False, sms_message_limit=10**7
    )
    template = Template.objects.create(service=service, name="bench", template_type="sms", content="Hello ((name))")
    data = "phone number,name\r\n" + "".join(f"07{712000000 + i:09d},Person {i}\r\n" for i in range(ROWS))
    job = Job(service=service, template=template, original_file_name="bench.csv", notification_count=ROWS)
    job.upload.name = default_storage.save(upload_path(service_id=service.pk, upload_id=job.pk), ContentFile(data))
    job.save()
    DevSmsMessage.objects.all().delete()
    app.control.purge()
    workers = [_start_worker(i) for i in range(WORKERS)]
    try:
        time.sleep(3)  # let the workers connect before the clock starts
        start = time.monotonic()
        tasks.process_job.delay(str(job.pk))
        all_created = None
        while time.monotonic() - start < TIMEOUT:
            created = Notification.objects.filter(job=job).count()
            if all_created is None and created == ROWS:
                all_created = time.monotonic() - start
            if created == ROWS and not Notification.objects.filter(job=job, status=NotificationStatus.CREATED).exists():
                break
            time.sleep(0.2)
        else:
            sys.exit(f"Not done after {TIMEOUT}s")
        elapsed = time.monotonic() - start
        sent = DevSmsMessage.objects.count()
        print(f"rows: {ROWS:,}; workers: {WORKERS} x {THREADS} threads")
        print(f"every row's notification created: {all_created:.1f} s")
        print(f"every notification sending or later: {elapsed:.1f} s = {ROWS / elapsed:,.0f} notifications/s")
        print(f"messages handed to the dev provider: {sent:,}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        app.control.purge()
        DevSmsMessage.objects.all().delete()
        Notification.objects.filter(job=job).delete()
        Job.objects.filter(pk=job.pk).delete()
        template.delete()
        service.delete()
        organisation.delete()
        default_storage.delete(job.upload.name)


def _start_worker(index):
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "notify_admin",
        "worker",
        "--pool=threads",
        f"--concurrency={THREADS}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname=bench{index}@%h",
    ]
    env = {**os.environ, "LOG_LEVEL": "WARNING", "DEV_RECEIPT_DELAY": "5"}
    return subprocess.Popen(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    main()
