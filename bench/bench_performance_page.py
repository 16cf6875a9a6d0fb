"""Cold and warm cost of the performance page's stats, against Notify's all-time sum.

Fills ft_notification_status with DAYS days of ROWS_PER_DAY rows (about the shape of a
busy platform) and the small daily-total table the nightly job keeps beside it, then
times, median of RUNS:
  - our cold computation (totals from ft_daily_total),
  - the same stats with the totals summed over ft_notification_status (Notify's way),
  - a warm view (cache hit plus the freshness check).

PostgreSQL only (it uses generate_series to fill the table quickly):
    createdb -h 127.0.0.1 -U postgres notify_bench_perf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench_perf .venv/bin/python bench/bench_performance_page.py
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

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from performance import queries  # noqa: E402
from performance.models import FactDailyTotal, FactNotificationStatus, NightlyJobRun  # noqa: E402

DAYS = int(os.environ.get("BENCH_DAYS", 1000))
ROWS_PER_DAY = int(os.environ.get("BENCH_ROWS_PER_DAY", 2000))
RUNS = int(os.environ.get("BENCH_RUNS", 7))


def fill():
    wanted = DAYS * ROWS_PER_DAY
    if FactNotificationStatus.objects.count() == wanted:
        return
    FactNotificationStatus.objects.all().delete()
    FactDailyTotal.objects.all().delete()
    with connection.cursor() as cursor:
        # Distinct keys per day: row r of day d gets its own template id.
        cursor.execute(
            """
            INSERT INTO ft_notification_status (bst_date, template_id, service_id, job_id, notification_type,
                key_type, notification_status, notification_count, created_at, updated_at)
            SELECT current_date - d, md5(d::text || '-' || r)::uuid, md5((r %% 300)::text)::uuid,
                '00000000-0000-0000-0000-000000000000', (ARRAY['email', 'sms', 'letter'])[1 + r %% 3],
                'normal', 'delivered', 1 + (r * 7919 + d) %% 500, now(), now()
            FROM generate_series(1, %s) AS d, generate_series(1, %s) AS r
            """,
            [DAYS, ROWS_PER_DAY],
        )
        cursor.execute(
            """
            INSERT INTO ft_daily_total (bst_date, notification_type, notification_count, updated_at)
            SELECT bst_date, notification_type, sum(notification_count), now()
            FROM ft_notification_status GROUP BY bst_date, notification_type
            """
        )
        cursor.execute("ANALYZE ft_notification_status; ANALYZE ft_daily_total")
    NightlyJobRun.objects.update_or_create(
        job_name=NightlyJobRun.JobName.NOTIFICATION_STATUS,
        bst_date=FactDailyTotal.objects.latest("bst_date").bst_date,
        defaults={"finished_at": django.utils.timezone.now()},
    )


def median_ms(function):
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def ours_cold():
    cache.clear()
    queries.performance_stats()


def notify_totals():
    # Notify's all-time totals: a sum over the whole status fact table.
    list(
        FactNotificationStatus.objects.filter(key_type__in=["normal", "team"])
        .values("notification_type")
        .annotate(count=Sum("notification_count"))
        .order_by()
    )


def our_totals():
    list(FactDailyTotal.objects.values("notification_type").annotate(count=Sum("notification_count")).order_by())


def warm():
    queries.performance_stats()


def main():
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    call_command("migrate", verbosity=0)
    fill()
    rows = FactNotificationStatus.objects.count()
    cold = median_ms(ours_cold)
    ours = median_ms(our_totals)
    notify = median_ms(notify_totals)
    queries.performance_stats()
    hot = median_ms(warm)
    print(
        f"ft_notification_status rows: {rows:,} ({DAYS} days x {ROWS_PER_DAY}); "
        f"ft_daily_total rows: {FactDailyTotal.objects.count():,}; median of {RUNS} runs"
    )
    print(f"cold page stats, whole computation (ours):          {cold:9.2f} ms")
    print(f"all-time totals from ft_daily_total (ours):         {ours:9.2f} ms")
    print(f"all-time totals over ft_notification_status (Notify): {notify:9.2f} ms")
    print(f"warm view (cache hit + freshness check):            {hot:9.2f} ms")
    print(f"totals ratio, Notify's / ours (same run): {notify / ours:.0f}x")


if __name__ == "__main__":
    main()
