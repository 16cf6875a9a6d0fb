from django import template

from .. import queries

register = template.Library()


@register.filter
def status_group(status):
    """``sending``, ``delivered`` or ``failed``: the group the history pages put ``status`` in."""
    return queries.status_group(status)
