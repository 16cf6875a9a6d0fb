"""Writes for jobs: create one when the user presses send, cancel, process.

Processing is safe to repeat and to run twice at once: a job starts only once (a
conditional UPDATE from pending, or from scheduled once its time has come), each row's
notification has a fixed id (derived from the job id and the row's index) and the
(job, row number) pair is unique, so a redelivered task or a resumed job inserts only
the rows still missing and never a second copy.
"""

import logging
import uuid
from dataclasses import dataclass
from itertools import islice

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Job, JobStatus, Notification, NotificationStatus, NotificationType
from notifications.recipients import stored_email_address
from performance import days
from services.models import KeyType, Service

from .limits import messages_used_today
from .uploads import upload_check, upload_path, upload_read

logger = logging.getLogger(__name__)

# Rows inserted per INSERT while processing a job; each batch commits on its own and
# its notifications are handed to delivery straight away.
JOB_BATCH_SIZE = 1_000
# Notifications per delivery task: few enough that one slow provider call holds up
# little, many enough that 100,000 rows are not 100,000 broker messages.
DELIVERY_BATCH_SIZE = 200


def batched(iterable, size):
    """``itertools.batched`` (Python 3.12) for 3.11: lists of up to ``size`` items."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def notification_id(job_id, row_index) -> uuid.UUID:
    """The id of the notification for one row: the same on every run of the job."""
    return uuid.uuid5(uuid.UUID(str(job_id)), str(row_index))


class DuplicateJob(Exception):
    """The upload was already sent (the send button pressed twice)."""

    def __init__(self, job):
        super().__init__(f"Job {job.pk} already exists")
        self.job = job


def job_create(*, service, template, upload_id, filename, notification_count, file_hash, scheduled_for, user):
    """The job for a checked upload; processing is queued once the row is committed.

    The upload id becomes the job id, so pressing send twice cannot make two jobs.
    """
    from notifications import tasks

    status = JobStatus.SCHEDULED if scheduled_for else JobStatus.PENDING
    with transaction.atomic():
        job, created = Job.objects.get_or_create(
            pk=upload_id,
            defaults={
                "service": service,
                "template": template,
                "original_file_name": filename[:255],
                "upload": upload_path(service_id=service.pk, upload_id=upload_id),
                "file_hash": file_hash,
                "notification_count": notification_count,
                "job_status": status,
                "scheduled_for": scheduled_for,
                "created_by": user,
            },
        )
        if not created:
            raise DuplicateJob(job)
        if status == JobStatus.PENDING:
            transaction.on_commit(lambda: tasks.process_job.delay(str(job.pk)))
    logger.info("Job %s created: %d rows, %s", job.pk, notification_count, status)
    return job


def job_cancel(*, service, job_id, now=None) -> bool:
    """Cancel a scheduled job that has not started. False when it is too late."""
    now = now or timezone.now()
    cancelled = Job.objects.filter(pk=job_id, service=service, job_status=JobStatus.SCHEDULED).update(
        job_status=JobStatus.CANCELLED, updated_at=now
    )
    return bool(cancelled)


def duplicate_job_today(*, service, template, file_hash, now=None):
    """The job that already sent this file with this template today (London), if any."""
    start, end = days.day_window(days.today(now=now))
    return (
        Job.objects.filter(
            service=service, template=template, file_hash=file_hash, created_at__gte=start, created_at__lt=end
        )
        .exclude(job_status=JobStatus.CANCELLED)
        .order_by("-created_at")
        .first()
    )


@dataclass
class JobResult:
    status: str  # the job's status afterwards, or "skipped" when another run owns it


def job_start(*, job_id, now=None):
    """Claim a pending job, or a scheduled one whose time has come; check today's limit.

    Returns the job when this call started it, None otherwise. The service row is locked
    so that two jobs starting at once cannot both fit under the same remaining limit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        job = Job.objects.filter(pk=job_id).select_related("template").first()
        if job is None:
            return None
        Service.objects.select_for_update().filter(pk=job.service_id).first()
        startable = Q(job_status=JobStatus.PENDING) | Q(job_status=JobStatus.SCHEDULED, scheduled_for__lte=now)
        started = Job.objects.filter(startable, pk=job_id).update(
            job_status=JobStatus.IN_PROGRESS, processing_started=now, updated_at=now
        )
        if not started:
            return None
        job.refresh_from_db()
        notification_type = job.template.template_type
        # This job now counts among the in-progress ones: its rows are in `used`.
        used = messages_used_today(service=job.service, notification_type=notification_type, now=now)
        if used > job.service.message_limit(notification_type):
            Job.objects.filter(pk=job_id).update(
                job_status=JobStatus.SENDING_LIMITS_EXCEEDED, processing_finished=now, updated_at=now
            )
            logger.warning("Job %s refused: sending limits exceeded (%d used)", job_id, used)
            return None
    return job


