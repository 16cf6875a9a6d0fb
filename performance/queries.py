"""Reads for the performance page; the only module that touches the cache.

The stats for a window are cached for ``settings.CACHE_TTL`` under Notify's key
``performance-stats-{start}-to-{end}``, so a flood of visitors costs one computation an
hour. Notify's page then missed a nightly job's day for up to an hour; ours does not:
each cached entry carries the finish time of the newest nightly run it saw
(``facts_version``), and a view whose database knows a newer run recomputes. That check
is one indexed read of a tiny table and is right even when the cache could not be
cleared at the moment the job finished (Redis down, another process).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from notifications.models import NotificationType
from services.models import Service

from . import days
from .models import FactDailyTotal, FactProcessingTime, NightlyJobRun

logger = logging.getLogger(__name__)

WINDOW_DAYS = 7
CACHE_KEY = "performance-stats-{start_date}-to-{end_date}"
# While one process computes an empty window, the others wait this long for its result
# before computing it themselves (a stuck or dead holder must not block the page).
LOCK_TIMEOUT_SECONDS = 30
WAIT_FOR_LOCK_HOLDER_SECONDS = 3
POLL_SECONDS = 0.05
NO_ORGANISATION = "No organisation"


def performance_window(*, today=None):
    """The 7 complete London days ending yesterday: ``(start, end)``, both inclusive."""
    end = (today or days.today()) - timedelta(days=1)
    return end - timedelta(days=WINDOW_DAYS - 1), end


def cache_key(start, end):
    return CACHE_KEY.format(start_date=start.isoformat(), end_date=end.isoformat())


def facts_version():
    """The finish time of the newest nightly run, as stored in cached stats."""
    finished_at = NightlyJobRun.objects.aggregate(newest=Max("finished_at"))["newest"]
    return finished_at.isoformat() if finished_at else ""


def stats_changed(*, today=None):
    """Called (on commit) by the nightly jobs once they have rebuilt a day's facts.

    The version check in ``performance_stats`` already makes the next view recompute;
    dropping the entry as well frees it at once rather than on its next read.
    """
    start, end = performance_window(today=today)
    cache.delete(cache_key(start, end))


def performance_stats(*, today=None):
    """The stats dict behind the page and its JSON, cached per window."""
    start, end = performance_window(today=today)
    key = cache_key(start, end)
    version = facts_version()

    def fresh(stats):
        return stats is not None and stats.get("facts_version") == version

    stats = cache.get(key)
    if fresh(stats):
        return stats

    claimed = cache.add(f"{key}-lock", "computing", timeout=LOCK_TIMEOUT_SECONDS)
    if claimed:
        # The previous holder may have stored the stats and released the lock between
        # our miss and our claim: look again before computing.
        stats = cache.get(key)
        if fresh(stats):
            cache.delete(f"{key}-lock")
            return stats
    elif claimed is False:
        # Another process is computing this window: wait for its result.
        deadline = time.monotonic() + WAIT_FOR_LOCK_HOLDER_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            stats = cache.get(key)
            if fresh(stats):
                return stats
        logger.warning("Gave up waiting for %s; computing it here", key)

    # claimed is None when the cache is unreachable (django-redis ignores its errors):
    # compute and serve without waiting on it.
    stats = compute_performance_stats(start=start, end=end, version=version)
    cache.set(key, stats, timeout=settings.CACHE_TTL)
    if claimed:
        cache.delete(f"{key}-lock")
    return stats


def compute_performance_stats(*, start, end, version):
    totals = FactDailyTotal.objects.aggregate(
        **{
            notification_type: Coalesce(Sum("notification_count", filter=Q(notification_type=notification_type)), 0)
            for notification_type in NotificationType.values
        }
    )
    processing_time = [
        {"date": fact.bst_date.isoformat(), "percentage_under_10_seconds": fact.percentage_under_10_seconds}
        for fact in FactProcessingTime.objects.filter(bst_date__range=(start, end)).order_by("bst_date")
    ]
    organisations = organisations_using_notify()
    live_services = sum(row["count_of_live_services"] for row in organisations)
    newest = FactDailyTotal.objects.aggregate(day=Max("bst_date"))["day"]
    return {
        "total_notifications": sum(totals.values()),
        "email_notifications": totals[NotificationType.EMAIL],
        "sms_notifications": totals[NotificationType.SMS],
        "letter_notifications": totals[NotificationType.LETTER],
        "notifications_by_type": notifications_by_type(start, end),
        "processing_time": processing_time,
        "average_percentage_under_10_seconds": (
            sum(day["percentage_under_10_seconds"] for day in processing_time) / len(processing_time)
            if processing_time
            else None
        ),
        "live_service_count": live_services,
        "organisations_using_notify": organisations,
        "count_of_live_services_and_organisations": {
            "organisations": len([row for row in organisations if row["organisation_name"] != NO_ORGANISATION]),
            "services": live_services,
        },
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "facts_up_to": newest.isoformat() if newest else None,
        "facts_updated_at": version or None,
        "facts_version": version,
    }


def notifications_by_type(start, end):
    """A row per day in the window that the status job has built, oldest first.

    The job writes a (possibly zero) total for every type of each day it builds, so a
    built day with no messages shows 0s and a day not built yet is absent.
    """
    by_day = {}
    rows = FactDailyTotal.objects.filter(bst_date__range=(start, end)).values_list(
        "bst_date", "notification_type", "notification_count"
    )
    key_for_type = {NotificationType.EMAIL: "emails", NotificationType.SMS: "sms", NotificationType.LETTER: "letters"}
    for bst_date, notification_type, count in rows:
        day = by_day.setdefault(bst_date, {"date": bst_date.isoformat(), "emails": 0, "sms": 0, "letters": 0})
        day[key_for_type[notification_type]] += count
    return [by_day[day] for day in sorted(by_day)]


def organisations_using_notify():
    """Live services per organisation, sorted by name case-insensitively.

    Services without an organisation are counted under "No organisation".
    """
    rows = (
        Service.objects.filter(active=True, restricted=False, count_as_live=True)
        .values("organisation__name")
        .annotate(count=Count("id"))
    )
    counts = {}
    for row in rows:
        name = row["organisation__name"] or NO_ORGANISATION
        counts[name] = counts.get(name, 0) + row["count"]
    return [
        {"organisation_name": name, "count_of_live_services": counts[name]} for name in sorted(counts, key=str.casefold)
    ]
