from datetime import timedelta

import pytest
import time_machine
from celery.schedules import crontab

from notify_admin.celery import app
from performance.tests.facts import london

NIGHT = [
    ("timeout-sending-notifications", "notifications.tasks.timeout_notifications", 0, 5),
    ("create-nightly-notification-status", "performance.tasks.create_nightly_notification_status", 0, 30),
    ("save-daily-notification-processing-time", "performance.tasks.save_daily_notification_processing_time", 2, 0),
    (
        "delete-notifications-older-than-retention",
        "notifications.tasks.delete_notifications_older_than_retention",
        3,
        0,
    ),
]


# Besides these: the sending sweep and the uploaded files' retention (tested in
# notifications/tests/test_job_processing_sweeper.py).
SENDING = ["sweep-sending", "delete-job-files-older-than-retention"]


def test_beat_runs_exactly_the_nightly_jobs_and_the_sending_sweep():
    assert sorted(app.conf.beat_schedule) == sorted([*(name for name, *_ in NIGHT), *SENDING])


@pytest.mark.parametrize(("name", "task", "hour", "minute"), NIGHT)
def test_each_nightly_job_runs_daily_at_its_time(name, task, hour, minute):
    entry = app.conf.beat_schedule[name]
    app.loader.import_default_modules()

    assert entry["task"] == task
    assert task in app.tasks
    assert entry["schedule"] == crontab(hour=hour, minute=minute)


@pytest.mark.parametrize(("name", "task", "hour", "minute"), NIGHT)
@pytest.mark.parametrize(
    ("midnight", "hours_until_3am"),
    [
        (london(2026, 6, 22), 3),  # BST: London midnight is 23:00 UTC
        (london(2026, 1, 15), 3),
        (london(2026, 3, 29), 2),  # clocks go forward at 01:00
        (london(2026, 10, 25), 4),  # clocks go back at 02:00
    ],
)
def test_the_schedule_follows_london_clocks(name, task, hour, minute, midnight, hours_until_3am):
    schedule = app.conf.beat_schedule[name]["schedule"]
    schedule.app = app
    last_run = london(midnight.year, midnight.month, midnight.day - 1, hour, minute)

    with time_machine.travel(midnight, tick=False):
        remaining = schedule.remaining_estimate(last_run)

    wall_clock = timedelta(hours=hour, minutes=minute)
    # Only the hour skipped or repeated between midnight and the run changes the wait.
    shift = timedelta(hours=hours_until_3am - 3) if hour >= 2 else timedelta(0)
    assert remaining == wall_clock + shift


def test_a_settings_override_reaches_celery_even_after_first_use(settings):
    original = settings.CELERY_TASK_ALWAYS_EAGER
    assert app.conf.task_always_eager is original  # Celery has read its settings by now

    settings.CELERY_TASK_ALWAYS_EAGER = not original
    assert app.conf.task_always_eager is (not original)

    settings.CELERY_TASK_ALWAYS_EAGER = original
    assert app.conf.task_always_eager is original
