"""Handing notifications to their providers, exactly once each, and their receipts.

A notification is sent only by whoever moves it from ``created`` to ``sending`` (one
conditional UPDATE ... RETURNING for a whole batch), so a task delivered twice, a
retried task and the sweeper's replays can overlap freely: each message reaches the
provider once. A failed hand-over puts the notification back to ``created`` for the
retry (``DELIVERY_RETRY_DELAY`` seconds later) until ``DELIVERY_MAX_RETRIES`` retries
have failed; then it is a technical-failure.

If a worker dies between the claim and the provider's answer, the notification stays
``sending`` without ``sent_at``: whether the provider got it is unknown, so it is not
sent again (the nightly timeout ends it as a temporary-failure after 3 days).
"""

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.providers import get_email_provider, get_sms_provider, simulated_receipt_status
from services.templating import render, sms_fragment_count

from .simulated import is_simulated

logger = logging.getLogger(__name__)

# Statuses a receipt may still change: a receipt never undoes a final status.
AWAITING_RECEIPT = (NotificationStatus.SENDING, NotificationStatus.PENDING)
RECEIPT_STATUSES = frozenset(
    {
        NotificationStatus.DELIVERED,
        NotificationStatus.PENDING,
        NotificationStatus.TEMPORARY_FAILURE,
        NotificationStatus.PERMANENT_FAILURE,
        NotificationStatus.TECHNICAL_FAILURE,
    }
)
UK_PREFIX = "44"


@dataclass
class DeliveryResult:
    sent: list = field(default_factory=list)  # ids handed to a provider (or simulated)
    retry: list = field(default_factory=list)  # ids to try again after DELIVERY_RETRY_DELAY
    failed: list = field(default_factory=list)  # ids that ran out of retries
    receipts: list = field(default_factory=list)  # [(id, status)] to simulate for dev providers


def claim(notification_ids, *, now) -> list[uuid.UUID]:
    """Move those of ``notification_ids`` still ``created`` to ``sending``; return them."""
    if not notification_ids:
        return []
    pk = Notification._meta.pk
    updated_at = Notification._meta.get_field("updated_at")
    quote = connection.ops.quote_name
    ids = [pk.get_db_prep_value(uuid.UUID(str(value)), connection) for value in notification_ids]
    # Only quoted names and placeholders are formatted in; every value is a parameter.
    table, column, placeholders = quote(Notification._meta.db_table), quote(pk.column), ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET status = %s, updated_at = %s "  # noqa: S608
        f"WHERE status = %s AND {column} IN ({placeholders}) RETURNING {column}"
    )
    params = [NotificationStatus.SENDING, updated_at.get_db_prep_value(now, connection), NotificationStatus.CREATED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + ids)
        return [value if isinstance(value, uuid.UUID) else uuid.UUID(value) for (value,) in cursor.fetchall()]


def notifications_deliver(*, notification_ids, attempt=0, now=None) -> DeliveryResult:
    """Send each of ``notification_ids`` that is still ``created``; skip the rest.

    ``attempt`` is how many times these were already retried.
    """
    now = now or timezone.now()
    result = DeliveryResult()
    # The claim and the read commit together: if the database fails between them, the
    # batch stays `created` for the task's retry instead of `sending` and never sent.
    with transaction.atomic():
        claimed = claim(notification_ids, now=now)
        if not claimed:
            return result
        notifications = list(Notification.objects.filter(pk__in=claimed).select_related("template", "service"))
    sms_provider = email_provider = None
    handed = []
    statuses = {}  # id -> status other than "sending" once handed over
    try:
        for notification in notifications:
            if is_simulated(notification.notification_type, notification.normalised_to):
                notification.sent_at = timezone.now()
                notification.reference = "simulated"
                statuses[notification.pk] = NotificationStatus.DELIVERED
                handed.append(notification)
                continue
            try:
                if notification.notification_type == NotificationType.SMS:
                    sms_provider = sms_provider or get_sms_provider()
                    provider = sms_provider
                    _send_sms(notification, sms_provider)
                else:
                    email_provider = email_provider or get_email_provider()
                    provider = email_provider
                    _send_email(notification, email_provider)
            except Exception:
                logger.exception("Could not hand %s to its provider (try %d)", notification.pk, attempt + 1)
                result.retry.append(notification.pk)
                continue
            handed.append(notification)
            if notification.notification_type == NotificationType.SMS and not notification.normalised_to.startswith(
                UK_PREFIX
            ):
                # International messages get no receipt: "sent" is as far as we know.
                statuses[notification.pk] = NotificationStatus.SENT
            elif provider.simulates_receipts:
                result.receipts.append((str(notification.pk), simulated_receipt_status()))
            elif notification.notification_type == NotificationType.EMAIL:
                # SMTP accepts a message and never reports back.
                statuses[notification.pk] = NotificationStatus.SENT
    finally:
        if email_provider is not None:
            email_provider.close()
    _record_sent(handed, statuses)
    result.sent = [n.pk for n in handed]
    _record_failures(result, attempt=attempt)
    return result


