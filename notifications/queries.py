"""Reads for the history pages: the service dashboard, notification lists, job pages and
downloads.

Every page costs a fixed number of queries, however many rows it shows (no N+1), and
every count is aggregated in the database. Notifications live only for the service's
retention period (London days); after that the nightly status facts
(``ft_notification_status``) are all that is left, so counts of older days come from them.
"""

import contextlib
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from performance import days
from performance.models import FactDailyTotal, FactNotificationStatus
from services.models import KeyType

from .models import (
    DELIVERED_STATUSES,
    FAILED_STATUSES,
    SENDING_STATUSES,
    Job,
    JobStatus,
    Notification,
    NotificationType,
)
from .paging import keyset_page
from .recipients import InvalidRecipientError, email_key, validate_email_address, validate_phone_number
from .sending.limits import messages_used_today

# Test keys pretend to send: Notify leaves their messages out of history and statistics.
HISTORY_KEY_TYPES = (KeyType.NORMAL, KeyType.TEAM)
DASHBOARD_TYPES = (NotificationType.EMAIL, NotificationType.SMS)
DASHBOARD_DAYS = 7
RECENT_JOBS = 5
# Rows fetched per round trip when streaming a download (a server-side cursor on PostgreSQL).
DOWNLOAD_CHUNK_SIZE = 2000

STATUS_FILTERS = {
    "total": None,
    "sending": SENDING_STATUSES,
    "delivered": DELIVERED_STATUSES,
    "failed": FAILED_STATUSES,
}
_GROUP_OF_STATUS = {
    **dict.fromkeys(SENDING_STATUSES, "sending"),
    **dict.fromkeys(DELIVERED_STATUSES, "delivered"),
    **dict.fromkeys(FAILED_STATUSES, "failed"),
}
# Jobs whose rows may still become notifications: the rows not made yet count as sending.
UNFINISHED_JOB_STATUSES = (JobStatus.PENDING, JobStatus.SCHEDULED, JobStatus.IN_PROGRESS)

HISTORY_ORDERING = ("-created_at", "-id")
JOB_NOTIFICATION_ORDERING = ("job_row_number", "id")
JOB_ORDERING = ("-created_at", "-id")


def status_group(status):
    """``"sending"``, ``"delivered"`` or ``"failed"``: how the history pages group ``status``."""
    return _GROUP_OF_STATUS.get(status, "sending")


def empty_counts():
    return {"total": 0, "sending": 0, "delivered": 0, "failed": 0}


def _add(counts, status, count):
    counts[status_group(status)] += count
    counts["total"] += count


# ---------------------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------------------


def retention_start(*, service, now=None):
    """The first instant whose notifications ``service`` still keeps.

    The nightly sweep deletes London day D once D is more than ``data_retention_days``
    days before today (retention 7 on the 28th keeps the 21st onwards), so the lists
    stop at the same London midnight, whether or not the sweep has run yet.
    """
    return days.london_midnight(days.today(now=now) - timedelta(days=service.data_retention_days))


# ---------------------------------------------------------------------------------------
# Notification lists
# ---------------------------------------------------------------------------------------


def search_filter(*, service, term):
    """``Q`` matching notifications sent to ``term`` or with it as their client reference.

    A term that is a valid email address or phone number is normalised as the validators
    normalise recipients (``07700 900123`` finds ``447700900123``); anything else is
    matched as typed. Matches are exact, so the ``(service, normalised_to)`` and
    ``(service, client_reference)`` indexes answer them in milliseconds: a substring
    match would read every notification the service keeps.
    """
    term = term.strip()
    recipients = set()
    try:
        address = validate_email_address(term)
    except InvalidRecipientError:
        pass
    else:
        # Addresses are stored as validated (case kept) or case-folded; find either.
        recipients |= {address, email_key(address)}
    with contextlib.suppress(InvalidRecipientError):
        recipients.add(validate_phone_number(term, international=service.can_send_international_sms))
    if not recipients:
        recipients.add(term)
    return Q(normalised_to__in=sorted(recipients)) | Q(client_reference=term)


def service_notifications(*, service, notification_type=None, status="total", search="", now=None):
    """The notifications the history pages show: within retention, no test keys."""
    notifications = Notification.objects.filter(
        service=service, created_at__gte=retention_start(service=service, now=now), key_type__in=HISTORY_KEY_TYPES
    )
    if notification_type:
        notifications = notifications.filter(notification_type=notification_type)
    if STATUS_FILTERS.get(status):
        notifications = notifications.filter(status__in=STATUS_FILTERS[status])
    if search and search.strip():
        notifications = notifications.filter(search_filter(service=service, term=search))
    return notifications


