from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from performance.actions import notification_status_facts_build
from performance.tests.facts import london

pytestmark = pytest.mark.django_db


def run(command, now):
    out = StringIO()
    with time_machine.travel(now, tick=False):
        call_command(command, stdout=out)
    return out.getvalue()


def test_timeout_sending_notifications():
    now = london(2026, 6, 22, 0, 5)
    stale = NotificationFactory(status="sending", created_at=now - timedelta(days=4))
    fresh = NotificationFactory(status="sending", created_at=now - timedelta(days=1))

    assert run("timeout_sending_notifications", now) == "Timed out 1 notifications.\n"

    assert dict(Notification.objects.values_list("id", "status")) == {
        stale.id: "temporary-failure",
        fresh.id: "sending",
    }


def test_delete_notifications_older_than_retention():
    for day in (18, 19, 20, 21):
        NotificationFactory(created_at=london(2026, 6, day, 12))
    for day in (19, 20, 21):
        notification_status_facts_build(day=date(2026, 6, day))

    out = run("delete_notifications_older_than_retention", london(2026, 6, 28, 3, 0))

    assert out.splitlines() == [
        "2026-06-19 email: deleted 1",
        "2026-06-20 email: deleted 1",
        "2026-06-18 email: kept, its status facts are not built",
        "Deleted 2 notifications.",
    ]
    assert sorted(n.created_at for n in Notification.objects.all()) == [
        london(2026, 6, 18, 12),
        london(2026, 6, 21, 12),
    ]
