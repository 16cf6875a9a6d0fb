"""Writes for the performance app: the nightly fact tables.

Each build replaces one London day in one transaction, so re-running it, running it
after statuses changed, or running it twice at once all end with the table a fresh
build would make. The aggregation happens in the database: one INSERT ... SELECT ...
GROUP BY for the status facts of a day, one aggregate query for its processing time.
"""

import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum, UUIDField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.models import Notification, NotificationType
from performance import days, queries
from performance.models import NO_JOB_ID, FactDailyTotal, FactNotificationStatus, FactProcessingTime, NightlyJobRun
from services.models import MIN_RETENTION_DAYS, KeyType

logger = logging.getLogger(__name__)

JobName = NightlyJobRun.JobName

# Test keys pretend to send; Notify leaves them out of every statistic.
FACT_KEY_TYPES = (KeyType.NORMAL, KeyType.TEAM)
# Letters are printed and posted, so "sent within 10 seconds" means nothing for them.
PROCESSING_TIME_TYPES = (NotificationType.EMAIL, NotificationType.SMS)
PROCESSING_TIME_TARGET = timedelta(seconds=10)

# Statuses keep changing for up to 3 days, so each night rebuilds the last few days
# (letters change for longer, as Notify's do).
STATUS_REBUILD_DAYS = 4
LETTER_STATUS_REBUILD_DAYS = 10

# First key of the two-key advisory lock, one per job; the second key is the day.
_ADVISORY_LOCK_KEYS = {JobName.NOTIFICATION_STATUS: 0x4E460001, JobName.PROCESSING_TIME: 0x4E460002}


def notification_status_facts_build(*, day, notification_types=None):
    """Rebuild ft_notification_status (and ft_daily_total) for London ``day``.

    ``notification_types`` limits the rebuild to those types (default: all). Returns the
    day's message count per rebuilt type, e.g. ``{"email": 120, "letter": 0, "sms": 45}``.
    """
    types = _checked_types(notification_types)
    start, end = days.day_window(day)
    in_day = Notification.objects.filter(
        created_at__gte=start, created_at__lt=end, notification_type__in=types, key_type__in=FACT_KEY_TYPES
    )
    with transaction.atomic():
        _lock_day(JobName.NOTIFICATION_STATUS, day)
        now = timezone.now()
        old_facts = FactNotificationStatus.objects.filter(bst_date=day, notification_type__in=types)
        for notification_type, service_ids in _services_thinned_by_retention(day, in_day, old_facts, now).items():
            logger.warning(
                "Status facts for %s, %s: keeping the old facts of %d service(s) whose notifications "
                "retention has already deleted",
                day,
                notification_type,
                len(service_ids),
            )
            in_day = in_day.exclude(notification_type=notification_type, service_id__in=service_ids)
            old_facts = old_facts.exclude(notification_type=notification_type, service_id__in=service_ids)
        old_facts.delete()
        _status_facts_insert(day=day, notifications=in_day, now=now)
        totals = _daily_totals_rebuild(day=day, types=types)
        _job_run_record(JobName.NOTIFICATION_STATUS, day)
        # Through the module, so tests (and the page) see the current function.
        transaction.on_commit(lambda: queries.stats_changed())
    return totals


def processing_time_facts_build(*, day):
    """Upsert the ft_processing_time row for London ``day`` and return it.

    Counts notifications sent through the API (an api_key, not a test key), not letters.
    Within target: ``sent_at - created_at <= 10 s``; with no ``sent_at`` yet, a
    notification counts in the total only. A day without messages gets 0 of 0 (shown as 100%).
    """
    start, end = days.day_window(day)
    with transaction.atomic():
        _lock_day(JobName.PROCESSING_TIME, day)
        counts = (
            Notification.objects.filter(
                created_at__gte=start,
                created_at__lt=end,
                api_key__isnull=False,
                key_type__in=FACT_KEY_TYPES,
                notification_type__in=PROCESSING_TIME_TYPES,
            )
            # A duration compared with a duration: exact on both backends (microseconds on
            # SQLite, intervals on PostgreSQL), so exactly 10.0 s is within.
            .alias(delay=F("sent_at") - F("created_at"))
            .aggregate(total=Count("pk"), within=Count("pk", filter=Q(delay__lte=PROCESSING_TIME_TARGET)))
        )
        if _thinned_by_retention(day, counts["total"]):
            logger.warning(
                "Processing time for %s: keeping the saved row, retention has already deleted some of its "
                "notifications",
                day,
            )
            return FactProcessingTime.objects.get(bst_date=day)
        FactProcessingTime.objects.bulk_create(
            [
                FactProcessingTime(
                    bst_date=day, messages_total=counts["total"], messages_within_10_secs=counts["within"]
                )
            ],
            update_conflicts=True,
            unique_fields=["bst_date"],
            update_fields=["messages_total", "messages_within_10_secs", "updated_at"],
        )
        _job_run_record(JobName.PROCESSING_TIME, day)
        transaction.on_commit(lambda: queries.stats_changed())
    return FactProcessingTime.objects.get(bst_date=day)


def status_fact_days_default(*, now=None):
    """The nightly status rebuild: ``[(day, types)]``, oldest first.

    The last 4 London days ending yesterday for every type, and letters alone for the
    6 days before them (10 days of letters in all).
    """
    yesterday = days.yesterday(now=now)
    recent = set(days.last_days(STATUS_REBUILD_DAYS, end=yesterday))
    return [
        (day, sorted(NotificationType.values) if day in recent else [NotificationType.LETTER.value])
        for day in days.last_days(LETTER_STATUS_REBUILD_DAYS, end=yesterday)
    ]


