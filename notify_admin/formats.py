"""How dates and times read on every page, in the GOV.UK style and London time."""

from django.utils import timezone


def govuk_time(moment):
    """2:00am, 12:30pm (Django's "a" format gives "a.m.")."""
    local = timezone.localtime(moment)
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