def notifications_page(
    *, service, notification_type=None, status="total", search="", after=None, before=None, now=None
):
    """One page (50) of the service's history, newest first, with its template and job."""
    notifications = service_notifications(
        service=service, notification_type=notification_type, status=status, search=search, now=now
    ).select_related("template", "job")
    return keyset_page(notifications, ordering=HISTORY_ORDERING, after=after, before=before)


def service_notification(*, service, notification_id):
    """One notification of ``service`` with everything its page shows (404 if not there)."""
    return get_object_or_404(
        Notification.objects.select_related("template", "job", "api_key", "created_by"),
        pk=notification_id,
        service=service,
    )


def notification_timeline(notification):
    """``[(label, when)]``, oldest first, from what the notification records."""
    events = [("Created", notification.created_at)]
    if notification.sent_at:
        events.append(("Sent to the provider", notification.sent_at))
    group = status_group(notification.status)
    if group != "sending":
        events.append((notification.get_status_display(), notification.updated_at))
    return events


# ---------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------


def service_job(*, service, job_id):
    return get_object_or_404(Job.objects.select_related("template", "created_by"), pk=job_id, service=service)


def jobs_page(*, service, after=None, before=None, now=None):
    """One page of the service's uploads, newest first; each job has ``counts``."""
    jobs = Job.objects.filter(service=service, archived=False).select_related("template", "created_by")
    page = keyset_page(jobs, ordering=JOB_ORDERING, after=after, before=before)
    attach_job_counts(page.items, service=service, now=now)
    return page


def recent_jobs(*, service, now=None, limit=RECENT_JOBS):
    jobs = list(
        Job.objects.filter(service=service, archived=False).select_related("template").order_by(*JOB_ORDERING)[:limit]
    )
    attach_job_counts(jobs, service=service, now=now)
    return jobs


def job_past_retention(job, *, service, now=None):
    """Whether ``job``'s notifications are past the service's retention (so its counts
    come from the status facts, and its notifications are gone or going)."""
    started = job.processing_started or job.created_at
    return started < retention_start(service=service, now=now)


def attach_job_counts(jobs, *, service, now=None):
    """Set ``job.counts`` (total/sending/delivered/failed) on each job: at most two queries.

    Jobs within retention count their notifications (the ``(job, status)`` index);
    older ones read ``ft_notification_status``, unless their facts were never built, in
    which case their notifications have not been deleted and are counted instead.
    """
    if not jobs:
        return jobs
    by_id = {job.pk: job for job in jobs}
    fact_counts = {}
    old_ids = [job.pk for job in jobs if job_past_retention(job, service=service, now=now)]
    if old_ids:
        rows = (
            FactNotificationStatus.objects.filter(service_id=service.pk, job_id__in=old_ids)
            .values_list("job_id", "notification_status")
            .annotate(count=Sum("notification_count"))
            .order_by()
        )
        for job_id, status, count in rows:
            _add(fact_counts.setdefault(job_id, empty_counts()), status, count)
    live_counts = {}
    live_ids = [job_id for job_id in by_id if job_id not in fact_counts]
    if live_ids:
        rows = (
            Notification.objects.filter(job_id__in=live_ids)
            .values_list("job_id", "status")
            # COUNT(*), not COUNT(id): an index-only scan of (job, status) can answer it
            # without visiting each row.
            .annotate(count=Count("*"))
            .order_by()
        )
        for job_id, status, count in rows:
            _add(live_counts.setdefault(job_id, empty_counts()), status, count)
    for job_id, job in by_id.items():
        job.counts_from_facts = job_id in fact_counts
        job.counts = _job_counts(job, fact_counts.get(job_id) or live_counts.get(job_id) or empty_counts())
    return jobs


def _job_counts(job, made):
    """Counts for the job page: ``processed`` rows became notifications so far; rows not
    processed yet of a job still to run count as sending."""
    counts = dict(made, processed=made["total"])
    if job.job_status in UNFINISHED_JOB_STATUSES:
        waiting = max(job.notification_count - made["total"], 0)
        counts["sending"] += waiting
        counts["total"] += waiting
    return counts


def job_with_counts(*, service, job_id, now=None):
    job = service_job(service=service, job_id=job_id)
    attach_job_counts([job], service=service, now=now)
    return job


def job_progress(job):
    """What the job page's script polls: the figures that change while a job runs."""
    return {
        "job_status": job.job_status,
        "job_status_label": job.get_job_status_display(),
        "notification_count": job.notification_count,
        "processed": job.counts["processed"],
        "sending": job.counts["sending"],
        "delivered": job.counts["delivered"],
        "failed": job.counts["failed"],
        "finished": job.job_status not in UNFINISHED_JOB_STATUSES,
    }


