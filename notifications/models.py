import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from services.models import ApiKey, KeyType, Service, Template
from services.models import TemplateType as NotificationType  # the same three channels


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in progress", "In progress"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"
    SENDING_LIMITS_EXCEEDED = "sending limits exceeded", "Sending limits exceeded"
    ERROR = "error", "Error"


class NotificationStatus(models.TextChoices):
    CREATED = "created", "Created"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    PENDING = "pending", "Pending"
    TEMPORARY_FAILURE = "temporary-failure", "Temporary failure"
    PERMANENT_FAILURE = "permanent-failure", "Permanent failure"
    TECHNICAL_FAILURE = "technical-failure", "Technical failure"
    VALIDATION_FAILED = "validation-failed", "Validation failed"
    CANCELLED = "cancelled", "Cancelled"


# How Notify groups statuses on its history pages.
SENDING_STATUSES = (NotificationStatus.CREATED, NotificationStatus.PENDING, NotificationStatus.SENDING)
DELIVERED_STATUSES = (NotificationStatus.DELIVERED, NotificationStatus.SENT)
FAILED_STATUSES = (
    NotificationStatus.TEMPORARY_FAILURE,
    NotificationStatus.PERMANENT_FAILURE,
    NotificationStatus.TECHNICAL_FAILURE,
    NotificationStatus.VALIDATION_FAILED,
    NotificationStatus.CANCELLED,
)


def job_upload_path(job, filename):
    return f"jobs/{job.service_id}/{job.id}.upload"


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="jobs")
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="jobs")
    original_file_name = models.CharField(max_length=255)
    upload = models.FileField(upload_to=job_upload_path, blank=True, max_length=255)
    # Fingerprint of the uploaded rows, to spot the same file sent twice in a day.
    file_hash = models.CharField(max_length=64, blank=True, db_index=True)
    notification_count = models.PositiveIntegerField()
    job_status = models.CharField(max_length=32, choices=JobStatus.choices, default=JobStatus.PENDING)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    processing_started = models.DateTimeField(null=True, blank=True)
    processing_finished = models.DateTimeField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["service", "-created_at"], name="job_service_created"),
            models.Index(fields=["job_status", "scheduled_for"], name="job_status_scheduled"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(job_status__in=JobStatus.values), name="job_status_valid"),
        ]

    def __str__(self):
        return f"{self.original_file_name} ({self.notification_count} rows)"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="notifications")
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="notifications")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    job_row_number = models.PositiveIntegerField(null=True, blank=True)
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications")
    key_type = models.CharField(max_length=8, choices=KeyType.choices, default=KeyType.NORMAL)
    notification_type = models.CharField(max_length=8, choices=NotificationType.choices)
    to = models.CharField(max_length=320)
    normalised_to = models.CharField(max_length=320, blank=True)
    personalisation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=24, choices=NotificationStatus.choices, default=NotificationStatus.CREATED)
    reference = models.CharField(max_length=255, blank=True, help_text="The provider's reference.")
    client_reference = models.CharField(max_length=255, null=True, blank=True)
    billable_units = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # history lists and the dashboard: one service, newest first
            models.Index(fields=["service", "-created_at"], name="notification_service_created"),
            models.Index(fields=["service", "notification_type", "-created_at"], name="notification_service_type"),
            # nightly day windows, retention and the timeout sweep
            models.Index(fields=["created_at"], name="notification_created"),
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
            models.Index(fields=["job", "status"], name="notification_job_status"),
            models.Index(fields=["service", "normalised_to"], name="notification_recipient"),
            # history search by reference: without it a search ORs an index lookup with a
            # scan of every notification the service keeps
            models.Index(fields=["service", "client_reference"], name="notification_client_reference"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "job_row_number"],
                condition=models.Q(job__isnull=False),
                name="notification_job_row_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(notification_type__in=NotificationType.values), name="notification_type_valid"
            ),
            models.CheckConstraint(condition=models.Q(key_type__in=KeyType.values), name="notification_key_type_valid"),
        ]

    def __str__(self):
        return f"{self.notification_type} to {self.to} ({self.status})"


class DevSmsMessage(models.Model):
    """A text message the development SMS provider 'sent': read the security codes here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    to = models.CharField(max_length=32)
    content = models.TextField()
    reference = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "dev SMS message"

    def __str__(self):
        return f"SMS to {self.to} at {self.created_at:%Y-%m-%d %H:%M:%S}"
