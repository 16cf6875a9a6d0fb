"""How long the nightly fact builds take for one busy London day.

Fills one London day (yesterday) with BENCH_NOTIFICATIONS notifications (default
200,000) across BENCH_SERVICES services (default 500), by bulk_create, then times,
median of BENCH_RUNS (default 5):
  - notification_status_facts_build for the day (delete + INSERT ... SELECT + totals),
  - the bare SELECT ... GROUP BY it is built on, rows fetched, nothing written,
  - the same build for a day old enough to need the retention check (a second scan),
  - processing_time_facts_build for the day, and its bare aggregate.

Runs on whatever DATABASE_URL points at; meant for PostgreSQL:
    createdb -h 127.0.0.1 -U postgres notify_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench .venv/bin/python bench/nightly_facts.py
The filled day is kept and reused while the count matches; every other notification
in that database is deleted.
"""

import os
import random
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, F, Q, UUIDField, Value  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from notifications.models import Job, Notification  # noqa: E402
from performance import actions, days  # noqa: E402
from performance.models import NO_JOB_ID, FactDailyTotal, FactNotificationStatus  # noqa: E402
from services.models import ApiKey, Organisation, Service, Template  # noqa: E402

NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", 200_000))
SERVICES = int(os.environ.get("BENCH_SERVICES", 500))
RUNS = int(os.environ.get("BENCH_RUNS", 5))
BATCH = 10_000
PREFIX = "bench-nightly-facts"

STATUSES = ["delivered"] * 80 + ["sending"] * 6 + ["permanent-failure"] * 5 + ["temporary-failure"] * 4
STATUSES += ["technical-failure", "created", "pending", "sent", "validation-failed"]


def fill(day):
    start, end = days.day_window(day)
    if Notification.objects.filter(created_at__gte=start, created_at__lt=end).count() == NOTIFICATIONS:
        return
    print(f"Filling {day} with {NOTIFICATIONS:,} notifications across {SERVICES} services...", flush=True)
    Notification.objects.all().delete()
    Job.objects.filter(original_file_name__startswith=PREFIX).delete()
    organisation, _ = Organisation.objects.get_or_create(name=f"{PREFIX} organisation")
    services = list(Service.objects.filter(name__startswith=PREFIX))
    services += Service.objects.bulk_create(
        Service(name=f"{PREFIX} {n}", organisation=organisation, restricted=False)
        for n in range(len(services), SERVICES)
    )
    services = services[:SERVICES]
    templates, keys, jobs = {}, {}, {}
    for service in services:
        for template_type in ("email", "sms"):
            templates[service.id, template_type] = Template.objects.get_or_create(
                service=service,
                template_type=template_type,
                defaults={"name": f"{PREFIX} {template_type}", "subject": "Hello", "content": "Hello ((name))"},
            )[0]
        for key_type in ("normal", "team", "test"):
            keys[service.id, key_type] = ApiKey.objects.get_or_create(
                service=service, key_type=key_type, defaults={"name": f"{PREFIX} {key_type}", "secret_hash": "x"}
            )[0]
        jobs[service.id] = Job.objects.create(
            service=service,
            template=templates[service.id, "sms"],
            original_file_name=f"{PREFIX}.csv",
            notification_count=0,
            created_at=start,
        )
    randomness = random.Random(22)  # the same day every time
    seconds = (end - start).total_seconds()
    row_numbers = dict.fromkeys(jobs, 0)
    made = 0
    while made < NOTIFICATIONS:
        batch = []
        for _ in range(min(BATCH, NOTIFICATIONS - made)):
            service = services[randomness.randrange(SERVICES)]
            created_at = start + timedelta(seconds=randomness.random() * seconds)
            sent_at = None if randomness.random() < 0.02 else created_at + timedelta(seconds=randomness.random() * 14)
            if randomness.random() < 0.3:  # a row of the service's spreadsheet job
                job = jobs[service.id]
                row_numbers[service.id] += 1
                extra = {"job": job, "job_row_number": row_numbers[service.id], "template": job.template}
            else:
                key = keys[service.id, randomness.choice(("normal", "normal", "normal", "team", "test"))]
                template_type = randomness.choice(("email", "sms"))
                extra = {"api_key": key, "key_type": key.key_type, "template": templates[service.id, template_type]}
            template = extra["template"]
            batch.append(
                Notification(
                    service=service,
                    notification_type=template.template_type,
                    to="someone@example.gov.uk",
                    normalised_to="someone@example.gov.uk",
                    status=randomness.choice(STATUSES),
                    created_at=created_at,
                    sent_at=sent_at,
                    **extra,
                )
            )
        Notification.objects.bulk_create(batch, batch_size=2_000)
        made += len(batch)
        print(f"  {made:,}", end="\r", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE notifications_notification")
    print()


def median_seconds(function):
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def bare_select(queryset):
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def main():
    day = days.yesterday()
    fill(day)
    start, end = days.day_window(day)
    in_day = Notification.objects.filter(created_at__gte=start, created_at__lt=end, key_type__in=actions.FACT_KEY_TYPES)
    grouped = (
        in_day.annotate(fact_job_id=Coalesce("job_id", Value(uuid.UUID(NO_JOB_ID), output_field=UUIDField())))
        .values("template_id", "service_id", "fact_job_id", "notification_type", "key_type", "status")
        .annotate(fact_count=Count("pk"))
        .order_by()
    )
    processing = in_day.filter(api_key__isnull=False, notification_type__in=actions.PROCESSING_TIME_TYPES).alias(
        delay=F("sent_at") - F("created_at")
    )

    def processing_bare():
        return processing.aggregate(
            total=Count("pk"), within=Count("pk", filter=Q(delay__lte=actions.PROCESSING_TIME_TARGET))
        )

    # Patching today moves the day past the shortest retention, where each build first
    # checks whether retention has begun to delete it.
    def status_build_old_day():
        with mock.patch.object(days, "today", return_value=day + timedelta(days=5)):
            actions.notification_status_facts_build(day=day)

    figures = {
        "status facts build": median_seconds(lambda: actions.notification_status_facts_build(day=day)),
        "  bare SELECT ... GROUP BY": median_seconds(lambda: bare_select(grouped)),
        "status facts build, day past retention check": median_seconds(status_build_old_day),
        "processing time build": median_seconds(lambda: actions.processing_time_facts_build(day=day)),
        "  bare aggregate": median_seconds(processing_bare),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    else:
        version = sqlite3.sqlite_version
    print(f"database: {connection.vendor} {version}; cpus: {os.cpu_count()}; day: {day}")
    notifications = Notification.objects.filter(created_at__gte=start, created_at__lt=end).count()
    fact_rows = FactNotificationStatus.objects.filter(bst_date=day).count()
    totals = dict(FactDailyTotal.objects.filter(bst_date=day).values_list("notification_type", "notification_count"))
    print(f"notifications on the day: {notifications:,} across {SERVICES} services; fact rows: {fact_rows:,}")
    print(f"daily totals (normal and team keys): {totals}")
    print(f"median of {RUNS} runs:")
    for name, seconds in figures.items():
        print(f"  {name:<48} {seconds:7.3f} s")
    ratio = figures["status facts build"] / figures["  bare SELECT ... GROUP BY"]
    print(f"  status facts build / bare GROUP BY: {ratio:.2f}x")


if __name__ == "__main__":
    main()
