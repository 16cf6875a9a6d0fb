"""Helpers for the fact-table tests: whole tables as sorted tuples, and an independent recompute."""

import uuid
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from notifications.models import Notification
from performance.models import NO_JOB_ID, FactDailyTotal, FactNotificationStatus, FactProcessingTime, NightlyJobRun

LONDON = ZoneInfo("Europe/London")


def london(*args, fold=0):
    """An aware datetime on the London wall clock."""
    return datetime(*args, tzinfo=LONDON, fold=fold)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def status_table():
    """ft_notification_status as sorted tuples (bst_date, template, service, job, type, key, status, count)."""
    return sorted(
        FactNotificationStatus.objects.values_list(
            "bst_date",
            "template_id",
            "service_id",
            "job_id",
            "notification_type",
            "key_type",
            "notification_status",
            "notification_count",
        )
    )


def status_table_recomputed(*days):
    """What ft_notification_status should hold for ``days``, counted in Python from the
    notifications, sharing no code with the action under test."""
    counts = Counter()
    for n in Notification.objects.all():
        day = n.created_at.astimezone(LONDON).date()
        if day in days and n.key_type in ("normal", "team"):
            job_id = n.job_id or uuid.UUID(NO_JOB_ID)
            counts[(day, n.template_id, n.service_id, job_id, n.notification_type, n.key_type, n.status)] += 1
    return sorted((*key, count) for key, count in counts.items())


def daily_total_table():
    return sorted(FactDailyTotal.objects.values_list("bst_date", "notification_type", "notification_count"))


def processing_time_table():
    return sorted(FactProcessingTime.objects.values_list("bst_date", "messages_total", "messages_within_10_secs"))


def job_run_table():
    return sorted(NightlyJobRun.objects.values_list("job_name", "bst_date", "finished_at"))
