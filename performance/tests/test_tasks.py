import logging
from datetime import date
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.db import DatabaseError, OperationalError

from notifications.tests.factories import NotificationFactory
from performance import tasks
from performance.tests.facts import daily_total_table, london, processing_time_table
from services.tests.factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

NIGHT = london(2026, 11, 28, 0, 30)


def test_the_beat_task_queues_one_task_per_day_of_the_nightly_plan():
    everything = ["email", "letter", "sms"]
    with (
        time_machine.travel(NIGHT, tick=False),
        mock.patch.object(tasks.create_nightly_notification_status_for_day, "delay") as delay,
    ):
        tasks.create_nightly_notification_status()

    assert delay.call_args_list == [mock.call(f"2026-11-{day}", ["letter"]) for day in range(18, 24)] + [
        mock.call(f"2026-11-{day}", everything) for day in range(24, 28)
    ]


def test_a_day_task_builds_that_day():
    NotificationFactory(notification_type="sms", created_at=london(2026, 11, 27, 23, 59))

    tasks.create_nightly_notification_status_for_day.apply(args=["2026-11-27", ["sms"]], throw=True)
    tasks.create_nightly_notification_status_for_day.apply(args=["2026-11-26"], throw=True)

    assert daily_total_table() == [
        (date(2026, 11, 26), "email", 0),
        (date(2026, 11, 26), "letter", 0),
        (date(2026, 11, 26), "sms", 0),
        (date(2026, 11, 27), "sms", 1),
    ]


def test_processing_time_task_defaults_to_yesterday():
    created_at = london(2026, 11, 27, 0, 30)
    NotificationFactory(api_key=ApiKeyFactory(), created_at=created_at, sent_at=created_at)

    with time_machine.travel(london(2026, 11, 28, 2, 0), tick=False):
        tasks.save_daily_notification_processing_time.apply(throw=True)
    tasks.save_daily_notification_processing_time.apply(args=["2026-11-01"], throw=True)

    assert processing_time_table() == [(date(2026, 11, 1), 0, 0), (date(2026, 11, 27), 1, 1)]


@pytest.mark.parametrize(
    ("task", "action", "args", "job"),
    [
        (
            tasks.create_nightly_notification_status_for_day,
            "notification_status_facts_build",
            ["2026-11-27"],
            "Status facts",
        ),
        (
            tasks.save_daily_notification_processing_time,
            "processing_time_facts_build",
            ["2026-11-27"],
            "Processing time facts",
        ),
    ],
)
def test_a_database_failure_is_logged_with_its_day_and_retried(task, action, args, job, caplog):
    with (
        mock.patch.object(tasks.actions, action, side_effect=OperationalError("the database is restarting")),
        caplog.at_level(logging.ERROR, logger="performance.tasks"),
        pytest.raises(Retry),
    ):
        task.apply(args=args, throw=True)

    assert [r.getMessage() for r in caplog.records] == [f"{job} for 2026-11-27 failed (attempt 1 of 6)"]
    assert caplog.records[0].exc_info[0] is OperationalError


def test_the_nightly_tasks_back_off_before_retrying():
    for task in (tasks.create_nightly_notification_status_for_day, tasks.save_daily_notification_processing_time):
        assert task.autoretry_for == (DatabaseError,)
        assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter, task.max_retries) == (
            60,
            1800,
            True,
            5,
        )


def test_a_malformed_day_fails_at_once_without_retrying(caplog):
    with (
        caplog.at_level(logging.ERROR, logger="performance.tasks"),
        pytest.raises(ValueError, match="Invalid isoformat"),
    ):
        tasks.save_daily_notification_processing_time.apply(args=["27/11/2026"], throw=True)

    assert [r.getMessage() for r in caplog.records] == ["Processing time facts for 27/11/2026 failed (attempt 1 of 6)"]
