"""Deleting uploaded spreadsheets nobody needs any more (nightly).

A job's file is kept until the job is processed and then for the service's retention
period, like its notifications; a file uploaded but never sent is deleted after a day.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from notifications.models import Job, JobStatus
from services.models import Service

logger = logging.getLogger(__name__)

UPLOADS_DIR = "jobs"
ABANDONED_AFTER = timedelta(days=1)
# Jobs still to be processed keep their file whatever their age.
DONE_STATUSES = (JobStatus.FINISHED, JobStatus.CANCELLED, JobStatus.SENDING_LIMITS_EXCEEDED, JobStatus.ERROR)


@dataclass
class FilesResult:
    job_files: int = 0
    abandoned: int = 0


def job_files_delete_older_than_retention(*, now=None) -> FilesResult:
    now = now or timezone.now()
    result = FilesResult()
    retentions = Service.objects.values_list("data_retention_days", flat=True).distinct()
    for days in sorted(set(retentions)):
        expired = (
            Job.objects.filter(
                service__data_retention_days=days,
                job_status__in=DONE_STATUSES,
                created_at__lt=now - timedelta(days=days),
            )
            .exclude(upload="")
            .values_list("pk", "upload")
        )
        for pk, name in expired:
            default_storage.delete(name)
            Job.objects.filter(pk=pk).update(upload="", updated_at=now)
            result.job_files += 1
    result.abandoned = _delete_abandoned_uploads(now)
    if result.job_files or result.abandoned:
        logger.info("Deleted %d job files past retention and %d abandoned uploads", result.job_files, result.abandoned)
    return result


def _delete_abandoned_uploads(now) -> int:
    """Files of uploads that never became a job, a day after they were uploaded."""
    if not default_storage.exists(UPLOADS_DIR):
        return 0
    deleted = 0
    service_dirs, _ = default_storage.listdir(UPLOADS_DIR)
    for service_dir in service_dirs:
        _, files = default_storage.listdir(f"{UPLOADS_DIR}/{service_dir}")
        ids = {}
        for name in files:
            try:
                ids[uuid.UUID(name.removesuffix(".upload"))] = name
            except ValueError:
                continue
        with_jobs = set(Job.objects.filter(pk__in=list(ids)).values_list("pk", flat=True))
        for upload_id, name in ids.items():
            path = f"{UPLOADS_DIR}/{service_dir}/{name}"
            if upload_id not in with_jobs and default_storage.get_modified_time(path) < now - ABANDONED_AFTER:
                default_storage.delete(path)
                deleted += 1
    return deleted
