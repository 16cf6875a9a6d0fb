from datetime import date, timedelta

import pytest
import time_machine

from performance import days
from performance.tests.facts import london, utc


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        (date(2026, 6, 22), utc(2026, 6, 21, 23), utc(2026, 6, 22, 23), 24),
        (date(2026, 1, 15), utc(2026, 1, 15, 0), utc(2026, 1, 16, 0), 24),
        (date(2026, 3, 29), utc(2026, 3, 29, 0), utc(2026, 3, 29, 23), 23),
        (date(2026, 10, 25), utc(2026, 10, 24, 23), utc(2026, 10, 26, 0), 25),
    ],
)
def test_a_day_window_runs_from_london_midnight_to_london_midnight(day, start, end, hours):
    assert days.day_window(day) == (start, end)
    assert end - start == timedelta(hours=hours)


def test_the_london_date_of_a_moment():
    assert days.london_date(utc(2026, 6, 21, 23, 30)) == date(2026, 6, 22)
    assert days.london_date(utc(2026, 12, 21, 23, 30)) == date(2026, 12, 21)


def test_today_and_yesterday_are_london_days():
    # 21 June in UTC, but already the 22nd in London.
    with time_machine.travel(london(2026, 6, 22, 0, 30), tick=False):
        assert days.today() == date(2026, 6, 22)
        assert days.yesterday() == date(2026, 6, 21)
    assert days.yesterday(now=utc(2026, 1, 1, 0, 0)) == date(2025, 12, 31)


def test_last_days_and_days_between_run_oldest_first():
    with time_machine.travel(london(2026, 3, 2, 9, 0), tick=False):
        assert days.last_days(3) == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]
    assert days.last_days(2, end=date(2026, 1, 1)) == [date(2025, 12, 31), date(2026, 1, 1)]
    assert days.days_between(date(2026, 2, 27), date(2026, 3, 1)) == days.last_days(3, end=date(2026, 3, 1))
    assert days.days_between(date(2026, 3, 1), date(2026, 2, 27)) == []


def test_parse_day_takes_only_yyyy_mm_dd():
    assert days.parse_day(" 2026-06-22 ") == date(2026, 6, 22)
    for bad in ("2026-13-01", "2026-02-30", "20260622", "22/06/2026", "yesterday", ""):
        with pytest.raises(ValueError, match=r"is not a date: use YYYY-MM-DD, for example 2026-06-22"):
            days.parse_day(bad)
