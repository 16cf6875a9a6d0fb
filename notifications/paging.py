"""Keyset ("seek") pagination for the history lists: 50 a page, next and previous.

Why keyset rather than ``OFFSET``: a live service keeps up to 250,000 messages a day for
up to 90 days, and ``OFFSET 500000`` still reads and throws away half a million index
entries, so deep pages get slower the further one goes. A page here starts from the last
row the visitor saw (``created_at < x``, or ``= x`` with a smaller id), which the
``(service, -created_at)`` index answers at the same cost on every page. It also keeps
pages stable while new messages arrive: with offsets every new message shifts each
page by one, showing a row twice. It needs no ``COUNT(*)`` over the whole history
either. What it gives up, "page 7 of 120", Notify's pages do not show.

A cursor names a row by its ordering values (an opaque, URL-safe string). A cursor that
cannot be read, or that leads to no rows, shows the first page: bad input never fails.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils import timezone

PAGE_SIZE = 50


@dataclass
class Page:
    items: list = field(default_factory=list)
    # Pass as ?after= for the next (older) page, ?before= for the previous (newer) one.
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.previous_cursor)


class InvalidCursor(ValueError):
    pass


def keyset_page(queryset, *, ordering, after=None, before=None, size=PAGE_SIZE):
    """One page of ``queryset`` in ``ordering`` (which must end in a unique field).

    ``after``: the rows following that cursor; ``before``: the rows preceding it; neither:
    the first page.
    """
    fields = _ordering_fields(queryset.model, ordering)
    try:
        if after:
            page = _page_after(queryset, fields, ordering, decode_cursor(after, fields), size)
            if page.items:
                return page
        elif before:
            page = _page_before(queryset, fields, ordering, decode_cursor(before, fields), size)
            if page is not None:
                return page
    except InvalidCursor:
        pass
    return _first_page(queryset, fields, ordering, size)


def _first_page(queryset, fields, ordering, size):
    rows = list(queryset.order_by(*ordering)[: size + 1])
    return Page(items=rows[:size], next_cursor=encode_cursor(rows[size - 1], fields) if len(rows) > size else None)


def _page_after(queryset, fields, ordering, values, size):
    rows = list(queryset.filter(_seek(fields, values, forward=True)).order_by(*ordering)[: size + 1])
    items = rows[:size]
    return Page(
        items=items,
        next_cursor=encode_cursor(items[-1], fields) if len(rows) > size else None,
        previous_cursor=encode_cursor(items[0], fields) if items else None,
    )


def _page_before(queryset, fields, ordering, values, size):
    reverse = [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]
    rows = list(queryset.filter(_seek(fields, values, forward=False)).order_by(*reverse)[: size + 1])
    if len(rows) <= size:
        # Fewer than a page of newer rows: that is the first page, which also fills up
        # with the rows that follow them.
        return None
    items = rows[:size][::-1]
    return Page(
        items=items, next_cursor=encode_cursor(items[-1], fields), previous_cursor=encode_cursor(items[0], fields)
    )


def _ordering_fields(model, ordering):
    fields = []
    for name in ordering:
        descending = name.startswith("-")
        name = name.lstrip("-")
        try:
            fields.append((name, descending, model._meta.get_field(name)))
        except FieldDoesNotExist as error:
            raise ValueError(f"keyset_page orders by model fields only, not {name!r}") from error
    return fields


def _seek(fields, values, *, forward):
    """Rows strictly after (``forward``) or before the row with ``values``, in order.

    Lexicographic: ``a < x OR (a = x AND b < y)``; the leading ``a <= x`` repeats the first
    column on its own so that the database can use it as an index range instead of
    filtering every row.
    """
    condition = None
    for (name, descending, _), value in reversed(list(zip(fields, values, strict=True))):
        strict = Q(**{f"{name}__{'lt' if descending == forward else 'gt'}": value})
        condition = strict if condition is None else strict | (Q(**{name: value}) & condition)
    first_name, first_descending, _ = fields[0]
    bound = Q(**{f"{first_name}__{'lte' if first_descending == forward else 'gte'}": values[0]})
    return bound & condition


def encode_cursor(row, fields):
    values = []
    for _name, _, model_field in fields:
        value = getattr(row, model_field.attname)
        values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor, fields):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor(cursor) from error
    if not isinstance(values, list) or len(values) != len(fields) or not all(isinstance(v, str) for v in values):
        raise InvalidCursor(cursor)
    try:
        parsed = [model_field.to_python(value) for (_, _, model_field), value in zip(fields, values, strict=True)]
    except ValidationError as error:
        raise InvalidCursor(cursor) from error
    for value in parsed:
        # A hand-made cursor must not reach the database as a naive datetime (Django
        # warns) or an integer no column can hold (SQLite raises OverflowError).
        if value is None or (isinstance(value, datetime) and timezone.is_naive(value)):
            raise InvalidCursor(cursor)
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise InvalidCursor(cursor)
        if isinstance(value, datetime):
            # Nor as a time that exists only in its own offset: 0001-01-01T00:00+14:00
            # is before year 1 in UTC, and converting it raises OverflowError.
            try:
                value.astimezone(UTC)
            except OverflowError as error:
                raise InvalidCursor(cursor) from error
    return parsed
