"""The two nightly sweeps over notifications: time out, and delete after retention."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import actions
from notifications.models import Job, Notification
from notifications.tests.factories import JobFactory, NotificationFactory
from performance.actions import notification_status_facts_build
from performance.tests.facts import london, status_table
from services.tests.factories import ServiceFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def notification_table():
    return sorted(Notification.objects.values_list("id", "status", "updated_at"))


# --- Time out ------------------------------------------------------------------------------

NOW = london(2026, 6, 22, 0, 5)


def test_only_email_and_sms_still_sending_or_pending_after_three_days_time_out():
    three_days = timedelta(days=3)
    timed_out = [
        NotificationFactory(status="sending", created_at=NOW - three_days - timedelta(microseconds=1)),
        NotificationFactory(status="pending", notification_type="sms", created_at=NOW - timedelta(days=9)),
    ]
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        untouched = [
            NotificationFactory(status="sending", created_at=NOW - three_days),  # exactly 3 days: not yet
            NotificationFactory(status="pending", created_at=NOW - timedelta(hours=1)),
            NotificationFactory(status="created", created_at=NOW - timedelta(days=5)),
            NotificationFactory(status="delivered", created_at=NOW - timedelta(days=5)),
            NotificationFactory(status="sent", notification_type="sms", created_at=NOW - timedelta(days=5)),
            NotificationFactory(status="sending", notification_type="letter", created_at=NOW - timedelta(days=5)),
        ]
    before = {row[0]: row for row in notification_table()}

    assert actions.notifications_time_out(now=NOW) == 2

    expected = sorted([before[n.id] for n in untouched] + [(n.id, "temporary-failure", NOW) for n in timed_out])
    assert notification_table() == expected


def test_time_out_works_in_batches_and_defaults_to_now():
    for _ in range(5):
        NotificationFactory(status="sending", created_at=NOW - timedelta(days=4))

    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        assert actions.notifications_time_out(batch_size=2) == 5

    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"] * 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"temporary-failure"}
    assert actions.notifications_time_out(now=NOW) == 0


# --- Retention -----------------------------------------------------------------------------

# 03:00 on 28 June: retention 7 keeps the 21st onwards.
RETENTION_RUN = london(2026, 6, 28, 3, 0)


def build(*days_, types=None):
    for day in days_:
        notification_status_facts_build(day=day, notification_types=types)


def test_retention_deletes_each_services_notifications_older_than_its_retention():
    week = TemplateFactory(service=ServiceFactory(data_retention_days=7))
    short = TemplateFactory(service=ServiceFactory(data_retention_days=3), template_type="sms")
    month = TemplateFactory(service=ServiceFactory(data_retention_days=30))
    gone = [
        NotificationFactory(template=week, created_at=london(2026, 6, 19, 12)),
        NotificationFactory(template=week, created_at=london(2026, 6, 20, 23, 59, 59, 999999)),
        NotificationFactory(template=short, created_at=london(2026, 6, 24, 0, 0)),
    ]
    kept = [
        # 00:30 on the 21st in London is the 20th in UTC: still inside retention.
        NotificationFactory(template=week, created_at=london(2026, 6, 21, 0, 30)),
        NotificationFactory(template=short, created_at=london(2026, 6, 25, 0, 0)),
        NotificationFactory(template=month, created_at=london(2026, 6, 19, 12)),
        NotificationFactory(template=month, created_at=london(2026, 5, 29, 12)),
    ]
    build(date(2026, 5, 29), *(date(2026, 6, day) for day in range(19, 28)))
    facts = status_table()

    result = actions.notifications_delete_older_than_retention(now=RETENTION_RUN)

    assert sorted(Notification.objects.values_list("id", flat=True)) == sorted(n.id for n in kept)
    assert result.deleted == {
        (date(2026, 6, 19), "email"): 1,
        (date(2026, 6, 20), "email"): 1,
        (date(2026, 6, 24), "sms"): 1,
    }
    assert result.total == len(gone)
    assert result.kept_without_facts == []
    assert status_table() == facts


def test_retention_never_deletes_a_day_or_type_whose_facts_are_not_built():
    template = TemplateFactory()
    job = JobFactory(template=template)
    no_facts_day = NotificationFactory(template=template, created_at=london(2026, 6, 18, 12))
    email = NotificationFactory(job=job, created_at=london(2026, 6, 19, 12))
    sms_without_facts = NotificationFactory(
        service=template.service, notification_type="sms", created_at=email.created_at
    )
    build(date(2026, 6, 19), types=["email"])

    result = actions.notifications_delete_older_than_retention(now=RETENTION_RUN)

    remaining = set(Notification.objects.values_list("id", flat=True))
    assert remaining == {no_facts_day.id, sms_without_facts.id}
    assert email.id not in remaining
    assert result.deleted == {(date(2026, 6, 19), "email"): 1}
    assert result.kept_without_facts == [(date(2026, 6, 18), "email"), (date(2026, 6, 19), "sms")]
    # The job stays: its page reads the facts once its notifications are gone.
    assert Job.objects.filter(pk=job.pk).exists()


def test_retention_deletes_in_batches_and_defaults_to_now():
    template = TemplateFactory()
    for hour in range(5):
        NotificationFactory(template=template, created_at=london(2026, 6, 20, hour))
    build(date(2026, 6, 20))

    with time_machine.travel(RETENTION_RUN, tick=False):
        result = actions.notifications_delete_older_than_retention(batch_size=2)

    assert result.deleted == {(date(2026, 6, 20), "email"): 5}
    assert not Notification.objects.exists()


def test_retention_with_nothing_to_delete_does_nothing():
    NotificationFactory(created_at=london(2026, 6, 27, 12))

    result = actions.notifications_delete_older_than_retention(now=RETENTION_RUN)

    assert (result.deleted, result.kept_without_facts, result.total) == ({}, [], 0)
    assert Notification.objects.count() == 1


def test_facts_survive_the_nights_after_retention():
    template = TemplateFactory(service=ServiceFactory(data_retention_days=3), template_type="letter")
    for day in range(17, 28):
        NotificationFactory(template=template, status="sending", created_at=london(2026, 6, day, 12))
    build(*(date(2026, 6, day) for day in range(17, 28)))
    facts = status_table()

    actions.notifications_delete_older_than_retention(now=RETENTION_RUN)
    assert Notification.objects.count() == 3  # 25th to 27th
    # The next night rebuilds 10 days of letters, most of them already deleted.
    Notification.objects.update(status="delivered")
    with time_machine.travel(london(2026, 6, 29, 0, 30), tick=False):
        for day in range(19, 29):
            notification_status_facts_build(day=date(2026, 6, day), notification_types=["letter"])

    statuses = {(row[0].day, row[6]) for row in status_table()}
    assert statuses == {(day, "sending") for day in range(17, 25)} | {(day, "delivered") for day in range(25, 28)}
    assert [row[7] for row in status_table()] == [row[7] for row in facts]
