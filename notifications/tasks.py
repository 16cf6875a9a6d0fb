"""Celery tasks for notifications: thin wrappers over notifications.actions."""

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from notifications import actions
from notifications.sending import delivery, files, jobs, sweeper
from performance import days
from performance.tasks import NIGHTLY_RETRY, failure_logged

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------
# Nightly jobs (scheduled in notify_admin/celery.py). Both sweep in batches that each
# commit, so a retry after a failure carries on where the last batch ended.
# ---------------------------------------------------------------------------------------


@shared_task(bind=True, **NIGHTLY_RETRY)
def timeout_notifications(self):
    """Beat, 00:05 London: sending/pending after 3 days becomes temporary-failure."""
    with failure_logged(self, "Timing out notifications", days.today()):
        actions.notifications_time_out()


@shared_task(bind=True, **NIGHTLY_RETRY)
def delete_notifications_older_than_retention(self):
    """Beat, 03:00 London, after the status facts: delete what retention lets go."""
    with failure_logged(self, "Deleting notifications past retention", days.today()):
        actions.notifications_delete_older_than_retention()


# ---------------------------------------------------------------------------------------
# Sending (notifications.sending). Every task is safe to run twice or at once with
# itself (acks_late is on for all tasks): a lost worker's tasks are simply redelivered.
# Database hiccups are retried here; provider failures are retried by delivery itself.
# ---------------------------------------------------------------------------------------

SENDING_RETRY = {
    "acks_late": True,  # as every task here (settings), said where it matters most
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 10,
}


@shared_task(**SENDING_RETRY)
def process_job(job_id):
    """Start a pending (or due scheduled) job and create its notifications."""
    jobs.job_process(job_id=job_id)


@shared_task(**SENDING_RETRY)
def resume_job(job_id, stuck_before):
    """The sweeper found this job in progress but not moving: add its missing rows."""
    jobs.job_resume(job_id=job_id, stuck_before=datetime.fromisoformat(stuck_before))


@shared_task(**SENDING_RETRY)
def deliver_notifications(notification_ids, attempt=0):
    """Send those of ``notification_ids`` still created; failures come back later."""
    result = delivery.notifications_deliver(notification_ids=notification_ids, attempt=attempt)
    if result.retry:
        deliver_notifications.apply_async(
            ([str(pk) for pk in result.retry],), {"attempt": attempt + 1}, countdown=settings.DELIVERY_RETRY_DELAY
        )
    if result.receipts:
        # The dev providers' receipts, a little later as a real provider's would come.
        apply_delivery_receipts.apply_async((result.receipts,), countdown=settings.DEV_RECEIPT_DELAY)


@shared_task(**SENDING_RETRY)
def apply_delivery_receipts(receipts):
    """``[(notification id, status)]`` from a provider (or the dev providers' simulation)."""
    delivery.notifications_receipts_apply(receipts=receipts)


@shared_task(**SENDING_RETRY)
def sweep_sending():
    """Beat, every minute: start due scheduled jobs, resume stuck jobs and notifications."""
    sweeper.sending_sweep()


@shared_task(bind=True, **NIGHTLY_RETRY)
def delete_job_files_older_than_retention(self):
    """Beat, 03:15 London: uploaded files past retention, and uploads never sent."""
    with failure_logged(self, "Deleting job files past retention", days.today()):
        files.job_files_delete_older_than_retention()
