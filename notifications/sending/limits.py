"""Reads for the daily limits and trial mode (the check page, one-off sends, job start).

A service may send ``service.message_limit(type)`` messages of each channel per London
day. What counts as already used today: notifications created today (test keys aside),
plus every row of jobs that are pending or in progress, whose notifications are about to
be created whatever day it is (their notifications already made are not counted twice).
"""

from django.db.models import Sum

from notifications.models import Job, JobStatus, Notification
from performance import days
from services.models import KeyType, ServiceUser

from .simulated import simulated_recipients

ACTIVE_JOB_STATUSES = (JobStatus.PENDING, JobStatus.IN_PROGRESS)


def messages_used_today(*, service, notification_type, now=None) -> int:
    start, end = days.day_window(days.today(now=now))
    sent = (
        Notification.objects.filter(
            service=service, notification_type=notification_type, created_at__gte=start, created_at__lt=end
        )
        .exclude(key_type=KeyType.TEST)
        .exclude(job__job_status__in=ACTIVE_JOB_STATUSES)
        .count()
    )
    reserved = Job.objects.filter(
        service=service, template__template_type=notification_type, job_status__in=ACTIVE_JOB_STATUSES
    ).aggregate(rows=Sum("notification_count"))["rows"]
    return sent + (reserved or 0)


def remaining_messages(*, service, notification_type, now=None) -> int:
    used = messages_used_today(service=service, notification_type=notification_type, now=now)
    return max(service.message_limit(notification_type) - used, 0)


def trial_mode_allowlist(*, service, notification_type) -> list[str] | None:
    """Who a service in trial mode may send to (raw team contacts), None when live.

    The validator normalises each entry; the team's other kind of contact is skipped.
    """
    if not service.restricted:
        return None
    contacts = ServiceUser.objects.filter(service=service).values_list("user__email", "user__mobile_number")
    field = 1 if notification_type == "sms" else 0
    return [row[field] for row in contacts if row[field]] + simulated_recipients(notification_type)
