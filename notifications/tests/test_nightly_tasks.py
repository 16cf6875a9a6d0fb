import logging
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.db import OperationalError

from notifications import tasks
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from performance.actions import notification_status_facts_build
from performance.tests.facts import london

pytestmark = pytest.mark.django_db


def test_timeout_task():
    now = london(2026, 6, 22, 0, 5)
    NotificationFactory(status="pending", notification_type="sms", created_at=now - timedelta(days=3, seconds=1))

    with time_machine.travel(now, tick=False):
        tasks.timeout_notifications.apply(throw=True)

    assert list(Notification.objects.values_list("status", flat=True)) == ["temporary-failure"]


def test_retention_task():
    old = NotificationFactory(created_at=london(2026, 6, 20, 12))
    notification_status_facts_build(day=old.created_at.date())

    with time_machine.travel(london(2026, 6, 28, 3, 0), tick=False):
        tasks.delete_notifications_older_than_retention.apply(throw=True)

    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("task", "action", "job"),
    [
        (tasks.timeout_notifications, "notifications_time_out", "Timing out notifications"),
        (
            tasks.delete_notifications_older_than_retention,
            "notifications_delete_older_than_retention",
            "Deleting notifications past retention",
        ),
    ],
)
def test_a_failed_sweep_is_logged_with_its_day_and_retried(task, action, job, caplog):
    with (
        time_machine.travel(london(2026, 6, 22, 0, 5), tick=False),
        mock.patch.object(tasks.actions, action, side_effect=OperationalError("gone away")),
        caplog.at_level(logging.ERROR),
        pytest.raises(Retry),
    ):
        task.apply(throw=True)

    assert [r.getMessage() for r in caplog.records] == [f"{job} for 2026-06-22 failed (attempt 1 of 6)"]
