"""Celery tasks for the nightly fact tables: thin wrappers over performance.actions.

Days travel as ISO strings (``"2026-06-22"``), the form a task message carries.
"""

import logging
from contextlib import contextmanager
from datetime import date

from celery import shared_task
from django.db import DatabaseError

from performance import actions, days

logger = logging.getLogger(__name__)

# Each build replaces whole days, so running it again after a failure is always safe. A
# database that is down or restarting is the failure worth waiting for: 1, 2, 4, 8 and
# 16 minutes (jittered), then give up and leave the day to tomorrow's run or a backfill.
NIGHTLY_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@contextmanager
def failure_logged(task, job, day):
    """Log which job failed on which day (and which attempt) before Celery retries it."""
    try:
        yield
    except Exception:
        logger.exception(
            "%s for %s failed (attempt %d of %d)", job, day, task.request.retries + 1, task.max_retries + 1
        )
        raise


@shared_task
def create_nightly_notification_status():
    """Beat, 00:30 London: one task per day of the nightly plan, so one bad day does not
    hold up the others, and each retries on its own."""
    for day, types in actions.status_fact_days_default():
        create_nightly_notification_status_for_day.delay(day.isoformat(), types)


@shared_task(bind=True, **NIGHTLY_RETRY)
def create_nightly_notification_status_for_day(self, day, notification_types=None):
    with failure_logged(self, "Status facts", day):
        actions.notification_status_facts_build(day=date.fromisoformat(day), notification_types=notification_types)


@shared_task(bind=True, **NIGHTLY_RETRY)
def save_daily_notification_processing_time(self, day=None):
    """Beat, 02:00 London: yesterday's processing time (or ``day``'s)."""
    day = day or days.yesterday().isoformat()
    with failure_logged(self, "Processing time facts", day):
        actions.processing_time_facts_build(day=date.fromisoformat(day))
