"""Uploaded spreadsheets in Django's default storage (MEDIA_ROOT, or S3 and the like).

The file is written before the check page is shown, at the path the job will keep
(``Job.upload``): the upload id becomes the job's id, so pressing send only has to insert
the job row, and a web process dying after the upload loses nothing.
"""

import hashlib
import uuid

from django.core.files.base import File
from django.core.files.storage import default_storage

from notifications.models import Job, job_upload_path
from notifications.recipients import RecipientCSV

from .limits import remaining_messages, trial_mode_allowlist


def upload_path(*, service_id, upload_id) -> str:
    return job_upload_path(Job(id=upload_id, service_id=service_id), "")


def upload_save(*, service, file) -> uuid.UUID:
    """Store an uploaded file; return its upload id (the id its job will have)."""
    upload_id = uuid.uuid4()
    path = upload_path(service_id=service.pk, upload_id=upload_id)
    file.seek(0)
    saved = default_storage.save(path, File(file))
    if saved != path:  # a storage that renamed it: a fresh uuid4 never collides
        default_storage.delete(saved)
        raise RuntimeError(f"Storage refused the upload path {path}")
    return upload_id


def upload_exists(*, service_id, upload_id) -> bool:
    return default_storage.exists(upload_path(service_id=service_id, upload_id=upload_id))


def upload_read(path: str) -> bytes:
    with default_storage.open(path, "rb") as file:
        return file.read()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_check(*, service, template, data: bytes, filename: str, for_sending: bool = False) -> RecipientCSV:
    """Check an uploaded file against the template and the service's permissions.

    ``for_sending`` (job processing): the daily limit was checked when the job started,
    against the job's own rows, so it is left out here.
    """
    remaining = None
    if not for_sending:
        remaining = remaining_messages(service=service, notification_type=template.template_type)
    return RecipientCSV.from_file(
        data,
        filename,
        template_type=template.template_type,
        content=template.content,
        subject=template.subject,
        international=service.can_send_international_sms,
        allowlist=trial_mode_allowlist(service=service, notification_type=template.template_type),
        remaining_messages=remaining,
        daily_limit=service.message_limit(template.template_type),
    )
