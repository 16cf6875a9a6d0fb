"""The Celery app. Workers: `celery -A notify_admin worker`; beat: `celery -A notify_admin beat`."""

import os

from celery import Celery
from celery.schedules import crontab
from django.core.signals import setting_changed
from django.dispatch import receiver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")

app = Celery("notify_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@receiver(setting_changed)
def _follow_overridden_settings(setting, value, **kwargs):
    # Celery copies the CELERY_* settings once, on first use; a test's override (say
    # CELERY_TASK_ALWAYS_EAGER) must reach it whichever test happened to use it first.
    if setting.startswith("CELERY_"):
        app.conf[setting.removeprefix("CELERY_").lower()] = value


# The night, on London time (CELERY_TIMEZONE), in Notify's order: time out stuck messages
# before the status facts count them, build status facts, then processing time, and only
# then let retention delete the notifications the facts now stand for. None runs between
# 01:00 and 02:00, the hour that is skipped in March and happens twice in October.
app.conf.beat_schedule = {
    "timeout-sending-notifications": {
        "task": "notifications.tasks.timeout_notifications",
        "schedule": crontab(hour=0, minute=5),
    },
    "create-nightly-notification-status": {
        "task": "performance.tasks.create_nightly_notification_status",
        "schedule": crontab(hour=0, minute=30),
    },
    "save-daily-notification-processing-time": {
        "task": "performance.tasks.save_daily_notification_processing_time",
        "schedule": crontab(hour=2, minute=0),
    },
    "delete-notifications-older-than-retention": {
        "task": "notifications.tasks.delete_notifications_older_than_retention",
        "schedule": crontab(hour=3, minute=0),
    },
    "delete-job-files-older-than-retention": {
        "task": "notifications.tasks.delete_job_files_older_than_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    # Not nightly: starts scheduled jobs on the hour and resumes stuck sending.
    "sweep-sending": {
        "task": "notifications.tasks.sweep_sending",
        "schedule": crontab(minute="*"),
    },
}
