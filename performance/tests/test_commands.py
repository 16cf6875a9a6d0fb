from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from notifications.tests.factories import NotificationFactory
from performance.tests.facts import daily_total_table, job_run_table, london, processing_time_table
from services.tests.factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

NIGHT = london(2026, 11, 28, 0, 30)


def run(command, *args):
    out = StringIO()
    with time_machine.travel(NIGHT, tick=False):
        call_command(command, *args, stdout=out)
    return out.getvalue()


def test_status_facts_by_default_rebuild_four_days_of_everything_and_ten_of_letters():
    for day in (17, 18, 23, 24, 27, 28):
        NotificationFactory(created_at=london(2026, 11, day, 12))
        NotificationFactory(notification_type="letter", created_at=london(2026, 11, day, 12))

    out = run("create_nightly_notification_status")

    letters_only = [(date(2026, 11, day), "letter", int(day in (18, 23))) for day in range(18, 24)]
    everything = [
        (date(2026, 11, day), notification_type, int(day in (24, 27)) * (notification_type != "sms"))
        for day in range(24, 28)
        for notification_type in ("email", "letter", "sms")
    ]
    assert daily_total_table() == sorted(letters_only + everything)
    assert job_run_table() == [("notification_status", date(2026, 11, day), NIGHT) for day in range(18, 28)]
    assert out.splitlines()[0] == "[1/10] 2026-11-18: 1 letter"
    assert out.splitlines()[-1] == "[10/10] 2026-11-27: 1 email, 1 letter, 0 sms"


def test_status_facts_for_one_day_or_a_range():
    NotificationFactory(created_at=london(2026, 3, 29, 1, 30))

    assert run("create_nightly_notification_status", "--day", "2026-03-29") == (
        "[1/1] 2026-03-29: 1 email, 0 letter, 0 sms\n"
    )
    out = run("create_nightly_notification_status", "--start", "2026-03-28", "--end", "2026-03-30")

    assert out.splitlines() == [
        "[1/3] 2026-03-28: 0 email, 0 letter, 0 sms",
        "[2/3] 2026-03-29: 1 email, 0 letter, 0 sms",
        "[3/3] 2026-03-30: 0 email, 0 letter, 0 sms",
    ]
    assert [row for row in daily_total_table() if row[2]] == [(date(2026, 3, 29), "email", 1)]


def test_a_backfill_without_end_runs_to_yesterday():
    out = run("save_daily_notification_processing_time", "--start", "2026-11-25")

    assert [line.split(":")[0] for line in out.splitlines()] == [
        "[1/3] 2026-11-25",
        "[2/3] 2026-11-26",
        "[3/3] 2026-11-27",
    ]


def test_processing_time_by_default_saves_yesterday():
    key = ApiKeyFactory()
    created_at = london(2026, 11, 27, 23, 59)
    NotificationFactory(api_key=key, created_at=created_at, sent_at=created_at)
    NotificationFactory(api_key=key, created_at=created_at)

    out = run("save_daily_notification_processing_time")

    assert out == "[1/1] 2026-11-27: 1 of 2 within 10 seconds (50.00%)\n"
    assert processing_time_table() == [(date(2026, 11, 27), 2, 1)]
    assert run("save_daily_notification_processing_time", "--day", "2026-11-01") == (
        "[1/1] 2026-11-01: 0 of 0 within 10 seconds (100.00%)\n"
    )


@pytest.mark.parametrize("command", ["create_nightly_notification_status", "save_daily_notification_processing_time"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2026-02-30"], "--day: '2026-02-30' is not a date: use YYYY-MM-DD, for example 2026-06-22"),
        (["--day", "27/11/2026"], "--day: '27/11/2026' is not a date: use YYYY-MM-DD"),
        (["--start", "2026-11-01", "--end", "soon"], "--end: 'soon' is not a date"),
        (["--day", "2026-11-28"], "2026-11-28 is not over yet in London: facts are built for whole days, up to"),
        (["--start", "2026-11-20", "--end", "2026-11-29"], "2026-11-29 is not over yet in London"),
        (["--start", "2026-11-20", "--end", "2026-11-19"], "--start 2026-11-20 is after --end 2026-11-19."),
        (["--day", "2026-11-20", "--start", "2026-11-19"], "Give either --day or --start/--end, not both."),
        (["--end", "2026-11-19"], "--end needs --start."),
    ],
)
def test_bad_days_are_refused_before_anything_is_built(command, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(command, *args)
    assert job_run_table() == []