def _send_sms(notification, provider):
    content = render(notification.template.content, notification.personalisation, escape=False)
    notification.reference = provider.send_sms(
        to=notification.normalised_to, content=content, reference=str(notification.pk)
    )
    notification.sent_at = timezone.now()
    notification.billable_units = sms_fragment_count(content)


def _send_email(notification, provider):
    values = notification.personalisation
    notification.reference = provider.send_email(
        to=notification.normalised_to or notification.to,
        subject=render(notification.template.subject, values, escape=False),
        body=render(notification.template.content, values, escape=False),
        reply_to=notification.service.email_reply_to,
        reference=str(notification.pk),
    )
    notification.sent_at = timezone.now()


def _record_sent(handed, statuses):
    if not handed:
        return
    # One statement run for many rows (pipelined by psycopg): bulk_update's CASE WHEN
    # costs more in Python than the whole provider call.
    pk = Notification._meta.pk
    sent_at = Notification._meta.get_field("sent_at")
    table, column = connection.ops.quote_name(Notification._meta.db_table), connection.ops.quote_name(pk.column)
    rows = [
        (
            sent_at.get_db_prep_value(n.sent_at, connection),
            (n.reference or "")[:255],
            n.billable_units,
            pk.get_db_prep_value(n.pk, connection),
        )
        for n in handed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET sent_at = %s, reference = %s, billable_units = %s WHERE {column} = %s",  # noqa: S608
            rows,
        )
    by_status = {}
    for pk, status in statuses.items():
        by_status.setdefault(status, []).append(pk)
    now = timezone.now()
    for status, ids in by_status.items():
        Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENDING).update(status=status, updated_at=now)


def _record_failures(result, *, attempt):
    if not result.retry:
        return
    now = timezone.now()
    if attempt >= settings.DELIVERY_MAX_RETRIES:
        Notification.objects.filter(pk__in=result.retry, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.TECHNICAL_FAILURE, updated_at=now
        )
        logger.error("Gave up on %d notifications after %d retries", len(result.retry), attempt)
        result.failed, result.retry = result.retry, []
        return
    # Back to "created" so the retry (or, if it is lost, the sweeper) can claim them.
    Notification.objects.filter(pk__in=result.retry, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.CREATED, updated_at=now
    )


def notifications_receipts_apply(*, receipts) -> int:
    """Apply delivery receipts ``[(notification id, status)]``; returns how many changed.

    Only a notification still waiting for its outcome changes: a late or repeated receipt
    never overwrites a final status.
    """
    by_status = {}
    for notification_id, status in receipts:
        if status not in RECEIPT_STATUSES:
            logger.warning("Ignoring a receipt with unknown status %r for %s", status, notification_id)
            continue
        try:
            by_status.setdefault(status, []).append(uuid.UUID(str(notification_id)))
        except ValueError:
            logger.warning("Ignoring a receipt for %r: not a notification id", notification_id)
    now = timezone.now()
    changed = 0
    for status, ids in by_status.items():
        changed += Notification.objects.filter(pk__in=ids, status__in=AWAITING_RECEIPT).update(
            status=status, updated_at=now
        )
    return changed
