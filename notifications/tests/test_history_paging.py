"""notifications.paging: keyset pages, their edges and hand-made cursors."""

import base64
import json

import pytest

from notifications.models import Notification
from notifications.paging import decode_cursor, encode_cursor, keyset_page
from notifications.tests.factories import JobFactory, NotificationFactory

pytestmark = pytest.mark.django_db

ORDERING = ("job_row_number", "id")


def cursor_of(*values):
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.fixture
def job_rows():
    job = JobFactory(notification_count=7)
    for row in range(7):
        NotificationFactory(job=job, job_row_number=row)
    return Notification.objects.filter(job=job)


def rows(page):
    return [n.job_row_number for n in page.items]


def test_walk_forward_and_back_in_ascending_order(job_rows):
    first = keyset_page(job_rows, ordering=ORDERING, size=3)
    assert rows(first) == [0, 1, 2]
    assert first.previous_cursor is None
    second = keyset_page(job_rows, ordering=ORDERING, after=first.next_cursor, size=3)
    assert rows(second) == [3, 4, 5]
    last = keyset_page(job_rows, ordering=ORDERING, after=second.next_cursor, size=3)
    assert rows(last) == [6]
    assert last.next_cursor is None
    assert rows(keyset_page(job_rows, ordering=ORDERING, before=last.previous_cursor, size=3)) == [3, 4, 5]
    back = keyset_page(job_rows, ordering=ORDERING, before=second.previous_cursor, size=3)
    assert rows(back) == [0, 1, 2]
    assert back.previous_cursor is None
    assert not keyset_page(job_rows.none(), ordering=ORDERING).has_other_pages


def test_a_cursor_past_the_end_shows_the_first_page(job_rows):
    beyond = cursor_of("99", "00000000-0000-0000-0000-000000000000")
    page = keyset_page(job_rows, ordering=ORDERING, after=beyond, size=3)
    assert rows(page) == [0, 1, 2]


def test_cursor_round_trip(job_rows):
    row = job_rows.get(job_row_number=4)
    fields = [(name, False, Notification._meta.get_field(name)) for name in ("job_row_number", "id", "created_at")]
    assert decode_cursor(encode_cursor(row, fields), fields) == [4, row.id, row.created_at]


@pytest.mark.parametrize(
    "cursor",
    [
        cursor_of("2026-06-28T10:00:00", "00000000-0000-0000-0000-000000000000"),  # naive time
        cursor_of("2026-13-45T10:00:00+00:00", "00000000-0000-0000-0000-000000000000"),  # no such date
        cursor_of("2026-06-28T10:00:00+00:00", "not-a-uuid"),
        # times that are outside the years a datetime holds once converted to UTC
        cursor_of("0001-01-01T00:00:00+14:00", "00000000-0000-0000-0000-000000000000"),
        cursor_of("9999-12-31T23:59:59-12:00", "00000000-0000-0000-0000-000000000000"),
        cursor_of("2026-06-28T10:00:00+00:00"),  # too few values
        cursor_of(1, 2),  # not strings
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        "!!!",
    ],
)
def test_hand_made_cursors_show_the_first_page(cursor):
    made = [NotificationFactory() for _ in range(2)]
    queryset = Notification.objects.all()
    for param in ("after", "before"):
        page = keyset_page(queryset, ordering=("-created_at", "-id"), size=1, **{param: cursor})
        assert page.items == [sorted(made, key=lambda n: (n.created_at, n.id))[-1]]


def test_an_integer_no_column_holds_is_refused(job_rows):
    page = keyset_page(job_rows, ordering=ORDERING, after=cursor_of(str(2**70), "00000000-0000-0000-0000-000000000000"))
    assert rows(page) == list(range(7))


def test_ordering_must_name_fields():
    with pytest.raises(ValueError, match="model fields only"):
        keyset_page(Notification.objects.all(), ordering=("-nonsense",))
