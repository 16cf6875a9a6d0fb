import threading
import uuid
from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import close_old_connections, connection

from notifications.models import Notification
from notifications.tests.factories import JobFactory, NotificationFactory
from performance import actions
from performance.models import NO_JOB_ID, FactDailyTotal, FactNotificationStatus, NightlyJobRun
from performance.tests.facts import (
    daily_total_table,
    job_run_table,
    london,
    processing_time_table,
    status_table,
    status_table_recomputed,
    utc,
)
from services.tests.factories import ApiKeyFactory, ServiceFactory, TemplateFactory

pytestmark = pytest.mark.django_db

NO_JOB = uuid.UUID(NO_JOB_ID)
JUNE_22 = date(2026, 6, 22)


def build(day, **kwargs):
    return actions.notification_status_facts_build(day=day, **kwargs)


# --- Status facts: which London day ------------------------------------------------------


def test_half_past_midnight_in_bst_counts_on_the_london_day_not_the_utc_one():
    with time_machine.travel(london(2026, 6, 22, 0, 30), tick=False):
        notification = NotificationFactory()
    assert notification.created_at == utc(2026, 6, 21, 23, 30)

    build(date(2026, 6, 21))
    build(JUNE_22)

    assert status_table() == [
        (
            JUNE_22,
            notification.template_id,
            notification.service_id,
            NO_JOB,
            "email",
            "normal",
            "created",
            1,
        )
    ]
    assert FactDailyTotal.objects.get(bst_date=date(2026, 6, 21), notification_type="email").notification_count == 0
    assert FactDailyTotal.objects.get(bst_date=JUNE_22, notification_type="email").notification_count == 1


@pytest.mark.parametrize(
    ("day", "inside", "outside"),
    [
        (
            # Clocks go back: 01:00-02:00 London happens twice, the day lasts 25 hours.
            date(2026, 10, 25),
            [
                london(2026, 10, 25, 0, 0),
                london(2026, 10, 25, 1, 30, fold=0),  # 00:30 UTC, still BST
                london(2026, 10, 25, 1, 30, fold=1),  # 01:30 UTC, GMT again
                london(2026, 10, 25, 23, 59, 59, 999999),
            ],
            [london(2026, 10, 24, 23, 59, 59, 999999), london(2026, 10, 26, 0, 0)],
        ),
        (
            # Clocks go forward: 01:00 London jumps to 02:00, the day lasts 23 hours.
            date(2026, 3, 29),
            [
                london(2026, 3, 29, 0, 0),
                london(2026, 3, 29, 0, 59, 59),
                london(2026, 3, 29, 2, 0),  # 01:00 UTC
                london(2026, 3, 29, 23, 59, 59, 999999),
            ],
            [london(2026, 3, 28, 23, 59, 59, 999999), london(2026, 3, 30, 0, 0)],
        ),
    ],
)
def test_a_day_of_a_clock_change_is_complete(day, inside, outside):
    template = TemplateFactory(template_type="sms")
    for moment in inside + outside:
        NotificationFactory(template=template, created_at=moment)

    build(day)

    assert status_table() == [(day, template.id, template.service_id, NO_JOB, "sms", "normal", "created", 4)]
    assert status_table() == status_table_recomputed(day)
    assert daily_total_table() == [(day, "email", 0), (day, "letter", 0), (day, "sms", 4)]


# --- Status facts: which rows --------------------------------------------------------------


def test_test_key_notifications_are_left_out():
    service = ServiceFactory()
    template = TemplateFactory(service=service)
    with time_machine.travel(london(2026, 6, 22, 12, 0), tick=False):
        for key_type in ("normal", "team", "test", "test"):
            NotificationFactory(template=template, api_key=ApiKeyFactory(service=service, key_type=key_type))

    build(JUNE_22)

    assert status_table() == [
        (JUNE_22, template.id, service.id, NO_JOB, "email", "normal", "created", 1),
        (JUNE_22, template.id, service.id, NO_JOB, "email", "team", "created", 1),
    ]
    assert FactDailyTotal.objects.get(bst_date=JUNE_22, notification_type="email").notification_count == 2


