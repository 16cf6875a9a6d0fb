"""The sending sweep (Celery beat, every minute): nothing waits forever.

- scheduled jobs whose time has come, and pending jobs whose processing task never
  arrived (the web process died between commit and enqueue), are queued;
- jobs in progress that stopped moving (their worker died) are resumed;
- notifications left ``created`` (a lost delivery task or retry) are replayed.

Everything it queues is safe to run twice, so a sweep that overlaps a slow task, or a
second beat, costs time but never sends twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notifications.models import Job, JobStatus, Notification, NotificationStatus

from .jobs import DELIVERY_BATCH_SIZE, batched

logger = logging.getLogger(__name__)

# A pending job's own task normally starts it within seconds.
PENDING_JOB_GRACE = timedelta(minutes=2)
# Processing touches the job after every batch of rows, a few seconds apart.
JOB_STUCK_AFTER = timedelta(minutes=10)
# Beyond the retry delay: a notification waiting for its retry is not stuck.
NOTIFICATION_STUCK_MARGIN = timedelta(minutes=5)
# At most this many notifications replayed per sweep; the next sweep takes the rest.
MAX_REPLAYED = 20_000


@dataclass
class SweepResult:
    jobs_started: list = field(default_factory=list)
    jobs_resumed: list = field(default_factory=list)
    notifications_replayed: int = 0


def notification_stuck_after() -> timedelta:
    return timedelta(seconds=settings.DELIVERY_RETRY_DELAY) + NOTIFICATION_STUCK_MARGIN


def sending_sweep(*, now=None) -> SweepResult:
    from notifications import tasks

    now = now or timezone.now()
    result = SweepResult()
    due = Job.objects.filter(
        Q(job_status=JobStatus.SCHEDULED, scheduled_for__lte=now)
        | Q(job_status=JobStatus.PENDING, created_at__lt=now - PENDING_JOB_GRACE)
    )
    for job_id in due.values_list("pk", flat=True):
        tasks.process_job.delay(str(job_id))
        result.jobs_started.append(job_id)

    stuck_before = now - JOB_STUCK_AFTER
    stuck = Job.objects.filter(job_status=JobStatus.IN_PROGRESS, updated_at__lt=stuck_before)
    for job_id in stuck.values_list("pk", flat=True):
        tasks.resume_job.delay(str(job_id), stuck_before.isoformat())
        result.jobs_resumed.append(job_id)

    stale = Notification.objects.filter(
        status=NotificationStatus.CREATED, updated_at__lt=now - notification_stuck_after()
    ).exclude(job__job_status=JobStatus.IN_PROGRESS)  # a resumed job hands its rows over itself
    ids = list(stale.order_by("created_at").values_list("pk", flat=True)[:MAX_REPLAYED])
    for chunk in batched(ids, DELIVERY_BATCH_SIZE):
        # Touched so the next sweep does not queue them again while these tasks run.
        Notification.objects.filter(pk__in=chunk, status=NotificationStatus.CREATED).update(updated_at=now)
        tasks.deliver_notifications.delay([str(pk) for pk in chunk])
    result.notifications_replayed = len(ids)

    if result.jobs_started or result.jobs_resumed or result.notifications_replayed:
        logger.info(
            "Sending sweep: %d jobs queued, %d resumed, %d notifications replayed",
            len(result.jobs_started),
            len(result.jobs_resumed),
            result.notifications_replayed,
        )
    return result
