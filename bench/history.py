"""How fast the history pages answer for a service with 1,000,000 notifications.

Fills one live service (retention 7 days) with BENCH_NOTIFICATIONS notifications (default
1,000,000) spread over its last 7 days, by one INSERT ... SELECT over generate_series:
half emails, half text messages, 5% failed, 2% from a test key, every other one with a
client reference, 100,000 emails in two spreadsheet jobs. Facts are built for the 6 days
before today, as the nightly job would have. Then times, median of BENCH_RUNS (default 7),
whole requests through Django's test client (session, permission check, queries,
template), target <= 100 ms each:
  - the first list page, a filtered page (failed emails), a deep page (page 21),
  - a search by phone number (normalised), by email address and by client reference,
  - the first chunk of a CSV download (the header and the first 500 rows),
  - and, for context, the dashboard and the page of a 50,000-row job.

PostgreSQL only (generate_series):
    createdb -h 127.0.0.1 -U postgres notify_bench_history
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench_history .venv/bin/python bench/history.py
(with no DATABASE_URL it uses that database, creating it and migrating if needed).
The database is refilled on every run, since the rows must be recent to be in retention.
"""

import os
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/notify_bench_history")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django
import psycopg

# STATIC_ROOT exists only after collectstatic, which timing pages does not need.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications.models import Job, Notification  # noqa: E402
from performance import actions as fact_actions  # noqa: E402
from performance import days  # noqa: E402
from services.models import ApiKey, Service, ServiceUser, Template  # noqa: E402

NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", 1_000_000))
RUNS = int(os.environ.get("BENCH_RUNS", 7))
TARGET_MS = 100
NAME = "bench-history"

# 100 slots: 85 delivered, 3 sent, 4 sending, 2 created, 1 pending, 5 failures.
STATUSES = (
    ["delivered"] * 85
    + ["sent"] * 3
    + ["sending"] * 4
    + ["created"] * 2
    + ["pending"]
    + ["permanent-failure"] * 3
    + ["temporary-failure", "technical-failure"]
)


def ensure_database():
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        sys.exit("bench/history.py needs PostgreSQL: set DATABASE_URL")
    try:
        connection.ensure_connection()
    except Exception:  # the database does not exist yet: create it
        with psycopg.connect(
            host=database["HOST"], port=database["PORT"] or 5432, user=database["USER"], dbname="postgres"
        ) as admin:
            admin.autocommit = True
            admin.execute(f'CREATE DATABASE "{database["NAME"]}"')
    call_command("migrate", verbosity=0)


