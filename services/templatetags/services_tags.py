from django import template

from ..forms import PERMISSION_LABELS

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def permission_label(name):
    return PERMISSION_LABELS.get(name, name)
