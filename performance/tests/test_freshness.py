"""Replays the bug this project exists to beat, through the nightly commands.

Notify cached a window at 00:01 whose newest day had no facts yet and kept showing it
for an hour after each nightly job. Here each job's day is on the very next view.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from notifications.tests.factories import NotificationFactory
from performance import actions, tasks
from services.models import KeyType
from services.tests.factories import ApiKeyFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return datetime(*args, tzinfo=LONDON)


def notification_sent_on(day, key):
    created = london(day.year, day.month, day.day, 12, 0)
    NotificationFactory(api_key=key, created_at=created, sent_at=created + timedelta(seconds=2), status="delivered")


def dates(rows):
    return [row["date"] for row in rows]


def run_by_command(name):
    call_command(name)


def run_by_celery_task(name):
    # Eager here; the same task a beat-driven worker runs.
    getattr(tasks, name).delay()


@pytest.mark.parametrize("run_job", [run_by_command, run_by_celery_task])
def test_each_nightly_job_shows_on_the_next_view_however_recently_cached(client, settings, run_job):
    settings.CACHE_TTL = 3600
    settings.CELERY_TASK_ALWAYS_EAGER = True
    key = ApiKeyFactory(service=ServiceFactory(live=True), key_type=KeyType.NORMAL)
    for offset in range(7):
        notification_sent_on(date(2026, 11, 16) + timedelta(days=offset), key)  # the 16th to the 22nd
    with time_machine.travel(london(2026, 11, 22, 3, 0), tick=False):
        for day in range(16, 22):  # facts through the 21st
            actions.notification_status_facts_build(day=date(2026, 11, day))
            actions.processing_time_facts_build(day=date(2026, 11, day))

    def visit():
        response = client.get("/features/performance.json")
        assert response.status_code == 200
        return response.json()

    with time_machine.travel(london(2026, 11, 23, 0, 1), tick=False) as clock:
        stats = visit()  # caches the window 16th-22nd before the 22nd is built
        assert dates(stats["notifications_by_type"])[-1] == "2026-11-21"
        assert dates(stats["processing_time"])[-1] == "2026-11-21"
        assert stats["total_notifications"] == 6

        clock.move_to(london(2026, 11, 23, 0, 30))
        run_job("create_nightly_notification_status")

        clock.move_to(london(2026, 11, 23, 0, 31))
        stats = visit()
        assert stats["notifications_by_type"][-1] == {"date": "2026-11-22", "emails": 1, "sms": 0, "letters": 0}
        assert stats["total_notifications"] == 7
        assert dates(stats["processing_time"])[-1] == "2026-11-21"  # its job has not run yet

        clock.move_to(london(2026, 11, 23, 2, 0))
        run_job("save_daily_notification_processing_time")

        clock.move_to(london(2026, 11, 23, 2, 1))
        stats = visit()
        assert stats["processing_time"][-1] == {"date": "2026-11-22", "percentage_under_10_seconds": 100.0}
        assert len(stats["processing_time"]) == 7
        html = client.get("/features/performance").content.decode()
        assert "Data up to 22 November 2026, updated 23 November 2026 at 2:00am." in html