def _checked_types(notification_types):
    if notification_types is None:
        return sorted(NotificationType.values)
    types = sorted(set(notification_types))
    unknown = set(types) - set(NotificationType.values)
    if unknown or not types:
        raise ValueError(f"Unknown notification types {sorted(unknown)}: use {', '.join(NotificationType.values)}")
    return types


def _lock_day(job_name, day):
    """Serialise the runs of one job for one day, until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock rather than select_for_update, because
    the first build of a day has no rows to lock; two such runs would both insert and
    one would fail on the unique key (or, for the daily totals, both would write). The
    lock goes with the transaction, so a worker that dies cannot leave it held.

    SQLite allows one writer at a time, but a transaction that reads first and writes
    later can fail with "database is locked" instead of waiting. A write that changes
    nothing takes the write lock up front, so a second run waits (busy timeout) for the first.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                [_ADVISORY_LOCK_KEYS[job_name], day.toordinal()],
            )
    else:
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(NightlyJobRun._meta.db_table)
            cursor.execute(f"UPDATE {table} SET finished_at = finished_at WHERE 0 = 1")  # noqa: S608 - no input


def _services_thinned_by_retention(day, in_day, old_facts, now):
    """``{type: [service_id]}`` whose notifications of ``day`` retention has begun to delete.

    Rebuilding those from what is left would shrink facts that were right, so their rows
    are kept as they are. A service's count of notifications for a past day only falls
    when notifications are deleted, so a count below its facts' sum is the sign. Retention
    never touches a day younger than the shortest retention period, so recent days
    (every night's yesterday) skip this second scan.
    """
    if (days.today(now=now) - day).days <= MIN_RETENTION_DAYS:
        return {}
    built = old_facts.values_list("notification_type", "service_id").annotate(count=Sum("notification_count"))
    built = {(notification_type, service_id): count for notification_type, service_id, count in built}
    if not built:
        return {}
    remaining = dict(
        ((notification_type, service_id), count)
        for notification_type, service_id, count in in_day.values_list("notification_type", "service_id").annotate(
            count=Count("pk")
        )
    )
    thinned = defaultdict(list)
    for (notification_type, service_id), count in built.items():
        if remaining.get((notification_type, service_id), 0) < count:
            thinned[notification_type].append(service_id)
    return dict(thinned)


def _thinned_by_retention(day, total):
    """Whether retention has begun to delete the API notifications a saved row counted.

    The processing-time row is one figure for the whole platform, so a smaller total for
    a day past the shortest retention means a rebuild (a backfill, say) would lose
    messages: the saved row stays.
    """
    if (days.today() - day).days <= MIN_RETENTION_DAYS:
        return False
    saved = FactProcessingTime.objects.filter(bst_date=day).values_list("messages_total", flat=True).first()
    return saved is not None and total < saved


def _status_facts_insert(*, day, notifications, now):
    """One INSERT ... SELECT ... GROUP BY: the day's facts never pass through Python.

    The SELECT is compiled by the ORM, so each backend gets its own UUID, date and
    time-zone handling (SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid).
    """
    no_job = Value(uuid.UUID(NO_JOB_ID), output_field=UUIDField())
    grouped = (
        notifications.annotate(fact_job_id=Coalesce("job_id", no_job))
        .values("template_id", "service_id", "fact_job_id", "notification_type", "key_type", "status")
        .annotate(fact_count=Count("pk"))
        .order_by()
    )
    select_sql, select_params = grouped.query.get_compiler(connection=connection).as_sql()
    qn = connection.ops.quote_name
    table = FactNotificationStatus._meta.db_table
    # The outer SELECT picks the grouped columns by name, so their order in the ORM's
    # SELECT does not matter.
    columns = {
        "bst_date": "%s",
        "template_id": "agg.template_id",
        "service_id": "agg.service_id",
        "job_id": "agg.fact_job_id",
        "notification_type": "agg.notification_type",
        "key_type": "agg.key_type",
        "notification_status": "agg.status",
        "notification_count": "agg.fact_count",
        "created_at": "%s",
        "updated_at": "%s",
    }
    # Only identifiers from the models and the ORM's own SQL are interpolated; every value
    # is a parameter.
    insert_into = f"INSERT INTO {qn(table)} ({', '.join(qn(column) for column in columns)})"
    sql = f"{insert_into} SELECT {', '.join(columns.values())} FROM ({select_sql}) agg"  # noqa: S608
    stamp = connection.ops.adapt_datetimefield_value(now)
    params = [connection.ops.adapt_datefield_value(day), stamp, stamp, *select_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _daily_totals_rebuild(*, day, types):
    """Replace the day's ft_daily_total rows from its facts: 0 for a type with no messages,
    so a built but empty day differs from one not built."""
    sums = dict(
        FactNotificationStatus.objects.filter(bst_date=day, notification_type__in=types)
        .values_list("notification_type")
        .annotate(total=Sum("notification_count"))
        .order_by()
    )
    totals = {notification_type: sums.get(notification_type, 0) for notification_type in types}
    FactDailyTotal.objects.filter(bst_date=day, notification_type__in=types).delete()
    FactDailyTotal.objects.bulk_create(
        FactDailyTotal(bst_date=day, notification_type=notification_type, notification_count=count)
        for notification_type, count in totals.items()
    )
    return totals


def _job_run_record(job_name, day):
    NightlyJobRun.objects.bulk_create(
        [NightlyJobRun(job_name=job_name, bst_date=day, finished_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["job_name", "bst_date"],
        update_fields=["finished_at"],
    )