def job_process(*, job_id, now=None) -> JobResult:
    job = job_start(job_id=job_id, now=now)
    if job is None:
        status = Job.objects.filter(pk=job_id).values_list("job_status", flat=True).first()
        return JobResult(status=status if status != JobStatus.IN_PROGRESS else "skipped")
    return _create_notifications(job)


def job_resume(*, job_id, stuck_before) -> JobResult:
    """Carry on a job left in progress (its worker died): only the missing rows are added.

    Claimed by moving ``updated_at`` on, so two sweeps never resume the same job twice.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, job_status=JobStatus.IN_PROGRESS, updated_at__lt=stuck_before).update(
        updated_at=now
    )
    if not claimed:
        return JobResult(status="skipped")
    logger.warning("Resuming job %s, stuck in progress", job_id)
    return _create_notifications(Job.objects.select_related("template", "service").get(pk=job_id))


def _create_notifications(job) -> JobResult:
    from notifications import tasks

    template, service = job.template, job.service
    try:
        data = upload_read(job.upload.name)
        recipients = upload_check(
            service=service, template=template, data=data, filename=job.original_file_name, for_sending=True
        )
    except DatabaseError:
        raise  # the task retries; the sweeper resumes the job if that fails too
    except Exception:
        # Anything else would fail the same way on every resume: stop here, visibly.
        logger.exception("Job %s: its file %r cannot be read", job.pk, job.upload.name)
        return _finish(job, JobStatus.ERROR)
    if recipients.errors:
        # The file was checked before the job was made; it can only fail now if the
        # team changed (trial mode) or the template gained a placeholder.
        logger.error("Job %s: the file no longer passes its checks: %s", job.pk, recipients.errors[0])
        return _finish(job, JobStatus.ERROR)
    is_email = template.template_type == NotificationType.EMAIL
    for batch in batched(enumerate(recipients.sendable_rows()), JOB_BATCH_SIZE):
        now = timezone.now()
        notifications = [
            Notification(
                id=notification_id(job.pk, index),
                service_id=service.pk,
                template_id=template.pk,
                job_id=job.pk,
                job_row_number=index,
                key_type=KeyType.NORMAL,
                notification_type=template.template_type,
                to=row.to,
                normalised_to=stored_email_address(row.recipient) if is_email else row.recipient,
                personalisation=row.personalisation,
                status=NotificationStatus.CREATED,
                created_by_id=job.created_by_id,
                created_at=now,
                updated_at=now,
            )
            for index, row in batch
        ]
        with transaction.atomic():
            Notification.objects.bulk_create(notifications, ignore_conflicts=True)
            # A heartbeat: the sweeper only resumes jobs that stopped moving.
            Job.objects.filter(pk=job.pk).update(updated_at=now)
        # Every row's id goes to delivery, new or not: one created by an earlier run whose
        # delivery task was lost is sent now; one already sent is skipped by its claim.
        for ids in batched((str(n.id) for n in notifications), DELIVERY_BATCH_SIZE):
            tasks.deliver_notifications.delay(ids)
    return _finish(job, JobStatus.FINISHED)


def _finish(job, status) -> JobResult:
    now = timezone.now()
    Job.objects.filter(pk=job.pk, job_status=JobStatus.IN_PROGRESS).update(
        job_status=status, processing_finished=now, updated_at=now
    )
    logger.info("Job %s %s", job.pk, status)
    return JobResult(status=status)
