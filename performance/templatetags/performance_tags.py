from datetime import date, datetime

from django import template

from notify_admin import formats

register = template.Library()

SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"))


@register.filter
def big_number(value):
    """Counts as Notify's performance page shows them: 999,999 then 1.2 million, 3.4 billion."""
    for size, word in SCALES:
        if value >= size:
            return f"{value / size:.1f}".removesuffix(".0") + f" {word}"
    return f"{value:,}"


@register.filter
def iso_date(value):
    """A ``YYYY-MM-DD`` string from the stats as a date, for the date filter."""
    return date.fromisoformat(value) if value else None


@register.filter
def iso_datetime(value):
    return datetime.fromisoformat(value) if value else None


@register.filter
def govuk_time(value):
    return formats.govuk_time(value) if value else ""


@register.filter
def percentage(value):
    return f"{value:.2f}%"
