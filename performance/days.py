"""London days, as the fact tables and the performance page count them.

A notification belongs to the Europe/London calendar date of its ``created_at``. A day's
window is ``[London midnight, next London midnight)`` in UTC, so it lasts 23 hours on
the spring clock change and 25 on the autumn one; never add ``timedelta(days=1)`` to a
UTC midnight instead.

    >>> day_window(date(2026, 6, 22))
    (datetime(2026, 6, 21, 23, 0, tzinfo=UTC), datetime(2026, 6, 22, 23, 0, tzinfo=UTC))
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def london_midnight(day):
    """The UTC instant at which London ``day`` starts."""
    # London changes its clocks at 01:00 UTC, never at midnight, so midnight always exists
    # exactly once and this needs no fold handling.
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def day_window(day):
    """``(start, end)`` in UTC for London ``day``: ``start <= created_at < end``."""
    return london_midnight(day), london_midnight(day + timedelta(days=1))


def london_date(moment):
    """The London calendar date of an aware datetime."""
    return moment.astimezone(LONDON).date()


def today(*, now=None):
    """Today's London date (``now`` defaults to the current time)."""
    return london_date(now or timezone.now())


def yesterday(*, now=None):
    return today(now=now) - timedelta(days=1)


def last_days(count, *, end=None):
    """``count`` London days ending with ``end`` (default yesterday), oldest first."""
    end = end or yesterday()
    return [end - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def days_between(start, end):
    """Every day from ``start`` to ``end`` inclusive, oldest first (empty if start > end)."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def parse_day(value):
    """A ``YYYY-MM-DD`` string as a date; ValueError with a message fit for a user otherwise."""
    # fromisoformat alone also takes "20260622" and week dates; operators should type one form.
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a date: use YYYY-MM-DD, for example 2026-06-22")
