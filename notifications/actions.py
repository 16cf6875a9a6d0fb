"""Writes for notifications."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from notifications.models import Notification, NotificationStatus, NotificationType
from performance import days
from performance.models import FactDailyTotal
from services.models import MIN_RETENTION_DAYS

logger = logging.getLogger(__name__)

# Rows per UPDATE/DELETE in the nightly sweeps: each batch is its own short statement,
# so the sweep never holds locks on millions of rows, nor builds one huge transaction.
NIGHTLY_BATCH_SIZE = 10_000

# ---------------------------------------------------------------------------------------
# Nightly jobs
# ---------------------------------------------------------------------------------------

TIMEOUT_AFTER = timedelta(days=3)
TIMEOUT_STATUSES = (NotificationStatus.SENDING, NotificationStatus.PENDING)
# Letters stay "sending" while in the post; only email and SMS time out (as in Notify).
TIMEOUT_TYPES = (NotificationType.EMAIL, NotificationType.SMS)


def notifications_time_out(*, now=None, batch_size=NIGHTLY_BATCH_SIZE):
    """Mark email and SMS still sending or pending 3 days after creation as temporary-failure.

    Returns how many changed.
    """
    now = now or timezone.now()
    stale = Notification.objects.filter(
        status__in=TIMEOUT_STATUSES, notification_type__in=TIMEOUT_TYPES, created_at__lt=now - TIMEOUT_AFTER
    )
    total = 0
    while True:
        # The status filter is repeated on the UPDATE itself, so a receipt that lands
        # between the batch's SELECT and its UPDATE is not overwritten.
        updated = stale.filter(pk__in=stale.values("pk")[:batch_size]).update(
            status=NotificationStatus.TEMPORARY_FAILURE, updated_at=now
        )
        total += updated
        if updated < batch_size:
            break
    if total:
        logger.info("Timed out %d notifications created before %s", total, now - TIMEOUT_AFTER)
    return total


@dataclass
class RetentionResult:
    # {(London day, notification type): notifications deleted}
    deleted: dict = field(default_factory=dict)
    # [(London day, notification type)] past retention but kept: their status facts are not built
    kept_without_facts: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.deleted.values())


def notifications_delete_older_than_retention(*, now=None, batch_size=NIGHTLY_BATCH_SIZE):
    """Delete notifications older than their service's retention (``data_retention_days``).

    A notification of London day D goes once D is more than ``data_retention_days`` days
    before today (retention 7 on the 28th keeps the 21st onwards), and only when the
    status facts for D and its type exist (an ft_daily_total row, which every status
    build writes, even for 0 messages): the facts are then all that is left of it.
    Jobs are kept; their pages read the facts after retention.
    """
    now = now or timezone.now()
    today = days.today(now=now)
    # No service keeps notifications for less than MIN_RETENTION_DAYS full days.
    newest_day = today - timedelta(days=MIN_RETENTION_DAYS + 1)
    result = RetentionResult()
    oldest = Notification.objects.filter(created_at__lt=days.day_window(newest_day)[1]).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    if oldest is None:
        return result
    built = set(
        FactDailyTotal.objects.filter(bst_date__range=(days.london_date(oldest), newest_day)).values_list(
            "bst_date", "notification_type"
        )
    )
    for day in days.days_between(days.london_date(oldest), newest_day):
        start, end = days.day_window(day)
        for notification_type in sorted(NotificationType.values):
            expired = Notification.objects.filter(
                created_at__gte=start,
                created_at__lt=end,
                notification_type=notification_type,
                service__data_retention_days__lt=(today - day).days,
            )
            if (day, notification_type) not in built:
                if expired.exists():
                    logger.warning(
                        "Keeping %s notifications of %s past retention: their status facts are not built",
                        notification_type,
                        day,
                    )
                    result.kept_without_facts.append((day, notification_type))
                continue
            deleted = _delete_in_batches(expired, batch_size)
            if deleted:
                result.deleted[(day, notification_type)] = deleted
    if result.total:
        logger.info("Deleted %d notifications past their retention", result.total)
    return result


def _delete_in_batches(queryset, batch_size):
    total = 0
    while True:
        # Count only notifications, not rows that models added later cascade to.
        _, per_model = Notification.objects.filter(pk__in=queryset.values("pk")[:batch_size]).delete()
        deleted = per_model.get(Notification._meta.label, 0)
        total += deleted
        if deleted < batch_size:
            return total
