"""The performance page's JSON view, cold and warm, on ten years of status facts.

Fills ft_notification_status with YEARS years × SERVICES services of rows (10 million by
default, like a busy platform) and the small ft_daily_total the nightly job keeps beside
it, then requests /features/performance.json RUNS times:
  - cold: the cache cleared before each request,
  - warm: a cache hit plus the freshness check,
and, for scale, times Notify's all-time totals query (a sum over the whole status fact
table) on the same data. Prints median and p95.

PostgreSQL only (generate_series fills the table in a minute or two; it is reused while
its row count matches):
    createdb -h 127.0.0.1 -U postgres notify_bench_perf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench_perf .venv/bin/python bench/performance_page.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from performance.models import FactDailyTotal, FactNotificationStatus, NightlyJobRun  # noqa: E402

DAYS = int(os.environ.get("BENCH_DAYS", 3650))
ROWS_PER_DAY = int(os.environ.get("BENCH_ROWS_PER_DAY", 2740))  # 10,001,000 rows over ten years
SERVICES = int(os.environ.get("BENCH_SERVICES", 2000))
RUNS = int(os.environ.get("BENCH_RUNS", 50))


def fill():
    wanted = DAYS * ROWS_PER_DAY
    if FactNotificationStatus.objects.count() == wanted:
        return
    print(f"filling ft_notification_status with {wanted:,} rows…", flush=True)
    FactNotificationStatus.objects.all().delete()
    FactDailyTotal.objects.all().delete()
    with connection.cursor() as cursor:
        # Row r of day d: service r mod SERVICES, a template of its own, a spread of types,
        # statuses and counts. Keys stay distinct, as the table's unique key demands.
        cursor.execute(
            """
            INSERT INTO ft_notification_status (bst_date, template_id, service_id, job_id, notification_type,
                key_type, notification_status, notification_count, created_at, updated_at)
            SELECT current_date - d, md5(r::text)::uuid, md5((r %% %s)::text)::uuid,
                '00000000-0000-0000-0000-000000000000', (ARRAY['email', 'sms', 'letter'])[1 + r %% 3],
                (ARRAY['normal', 'team'])[1 + r %% 2],
                (ARRAY['delivered', 'sending', 'temporary-failure', 'permanent-failure'])[1 + (r / 3) %% 4],
                1 + (r * 7919 + d) %% 500, now(), now()
            FROM generate_series(1, %s) AS d, generate_series(1, %s) AS r
            """,
            [SERVICES, DAYS, ROWS_PER_DAY],
        )
        cursor.execute(
            """
            INSERT INTO ft_daily_total (bst_date, notification_type, notification_count, updated_at)
            SELECT bst_date, notification_type, sum(notification_count), now()
            FROM ft_notification_status GROUP BY bst_date, notification_type
            """
        )
        cursor.execute("VACUUM ANALYZE ft_notification_status")
        cursor.execute("VACUUM ANALYZE ft_daily_total")
    NightlyJobRun.objects.update_or_create(
        job_name=NightlyJobRun.JobName.NOTIFICATION_STATUS,
        bst_date=FactDailyTotal.objects.latest("bst_date").bst_date,
        defaults={"finished_at": timezone.now()},
    )


def timings_ms(function, *, before=None):
    timings = []
    for _ in range(RUNS):
        if before:
            before()
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def main():
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    call_command("migrate", verbosity=0)
    connection.close()  # autocommit for VACUUM
    fill()
    client = Client(HTTP_HOST="localhost")  # an ALLOWED_HOSTS name outside the test runner

    def view():
        response = client.get("/features/performance.json")
        assert response.status_code == 200

    def notify_totals():
        list(
            FactNotificationStatus.objects.filter(key_type__in=["normal", "team"])
            .values("notification_type")
            .annotate(count=Sum("notification_count"))
            .order_by()
        )

    cold = timings_ms(view, before=cache.clear)
    view()
    warm = timings_ms(view)
    notify = timings_ms(notify_totals)
    rows = FactNotificationStatus.objects.count()
    print(
        f"ft_notification_status: {rows:,} rows ({DAYS} days, {SERVICES:,} services); "
        f"ft_daily_total: {FactDailyTotal.objects.count():,} rows; {RUNS} requests each; cache: "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    print(f"{'':44}{'median':>10}{'p95':>10}")
    print(f"{'JSON view, cold (cache cleared each time)':44}{cold[0]:8.2f}ms{cold[1]:8.2f}ms")
    print(f"{'JSON view, warm':44}{warm[0]:8.2f}ms{warm[1]:8.2f}ms")
    print(f"{'Notify-style all-time totals query alone':44}{notify[0]:8.2f}ms{notify[1]:8.2f}ms")
    print(f"cold view vs Notify's totals query alone (same run): {notify[0] / cold[0]:.0f}x faster")


if __name__ == "__main__":
    main()