def test_job_and_api_notifications_land_in_their_own_rows():
    service = ServiceFactory()
    email = TemplateFactory(service=service, template_type="email")
    sms = TemplateFactory(service=service, template_type="sms")
    job = JobFactory(template=email)
    other_job = JobFactory(template=email)
    key = ApiKeyFactory(service=service)
    with time_machine.travel(london(2026, 6, 22, 9, 0), tick=False):
        for row, status in enumerate(["delivered", "delivered", "permanent-failure"]):
            NotificationFactory(job=job, job_row_number=row, status=status)
        NotificationFactory(job=other_job, status="delivered")
        NotificationFactory(template=email, api_key=key, status="delivered")
        NotificationFactory(template=email, api_key=key, status="delivered")
        NotificationFactory(template=sms, api_key=key, status="sending")
        NotificationFactory(status="delivered")  # another service altogether

    build(JUNE_22)

    rows = [r for r in status_table() if r[2] == service.id]
    assert rows == sorted(
        [
            (JUNE_22, email.id, service.id, job.id, "email", "normal", "delivered", 2),
            (JUNE_22, email.id, service.id, job.id, "email", "normal", "permanent-failure", 1),
            (JUNE_22, email.id, service.id, other_job.id, "email", "normal", "delivered", 1),
            (JUNE_22, email.id, service.id, NO_JOB, "email", "normal", "delivered", 2),
            (JUNE_22, sms.id, service.id, NO_JOB, "sms", "normal", "sending", 1),
        ]
    )
    assert status_table() == status_table_recomputed(JUNE_22)
    assert daily_total_table() == [(JUNE_22, "email", 7), (JUNE_22, "letter", 0), (JUNE_22, "sms", 1)]


def test_other_days_rows_are_left_alone():
    template = TemplateFactory()
    for day in (21, 22, 23):
        NotificationFactory(template=template, created_at=london(2026, 6, day, 12, 0))
    build(date(2026, 6, 21))
    build(date(2026, 6, 23))
    before = status_table()

    build(JUNE_22)

    assert [r for r in status_table() if r[0] != JUNE_22] == before
    assert status_table() == status_table_recomputed(date(2026, 6, 21), JUNE_22, date(2026, 6, 23))


# --- Status facts: rebuilt, not patched ---------------------------------------------------


def _a_busy_day():
    service = ServiceFactory()
    key = ApiKeyFactory(service=service, key_type="team")
    job = JobFactory(service=service, template=TemplateFactory(service=service, template_type="sms"))
    for hour, status in enumerate(["sending", "sending", "delivered", "pending", "created"]):
        NotificationFactory(job=job, job_row_number=hour, status=status, created_at=london(2026, 6, 22, hour, 0))
        NotificationFactory(api_key=key, status=status, created_at=london(2026, 6, 22, hour, 15))
        NotificationFactory(notification_type="letter", status=status, created_at=london(2026, 6, 22, hour, 30))
    return job


def test_rerunning_a_day_leaves_the_same_tables():
    _a_busy_day()
    with time_machine.travel(london(2026, 6, 23, 0, 30), tick=False):
        build(JUNE_22)
    first = (status_table(), daily_total_table())

    with time_machine.travel(london(2026, 6, 24, 0, 30), tick=False):
        build(JUNE_22)
        build(JUNE_22)

    assert (status_table(), daily_total_table()) == first
    assert status_table() == status_table_recomputed(JUNE_22)
    assert job_run_table() == [("notification_status", JUNE_22, london(2026, 6, 24, 0, 30))]
    stamps = set(FactNotificationStatus.objects.values_list("created_at", "updated_at"))
    assert stamps == {(london(2026, 6, 24, 0, 30), london(2026, 6, 24, 0, 30))}


def test_a_rebuild_after_statuses_changed_equals_a_fresh_build():
    job = _a_busy_day()
    build(JUNE_22)
    job.notifications.filter(status="sending").update(status="delivered")
    job.notifications.filter(status="pending").update(status="temporary-failure")

    build(JUNE_22)
    rebuilt = (status_table(), daily_total_table())
    FactNotificationStatus.objects.all().delete()
    FactDailyTotal.objects.all().delete()
    build(JUNE_22)

    assert rebuilt == (status_table(), daily_total_table())
    assert rebuilt[0] == status_table_recomputed(JUNE_22)
    assert ("delivered", 3) in [(r[6], r[7]) for r in rebuilt[0] if r[3] == job.id]


