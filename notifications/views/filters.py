"""The query-string filters of the history lists: status, search and page cursor."""

from urllib.parse import urlencode

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from ..queries import STATUS_FILTERS

STATUS_LABELS = {"total": "Total", "sending": "Sending", "delivered": "Delivered", "failed": "Failed"}
SEARCH_MAX_LENGTH = 320  # the longest email address; no recipient or reference is longer
CURSOR_MAX_LENGTH = 500  # a real cursor is under 100 characters


class LinkParameterField(forms.CharField):
    """A value the pages' own links carry, never typed: the form's ``clean_<name>`` maps
    anything unexpected to the default, so it has no error of its own to show (not even
    CharField's "Null characters are not allowed", whose summary link would lead nowhere,
    as these fields have no input on the page)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class HistoryFilterForm(forms.Form):
    status = LinkParameterField()
    search = forms.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        label="Search by recipient or reference",
        error_messages={"max_length": f"Search for {SEARCH_MAX_LENGTH} characters or fewer"},
    )
    after = LinkParameterField()
    before = LinkParameterField()

    def clean_status(self):
        # A link parameter, not something typed: an unknown value means the whole list.
        status = self.cleaned_data["status"]
        return status if status in STATUS_FILTERS else "total"

    def _cursor(self, name):
        # Link parameters too: one no page could have made means the first page, not an error.
        value = self.cleaned_data[name]
        return value if len(value) <= CURSOR_MAX_LENGTH and "\x00" not in value else ""

    def clean_after(self):
        return self._cursor("after")

    def clean_before(self):
        return self._cursor("before")

    def filters(self):
        """``{status, search, after, before}``; a bad field falls back to no filter."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "status": cleaned.get("status") or "total",
            "search": cleaned.get("search") or "",
            "after": cleaned.get("after") or None,
            "before": cleaned.get("before") or None,
        }


def query_string(**params):
    """``?a=1&b=2`` from the non-empty ``params`` ("" when none); ``status=total`` is the default."""
    kept = {key: value for key, value in params.items() if value and not (key == "status" and value == "total")}
    return f"?{urlencode(kept)}" if kept else ""


def status_tabs(*, base_url, status, search=""):
    return [
        {"label": label, "url": base_url + query_string(status=key, search=search), "selected": key == status}
        for key, label in STATUS_LABELS.items()
    ]


def pagination(page, *, base_url, **params):
    """Next/previous links of a keyset page, keeping the other filters."""
    return {
        "next_url": base_url + query_string(**params, after=page.next_cursor) if page.next_cursor else None,
        "previous_url": base_url + query_string(**params, before=page.previous_cursor)
        if page.previous_cursor
        else None,
    }
