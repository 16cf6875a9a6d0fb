"""Nightly fact tables, named and shaped as Notify's so its queries and numbers carry over."""

from django.db import models
from django.utils import timezone

from notifications.models import NotificationStatus, NotificationType
from services.models import KeyType

# Notifications sent without a job are counted under this job id, as Notify does.
NO_JOB_ID = "00000000-0000-0000-0000-000000000000"


class FactNotificationStatus(models.Model):
    bst_date = models.DateField()
    template_id = models.UUIDField()
    service_id = models.UUIDField()
    job_id = models.UUIDField()
    notification_type = models.CharField(max_length=8, choices=NotificationType.choices)
    key_type = models.CharField(max_length=8, choices=KeyType.choices)
    notification_status = models.CharField(max_length=24, choices=NotificationStatus.choices)
    notification_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ft_notification_status"
        verbose_name = "notification status fact"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "bst_date",
                    "template_id",
                    "service_id",
                    "job_id",
                    "notification_type",
                    "key_type",
                    "notification_status",
                ],
                name="ft_notification_status_key",
            ),
        ]
        indexes = [
            models.Index(fields=["bst_date", "notification_type"], name="ft_status_date_type"),
            models.Index(fields=["service_id", "bst_date"], name="ft_status_service_date"),
            models.Index(fields=["job_id"], name="ft_status_job"),
        ]

    def __str__(self):
        return f"{self.bst_date} {self.notification_type} {self.notification_status}: {self.notification_count}"


class FactProcessingTime(models.Model):
    bst_date = models.DateField(primary_key=True)
    messages_total = models.PositiveIntegerField()
    messages_within_10_secs = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ft_processing_time"
        verbose_name = "processing time fact"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(messages_within_10_secs__lte=models.F("messages_total")),
                name="ft_processing_time_within_le_total",
            ),
        ]

    def __str__(self):
        return f"{self.bst_date}: {self.messages_within_10_secs}/{self.messages_total}"

    @property
    def percentage_under_10_seconds(self):
        # Notify shows a day with no messages as 100%.
        if not self.messages_total:
            return 100.0
        return self.messages_within_10_secs / self.messages_total * 100


class FactDailyTotal(models.Model):
    """Messages per London day and type (normal and team keys), kept by the status job.

    The page's all-time totals sum this small table (three rows a day) instead of the
    whole of ft_notification_status, which grows by thousands of rows a day.
    """

    bst_date = models.DateField()
    notification_type = models.CharField(max_length=8, choices=NotificationType.choices)
    notification_count = models.PositiveBigIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ft_daily_total"
        verbose_name = "daily total"
        constraints = [
            models.UniqueConstraint(fields=["bst_date", "notification_type"], name="ft_daily_total_key"),
        ]

    def __str__(self):
        return f"{self.bst_date} {self.notification_type}: {self.notification_count}"


class NightlyJobRun(models.Model):
    """When each nightly job last finished building each day: the page's freshness line."""

    class JobName(models.TextChoices):
        NOTIFICATION_STATUS = "notification_status", "Notification status facts"
        PROCESSING_TIME = "processing_time", "Processing time facts"

    job_name = models.CharField(max_length=32, choices=JobName.choices)
    bst_date = models.DateField()
    finished_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job_name", "bst_date"], name="nightly_job_run_key")]
        indexes = [models.Index(fields=["-finished_at"], name="nightly_job_run_finished")]

    def __str__(self):
        return f"{self.job_name} for {self.bst_date} at {self.finished_at:%Y-%m-%d %H:%M}"