def test_a_rebuild_of_some_types_leaves_the_others_alone():
    job = _a_busy_day()  # the job sends SMS
    build(JUNE_22)
    sms_before = [r for r in status_table() if r[4] == "sms"]
    job.notifications.update(status="delivered")
    NotificationFactory(notification_type="letter", created_at=london(2026, 6, 22, 20, 0))

    totals = build(JUNE_22, notification_types=["letter", "email"])

    assert totals == {"email": 5, "letter": 6}
    assert [r for r in status_table() if r[4] == "sms"] == sms_before
    assert [r for r in status_table() if r[4] != "sms"] == [
        r for r in status_table_recomputed(JUNE_22) if r[4] != "sms"
    ]
    assert daily_total_table() == [(JUNE_22, "email", 5), (JUNE_22, "letter", 6), (JUNE_22, "sms", 5)]


def test_unknown_types_are_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="Unknown notification types"):
        build(JUNE_22, notification_types=["email", "pigeon"])
    assert not NightlyJobRun.objects.exists()


def test_a_day_whose_notifications_retention_has_begun_to_delete_keeps_those_services_facts():
    thinned = TemplateFactory()
    whole = TemplateFactory()
    for hour in range(4):
        NotificationFactory(template=thinned, created_at=london(2026, 6, 12, hour), status="delivered")
        NotificationFactory(template=whole, created_at=london(2026, 6, 12, hour), status="sending")
    with time_machine.travel(london(2026, 6, 13, 0, 30), tick=False):
        build(date(2026, 6, 12))
    thinned_rows = [r for r in status_table() if r[1] == thinned.id]

    # Ten days on, retention has deleted half of one service's notifications (it deletes
    # in batches) and the other service's have been delivered.
    thinned.notifications.filter(created_at__lt=london(2026, 6, 12, 2)).delete()
    whole.notifications.update(status="delivered")
    with time_machine.travel(london(2026, 6, 22, 0, 30), tick=False):
        build(date(2026, 6, 12))

    assert [r for r in status_table() if r[1] == thinned.id] == thinned_rows
    assert [r for r in status_table() if r[1] == whole.id] == [
        (date(2026, 6, 12), whole.id, whole.service_id, NO_JOB, "email", "normal", "delivered", 4)
    ]
    assert FactDailyTotal.objects.get(bst_date=date(2026, 6, 12), notification_type="email").notification_count == 8


# --- Status facts: what else the build records ---------------------------------------------


def test_the_build_records_its_run_and_tells_the_page_after_commit(django_capture_on_commit_callbacks):
    with mock.patch("performance.queries.stats_changed") as stats_changed:
        with (
            time_machine.travel(london(2026, 6, 23, 0, 31), tick=False),
            django_capture_on_commit_callbacks() as callbacks,
        ):
            totals = build(JUNE_22)
        assert not stats_changed.called  # not before the commit
        assert len(callbacks) == 1
        callbacks[0]()

    assert totals == {"email": 0, "letter": 0, "sms": 0}
    stats_changed.assert_called_once_with()
    assert job_run_table() == [("notification_status", JUNE_22, london(2026, 6, 23, 0, 31))]
    assert daily_total_table() == [(JUNE_22, "email", 0), (JUNE_22, "letter", 0), (JUNE_22, "sms", 0)]


