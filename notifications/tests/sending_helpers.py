"""Fixtures and helpers shared by the sending tests (import the fixtures you use)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from notifications.models import Job, JobStatus
from notifications.sending.uploads import upload_path
from notify_admin.celery import app as celery_app
from services.models import TemplateType
from services.tests.factories import ServiceFactory, ServiceUserFactory, TemplateFactory


@pytest.fixture(autouse=False)
def eager_tasks():
    """Tasks run in-process, even in CI's PostgreSQL + Redis pass (where a broker is set)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def no_receipt_failures(settings):
    settings.DEV_RECEIPT_TEMPORARY_FAILURE_SHARE = 0
    settings.DEV_RECEIPT_PERMANENT_FAILURE_SHARE = 0


def csv_bytes(rows) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode()


def phone_rows(count, *, start=0):
    """A header and ``count`` rows of distinct UK mobile numbers with a name."""
    return [["phone number", "name"]] + [[f"07712{345000 + start + i:06d}", f"Person {i}"] for i in range(count)]


def live_sms_template(**service_fields):
    service = ServiceFactory(live=True, **service_fields)
    return TemplateFactory(service=service, template_type=TemplateType.SMS, content="Hello ((name))")


def stored_job(template, data: bytes, *, filename="people.csv", status=JobStatus.PENDING, **fields) -> Job:
    """A job whose file is in storage, as the send button leaves it."""
    job = Job(
        service=template.service,
        template=template,
        original_file_name=filename,
        notification_count=fields.pop("notification_count", max(data.count(b"\n") - 1, 0)),
        job_status=status,
        **fields,
    )
    path = upload_path(service_id=template.service_id, upload_id=job.pk)
    default_storage.save(path, ContentFile(data))
    job.upload.name = path
    job.save()
    return job


def sender(service, **fields):
    return ServiceUserFactory(service=service, send_messages=True, view_activity=True, **fields).user
