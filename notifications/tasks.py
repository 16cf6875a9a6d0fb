"""Celery tasks for notifications: thin wrappers over notifications.actions."""

import logging

from celery import shared_task

from notifications import actions
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