def fill(now):
    print(f"Filling one service with {NOTIFICATIONS:,} notifications...", flush=True)
    started = time.perf_counter()
    # A database of its own (see above): emptied wholesale, far faster than deleting rows.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_notification, notifications_job, ft_notification_status, ft_daily_total, "
            "ft_processing_time, performance_nightlyjobrun"
        )
    Service.objects.filter(name=NAME).delete()
    User.objects.filter(email="bench-history@example.gov.uk").delete()
    service = Service.objects.create(
        name=NAME, restricted=False, email_message_limit=250_000, sms_message_limit=250_000, data_retention_days=7
    )
    user = User.objects.create_user("bench-history@example.gov.uk", "a bench password 1", name="Bench")
    ServiceUser.objects.create(service=service, user=user, view_activity=True)
    email = Template.objects.create(service=service, name="Email", template_type="email", subject="Hi", content="Hi")
    sms = Template.objects.create(service=service, name="SMS", template_type="sms", content="Hi ((name))")
    normal = ApiKey.objects.create(service=service, name="Live key", key_type="normal", secret_hash="x")
    test = ApiKey.objects.create(service=service, name="Test key", key_type="test", secret_hash="x")
    jobs = [
        Job.objects.create(
            service=service,
            template=email,
            original_file_name=f"job-{index}.csv",
            notification_count=NOTIFICATIONS // 20,
            job_status="finished",
            created_at=now - timedelta(days=index + 1),
            processing_started=now - timedelta(days=index + 1),
        )
        for index in range(2)
    ]
    spacing = timedelta(days=7).total_seconds() * 0.98 / NOTIFICATIONS
    # n: 1..N, newest first. Even n: email, odd n: SMS. n % 10 == 0 (emails): rows of a job.
    # n % 50 == 1: a test key. Every hour the same, so plans are stable run to run.
    sql = """
        INSERT INTO notifications_notification (
            id, service_id, template_id, job_id, job_row_number, api_key_id, key_type, notification_type,
            "to", normalised_to, personalisation, status, reference, client_reference, billable_units,
            created_at, sent_at, updated_at
        )
        SELECT
            gen_random_uuid(), %(service)s,
            CASE WHEN n %% 2 = 0 THEN %(email)s::uuid ELSE %(sms)s::uuid END,
            CASE WHEN n %% 10 = 0 THEN (CASE WHEN n %% 20 = 0 THEN %(job0)s::uuid ELSE %(job1)s::uuid END) END,
            CASE WHEN n %% 10 = 0 THEN n END,
            CASE WHEN n %% 10 = 0 THEN NULL WHEN n %% 50 = 1 THEN %(test)s::uuid ELSE %(normal)s::uuid END,
            CASE WHEN n %% 50 = 1 THEN 'test' ELSE 'normal' END,
            CASE WHEN n %% 2 = 0 THEN 'email' ELSE 'sms' END,
            CASE WHEN n %% 2 = 0 THEN 'Person' || n || '@Example.com' ELSE '07700 ' || six_digits END,
            CASE WHEN n %% 2 = 0 THEN 'Person' || n || '@Example.com' ELSE '447700' || six_digits END,
            '{"name": "Someone"}'::jsonb,
            (%(statuses)s::text[])[1 + (n::bigint * 7919) %% 100],
            '',
            CASE WHEN n %% 2 = 0 THEN 'ref-' || n END,
            1,
            %(now)s - n * %(spacing)s * interval '1 second',
            %(now)s - n * %(spacing)s * interval '1 second' + interval '2 seconds',
            %(now)s
        FROM generate_series(1, %(count)s) AS n, lpad((n %% 1000000)::text, 6, '0') AS six_digits
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "service": service.pk,
                "email": email.pk,
                "sms": sms.pk,
                "job0": jobs[0].pk,
                "job1": jobs[1].pk,
                "normal": normal.pk,
                "test": test.pk,
                "statuses": STATUSES,
                "now": now,
                "spacing": spacing,
                "count": NOTIFICATIONS,
            },
        )
        cursor.execute("VACUUM ANALYZE notifications_notification")
    print(f"  filled in {time.perf_counter() - started:.0f} s; building the facts of the 6 days before today...")
    for day in days.last_days(6):
        fact_actions.notification_status_facts_build(day=day)
    return service, user, jobs


def median_ms(function):
    function()  # warm: the first request of a session writes it
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def get(client, url, *, expect=None):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        # a search that found nothing would time the easy case
        assert expect is None or expect in response.content.decode(), (url, expect)
        return response

    return run


def first_download_chunk(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200
        chunks = iter(response.streaming_content)
        header, rows = next(chunks), next(chunks)
        assert header.startswith(b"Recipient,")
        assert rows.count(b"\r\n") == 500
        response.close()

    return run


def deep_page_url(client, url, pages):
    for _ in range(pages - 1):
        html = client.get(url).content.decode()
        url = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    return url


def main():
    ensure_database()
    now = timezone.now()
    service, user, jobs = fill(now)
    client = Client()
    client.force_login(user)
    s = {"service_id": service.pk}
    history = reverse("notifications:notifications", kwargs=s)
    emails = reverse("notifications:email_notifications", kwargs=s)
    # n = N/2 + 3 is an SMS from a live key (n % 50 == 1 would be a test key, never listed)
    sms_number = f"07700 {(NOTIFICATIONS // 2 + 3) % 1000000:06d}"
    figures = {
        "first list page": get(client, history, expect='rel="next"'),
        "filtered page (failed emails)": get(client, emails + "?status=failed", expect='rel="next"'),
        "filtered page (sending)": get(client, history + "?status=sending", expect='rel="next"'),
        "page 21 (after 20 x next)": get(client, deep_page_url(client, history, 21)),
        "search: phone number": get(client, history + "?search=" + sms_number.replace(" ", "+"), expect=sms_number),
        "search: email address": get(
            client,
            history + f"?search=Person{NOTIFICATIONS // 2}%40Example.com",
            expect=f"Person{NOTIFICATIONS // 2}@Example.com</a>",
        ),
        "search: client reference": get(
            client, history + f"?search=ref-{NOTIFICATIONS // 2}", expect=f"Person{NOTIFICATIONS // 2}@Example.com</a>"
        ),
        "search: no match": get(client, history + "?search=nobody-at-all", expect="No messages found"),
        "download: first chunk (500 rows)": first_download_chunk(
            client, reverse("notifications:download_notifications", kwargs=s)
        ),
        "download: first chunk, failed only": first_download_chunk(
            client, reverse("notifications:download_notifications", kwargs=s) + "?status=failed"
        ),
        "dashboard": get(client, reverse("services:service_home", kwargs=s)),
        "job page (50,000 rows)": get(client, reverse("notifications:job", kwargs={**s, "job_id": jobs[0].pk})),
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    total = Notification.objects.filter(service=service).count()
    print(f"database: PostgreSQL {version}; cpus: {os.cpu_count()}; notifications in the service: {total:,}")
    print(f"median of {RUNS} requests, whole request through the test client (target <= {TARGET_MS} ms):")
    for name, function in figures.items():
        ms = median_ms(function)
        flag = "" if ms <= TARGET_MS else "  over target"
        print(f"  {name:<40} {ms:7.1f} ms{flag}", flush=True)


if __name__ == "__main__":
    main()