def job_notifications(*, job, status="total"):
    notifications = Notification.objects.filter(job=job)
    if STATUS_FILTERS.get(status):
        notifications = notifications.filter(status__in=STATUS_FILTERS[status])
    return notifications


def job_notifications_page(*, job, status="total", after=None, before=None):
    """One page of a job's notifications in spreadsheet row order."""
    notifications = job_notifications(job=job, status=status).select_related("template")
    return keyset_page(notifications, ordering=JOB_NOTIFICATION_ORDERING, after=after, before=before)


# ---------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------


def service_dashboard(*, service, now=None):
    """The dashboard's figures for the last 7 London days, today included.

    A day whose status facts are built (an ``ft_daily_total`` row) is read from
    ``ft_notification_status``; today, and any day the nightly job has not reached yet,
    from the notifications themselves, so the figures are current and survive retention.
    """
    now = now or timezone.now()
    today = days.today(now=now)
    window = days.last_days(DASHBOARD_DAYS, end=today)
    built = set(
        FactDailyTotal.objects.filter(bst_date__in=window[:-1], notification_type__in=DASHBOARD_TYPES).values_list(
            "bst_date", "notification_type"
        )
    )
    counts = {notification_type: empty_counts() for notification_type in DASHBOARD_TYPES}
    from_facts = Q()
    from_notifications = Q()
    for notification_type in DASHBOARD_TYPES:
        fact_days = [day for day in window if (day, notification_type) in built]
        if fact_days:
            from_facts |= Q(notification_type=notification_type, bst_date__in=fact_days)
        for day in window:
            if (day, notification_type) not in built:
                start, end = days.day_window(day)
                from_notifications |= Q(notification_type=notification_type, created_at__gte=start, created_at__lt=end)
    if from_facts:
        rows = (
            FactNotificationStatus.objects.filter(from_facts, service_id=service.pk, key_type__in=HISTORY_KEY_TYPES)
            .values_list("notification_type", "notification_status")
            .annotate(count=Sum("notification_count"))
            .order_by()
        )
        for notification_type, status, count in rows:
            _add(counts[notification_type], status, count)
    rows = (
        Notification.objects.filter(from_notifications, service=service, key_type__in=HISTORY_KEY_TYPES)
        .values_list("notification_type", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for notification_type, status, count in rows:
        _add(counts[notification_type], status, count)
    daily_limits = []
    for notification_type in DASHBOARD_TYPES:
        # The same count the check page refuses a spreadsheet by: today's messages plus
        # the rows of jobs still to be processed.
        used = messages_used_today(service=service, notification_type=notification_type, now=now)
        limit = service.message_limit(notification_type)
        daily_limits.append(
            {
                "notification_type": notification_type,
                "used_today": used,
                "limit": limit,
                "remaining": max(limit - used, 0),
            }
        )
    return {
        "days": DASHBOARD_DAYS,
        "counts": counts,
        "daily_limits": daily_limits,
        "recent_jobs": recent_jobs(service=service, now=now),
    }


# ---------------------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------------------

DOWNLOAD_FIELDS = (
    "to",
    "client_reference",
    "template__name",
    "notification_type",
    "created_by__name",
    "created_by__email",
    "job__original_file_name",
    "status",
    "created_at",
    "api_key__name",
)


def download_rows(notifications, *, ordering=HISTORY_ORDERING):
    """Tuples of ``DOWNLOAD_FIELDS``, fetched ``DOWNLOAD_CHUNK_SIZE`` at a time.

    One query with its joins (never a query per row); on PostgreSQL ``iterator`` reads
    through a server-side cursor, so 250,000 rows never sit in memory at once.
    """
    rows = notifications.order_by(*ordering).values_list(*DOWNLOAD_FIELDS)
    # In a transaction PostgreSQL's cursor hands rows over as it finds them. Outside one
    # (autocommit), Django must declare it WITH HOLD, which computes the whole result at
    # the first fetch: 1 s before the first byte of a 1,000,000-row download, not 20 ms.
    # The transaction also makes the file one consistent snapshot.
    with transaction.atomic():
        yield from rows.iterator(chunk_size=DOWNLOAD_CHUNK_SIZE)


def service_download_rows(*, service, notification_type=None, status="total", now=None):
    return download_rows(
        service_notifications(service=service, notification_type=notification_type, status=status, now=now)
    )


def job_download_rows(*, job):
    return download_rows(job_notifications(job=job), ordering=JOB_NOTIFICATION_ORDERING)