def test_a_failed_build_writes_nothing_and_tells_nobody(django_capture_on_commit_callbacks):
    NotificationFactory(created_at=london(2026, 6, 22, 12, 0))
    build(JUNE_22)
    before = (status_table(), daily_total_table(), job_run_table())
    NotificationFactory(created_at=london(2026, 6, 22, 13, 0))

    with (
        mock.patch.object(actions, "_daily_totals_rebuild", side_effect=RuntimeError("disk full")),
        mock.patch("performance.queries.stats_changed") as stats_changed,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        build(JUNE_22)

    assert (status_table(), daily_total_table(), job_run_table()) == before
    assert not stats_changed.called


# --- Status facts: two runs at once ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections: PostgreSQL only")
def test_two_runs_of_the_same_day_at_once_leave_the_table_a_single_run_would():
    _a_busy_day()
    start = threading.Barrier(4)
    errors = []

    def run():
        try:
            start.wait()
            for _ in range(3):
                build(JUNE_22)
                actions.processing_time_facts_build(day=JUNE_22)
        except Exception as error:  # reported below, with the thread's traceback lost otherwise
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert status_table() == status_table_recomputed(JUNE_22)
    assert daily_total_table() == [(JUNE_22, "email", 5), (JUNE_22, "letter", 5), (JUNE_22, "sms", 5)]
    assert processing_time_table() == [(JUNE_22, 5, 0)]
    assert NightlyJobRun.objects.count() == 2


# --- Processing time ----------------------------------------------------------------------


def processing(day=JUNE_22):
    return actions.processing_time_facts_build(day=day)


def sent_after(seconds, *, created_at=None, **kwargs):
    created_at = created_at or london(2026, 6, 22, 12, 0)
    sent_at = None if seconds is None else created_at + timedelta(seconds=seconds)
    kwargs.setdefault("api_key", ApiKeyFactory())
    return NotificationFactory(created_at=created_at, sent_at=sent_at, **kwargs)


def test_processing_time_counts_exactly_ten_seconds_as_within():
    sent_after(0.5)
    sent_after(10)
    sent_after(10.000001)
    sent_after(3600)
    sent_after(None)  # not sent yet: in the total only

    fact = processing()

    assert (fact.messages_total, fact.messages_within_10_secs) == (5, 2)
    assert fact.percentage_under_10_seconds == 40.0


def test_processing_time_counts_only_api_messages_of_live_and_team_keys_and_not_letters():
    key = ApiKeyFactory(key_type="normal")
    counted = [
        sent_after(1, api_key=key),
        sent_after(20, api_key=ApiKeyFactory(key_type="team"), notification_type="sms"),
    ]
    sent_after(1, api_key=ApiKeyFactory(key_type="test"))
    sent_after(1, api_key=key, notification_type="letter")
    sent_after(1, api_key=None, job=JobFactory())
    sent_after(1, api_key=None)  # from the service's pages: no key

    fact = processing()

    assert len(counted) == fact.messages_total == 2
    assert fact.messages_within_10_secs == 1


def test_processing_time_takes_the_london_day():
    sent_after(1, created_at=london(2026, 6, 22, 0, 30))  # 21 June in UTC
    sent_after(1, created_at=london(2026, 6, 23, 0, 30))
    sent_after(60, created_at=london(2026, 6, 22, 23, 59, 59))

    processing()

    assert processing_time_table() == [(JUNE_22, 2, 1)]


def test_a_day_without_messages_gets_a_row_of_nothing_shown_as_100_percent():
    sent_after(1, created_at=london(2026, 6, 23, 9, 0))

    with time_machine.travel(london(2026, 6, 23, 2, 0), tick=False):
        fact = processing()

    assert processing_time_table() == [(JUNE_22, 0, 0)]
    assert fact.percentage_under_10_seconds == 100.0
    assert job_run_table() == [("processing_time", JUNE_22, london(2026, 6, 23, 2, 0))]


def test_processing_time_rerun_replaces_the_row(django_capture_on_commit_callbacks):
    sent_after(1)
    with time_machine.travel(london(2026, 6, 23, 2, 0), tick=False):
        processing()
    sent_after(30)
    sent_after(None)

    with (
        mock.patch("performance.queries.stats_changed") as stats_changed,
        time_machine.travel(london(2026, 6, 24, 2, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        processing()

    assert processing_time_table() == [(JUNE_22, 3, 1)]
    assert job_run_table() == [("processing_time", JUNE_22, london(2026, 6, 24, 2, 0))]
    stats_changed.assert_called_once_with()


def test_processing_time_of_a_day_retention_has_begun_to_delete_is_kept():
    for seconds in (1, 2, 30, None):
        sent_after(seconds)
    with time_machine.travel(london(2026, 6, 23, 2, 0), tick=False):
        processing()
    Notification.objects.filter(sent_at__lt=london(2026, 6, 22, 12, 0, 2)).delete()

    with time_machine.travel(london(2026, 7, 1, 2, 0), tick=False):
        fact = processing()

    assert (fact.messages_total, fact.messages_within_10_secs) == (4, 2)
    assert processing_time_table() == [(JUNE_22, 4, 2)]
    assert job_run_table() == [("processing_time", JUNE_22, london(2026, 6, 23, 2, 0))]


def test_processing_time_of_an_old_day_that_only_grew_is_rebuilt():
    sent_after(1)
    processing()
    sent_after(30)  # a late import into an old day: nothing was deleted

    with time_machine.travel(london(2026, 7, 1, 2, 0), tick=False):
        processing()

    assert processing_time_table() == [(JUNE_22, 2, 1)]


# --- The nightly plan ----------------------------------------------------------------------


def test_the_nightly_status_plan_is_four_days_of_everything_and_ten_of_letters():
    plan = actions.status_fact_days_default(now=london(2026, 11, 28, 0, 30))

    everything = ["email", "letter", "sms"]
    assert plan == [(date(2026, 11, day), ["letter"]) for day in range(18, 24)] + [
        (date(2026, 11, day), everything) for day in range(24, 28)
    ]
