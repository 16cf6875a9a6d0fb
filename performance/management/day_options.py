"""The day options shared by the nightly fact commands: ``--day`` or ``--start/--end``."""

from django.core.management.base import CommandError

from performance import days


def add_day_arguments(parser, *, default_help):
    parser.add_argument("--day", metavar="YYYY-MM-DD", help=f"One London day to build. {default_help}")
    parser.add_argument("--start", metavar="YYYY-MM-DD", help="Backfill from this London day...")
    parser.add_argument("--end", metavar="YYYY-MM-DD", help="...to this one, inclusive (default: yesterday).")


def days_from_options(options):
    """The days asked for, oldest first, or None when no day option was given.

    Raises CommandError on input that cannot be a complete London day.
    """
    day, start, end = options.get("day"), options.get("start"), options.get("end")
    if day and (start or end):
        raise CommandError("Give either --day or --start/--end, not both.")
    if end and not start:
        raise CommandError("--end needs --start.")
    yesterday = days.yesterday()
    if day:
        chosen = [_parse("--day", day)]
    elif start:
        first = _parse("--start", start)
        last = _parse("--end", end) if end else yesterday
        if first > last:
            raise CommandError(f"--start {first} is after --end {last}.")
        chosen = days.days_between(first, last)
    else:
        return None
    if chosen[-1] > yesterday:
        raise CommandError(
            f"{chosen[-1]} is not over yet in London: facts are built for whole days, up to yesterday ({yesterday})."
        )
    return chosen


def _parse(option, value):
    try:
        return days.parse_day(value)
    except ValueError as error:
        raise CommandError(f"{option}: {error}") from None
