import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from performance import queries
from performance.models import FactDailyTotal, FactProcessingTime, NightlyJobRun
from services.tests.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DEAD_REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def london(*args):
    return datetime(*args, tzinfo=LONDON)


def status_day(day, *, emails=0, sms=0, letters=0, finished_at=None):
    """A day as the status job leaves it: a total per type and its run recorded."""
    for notification_type, count in (("email", emails), ("sms", sms), ("letter", letters)):
        FactDailyTotal.objects.create(bst_date=day, notification_type=notification_type, notification_count=count)
    NightlyJobRun.objects.update_or_create(
        job_name=NightlyJobRun.JobName.NOTIFICATION_STATUS,
        bst_date=day,
        defaults={"finished_at": finished_at or london(2026, 11, 1, 0, 30)},
    )


def processing_day(day, *, total, within, finished_at=None):
    FactProcessingTime.objects.create(bst_date=day, messages_total=total, messages_within_10_secs=within)
    NightlyJobRun.objects.update_or_create(
        job_name=NightlyJobRun.JobName.PROCESSING_TIME,
        bst_date=day,
        defaults={"finished_at": finished_at or london(2026, 11, 1, 2, 0)},
    )


@pytest.mark.parametrize(
    ("moment", "window"),
    [
        (london(2026, 11, 23, 0, 1), (date(2026, 11, 16), date(2026, 11, 22))),
        (london(2026, 11, 22, 23, 59), (date(2026, 11, 15), date(2026, 11, 21))),
        # 00:30 London on a BST day is still the 22nd in UTC: the window is London's.
        (london(2026, 6, 23, 0, 30), (date(2026, 6, 16), date(2026, 6, 22))),
    ],
)
def test_the_window_is_the_seven_london_days_ending_yesterday(moment, window):
    with time_machine.travel(moment, tick=False):
        assert queries.performance_window() == window


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_stats_for_the_window():
    status_day(date(2026, 10, 1), emails=1_000, sms=500, letters=7)  # before the window: totals only
    status_day(date(2026, 11, 16), emails=10, sms=20, letters=1)
    status_day(date(2026, 11, 17))  # built, no messages: shows 0
    # the 18th was never built: absent, not 0
    status_day(date(2026, 11, 22), emails=3, sms=4, finished_at=london(2026, 11, 23, 0, 31, 5))
    status_day(date(2026, 11, 23), emails=99)  # today (a backfill): after the window
    processing_day(date(2026, 11, 16), total=4, within=3)
    processing_day(date(2026, 11, 17), total=0, within=0)  # no messages: 100%
    processing_day(date(2026, 11, 22), total=200, within=199, finished_at=london(2026, 11, 23, 2, 0, 9))

    zeta = OrganisationFactory(name="zeta council")
    alpha = OrganisationFactory(name="Alpha Agency")
    ServiceFactory.create_batch(2, organisation=zeta, live=True)
    ServiceFactory(organisation=alpha, live=True)
    ServiceFactory(organisation=None, live=True)
    ServiceFactory(organisation=alpha)  # trial mode
    ServiceFactory(organisation=alpha, live=True, active=False)  # archived
    ServiceFactory(organisation=alpha, live=True, count_as_live=False)
    ServiceFactory(organisation=OrganisationFactory(name="Beta Board"))  # only a trial service

    assert queries.performance_stats() == {
        "total_notifications": 1_000 + 500 + 7 + 31 + 7 + 99,
        "email_notifications": 1_000 + 10 + 3 + 99,
        "sms_notifications": 500 + 20 + 4,
        "letter_notifications": 7 + 1,
        "notifications_by_type": [
            {"date": "2026-11-16", "emails": 10, "sms": 20, "letters": 1},
            {"date": "2026-11-17", "emails": 0, "sms": 0, "letters": 0},
            {"date": "2026-11-22", "emails": 3, "sms": 4, "letters": 0},
        ],
        "processing_time": [
            {"date": "2026-11-16", "percentage_under_10_seconds": 75.0},
            {"date": "2026-11-17", "percentage_under_10_seconds": 100.0},
            {"date": "2026-11-22", "percentage_under_10_seconds": 99.5},
        ],
        "average_percentage_under_10_seconds": pytest.approx((75.0 + 100.0 + 99.5) / 3),
        "live_service_count": 4,
        "organisations_using_notify": [
            {"organisation_name": "Alpha Agency", "count_of_live_services": 1},
            {"organisation_name": "No organisation", "count_of_live_services": 1},
            {"organisation_name": "zeta council", "count_of_live_services": 2},
        ],
        "count_of_live_services_and_organisations": {"organisations": 2, "services": 4},
        "start_date": "2026-11-16",
        "end_date": "2026-11-22",
        "facts_up_to": "2026-11-23",
        "facts_updated_at": "2026-11-23T02:00:09+00:00",
        "facts_version": "2026-11-23T02:00:09+00:00",
    }


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_no_facts_at_all():
    stats = queries.performance_stats()
    assert stats["total_notifications"] == 0
    assert stats["notifications_by_type"] == []
    assert stats["processing_time"] == []
    assert stats["average_percentage_under_10_seconds"] is None
    assert stats["facts_up_to"] is None
    assert stats["organisations_using_notify"] == []


# Time travel moves LocMemCache's clock but not Redis's, so expiry is replayed here on the
# in-memory cache; the test below checks the TTL Redis is given.
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_cache_holds_for_cache_ttl(settings, django_assert_num_queries):
    settings.CACHE_TTL = 3600
    with time_machine.travel(london(2026, 11, 23, 9, 0), tick=False) as traveller:
        status_day(date(2026, 11, 21), emails=5)
        assert queries.performance_stats()["email_notifications"] == 5
        assert cache.get("performance-stats-2026-11-16-to-2026-11-22")["email_notifications"] == 5

        # Written directly, not by a job: the cached figures stand...
        FactDailyTotal.objects.filter(bst_date=date(2026, 11, 21), notification_type="email").update(
            notification_count=6
        )
        traveller.shift(timedelta(seconds=3599))
        with django_assert_num_queries(1):  # only the freshness check
            assert queries.performance_stats()["email_notifications"] == 5

        # ...until CACHE_TTL has passed.
        traveller.shift(timedelta(seconds=2))
        assert queries.performance_stats()["email_notifications"] == 6


@pytest.mark.skipif(not hasattr(cache, "ttl"), reason="needs django-redis (CI's PostgreSQL + Redis pass)")
def test_redis_keeps_the_stats_for_cache_ttl(settings):
    settings.CACHE_TTL = 1800
    with time_machine.travel(london(2026, 11, 23, 9, 0), tick=False):
        queries.performance_stats()
    assert 1790 < cache.ttl("performance-stats-2026-11-16-to-2026-11-22") <= 1800


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_a_newer_nightly_run_makes_the_next_view_recompute():
    status_day(date(2026, 11, 21), emails=5, finished_at=london(2026, 11, 22, 0, 30))
    assert queries.performance_stats()["notifications_by_type"] == [
        {"date": "2026-11-21", "emails": 5, "sms": 0, "letters": 0}
    ]
    # A run that could not clear the cache (say Redis blinked) is still seen.
    status_day(date(2026, 11, 22), emails=8, finished_at=london(2026, 11, 23, 0, 30))
    assert [day["date"] for day in queries.performance_stats()["notifications_by_type"]] == [
        "2026-11-21",
        "2026-11-22",
    ]


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_stats_changed_drops_the_cached_window():
    queries.performance_stats()
    assert cache.get("performance-stats-2026-11-16-to-2026-11-22") is not None
    queries.stats_changed()
    assert cache.get("performance-stats-2026-11-16-to-2026-11-22") is None


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_many_visitors_on_an_empty_cache_cause_one_computation(monkeypatch):
    monkeypatch.setattr(queries, "facts_version", lambda: "v1")
    computations = []
    first_started = threading.Event()
    release = threading.Event()

    def slow_compute(*, start, end, version):
        computations.append((start, end))
        first_started.set()
        release.wait(timeout=5)
        return {"facts_version": version, "total_notifications": 42}

    monkeypatch.setattr(queries, "compute_performance_stats", slow_compute)
    results = []
    visitors = [threading.Thread(target=lambda: results.append(queries.performance_stats())) for _ in range(8)]
    visitors[0].start()
    assert first_started.wait(timeout=5)
    for visitor in visitors[1:]:
        visitor.start()
    release.set()
    for visitor in visitors:
        visitor.join(timeout=10)

    assert computations == [(date(2026, 11, 16), date(2026, 11, 22))]
    assert results == [{"facts_version": "v1", "total_notifications": 42}] * 8


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_a_dead_lock_holder_does_not_block_the_page(monkeypatch):
    monkeypatch.setattr(queries, "WAIT_FOR_LOCK_HOLDER_SECONDS", 0.2)
    cache.add("performance-stats-2026-11-16-to-2026-11-22-lock", "computing", timeout=30)
    status_day(date(2026, 11, 22), sms=3)
    assert queries.performance_stats()["sms_notifications"] == 3


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_with_the_cache_down_the_stats_are_computed_without_waiting(monkeypatch):
    status_day(date(2026, 11, 22), emails=2, sms=3)

    def no_waiting(seconds):
        raise AssertionError("waited for a lock holder although the cache is down")

    monkeypatch.setattr(queries.time, "sleep", no_waiting)
    with override_settings(CACHES=DEAD_REDIS_CACHE):
        stats = queries.performance_stats()
    assert (stats["email_notifications"], stats["sms_notifications"]) == (2, 3)
    assert stats["notifications_by_type"] == [{"date": "2026-11-22", "emails": 2, "sms": 3, "letters": 0}]


class CacheThatMissesOnce:
    """A cache whose first read misses, as if another process stored the stats and let go
    of the lock just after this one looked."""

    def __init__(self, stored):
        self.data = dict(stored)
        self.reads = 0

    def get(self, key):
        self.reads += 1
        return None if self.reads == 1 else self.data.get(key)

    def add(self, key, value, timeout):
        return self.data.setdefault(key, value) is value

    def set(self, key, value, timeout):
        self.data[key] = value

    def delete(self, key):
        self.data.pop(key, None)


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_a_lock_claimed_after_the_holder_finished_uses_its_result(monkeypatch):
    key = "performance-stats-2026-11-16-to-2026-11-22"
    stored = {"facts_version": "v1", "total_notifications": 7}
    monkeypatch.setattr(queries, "facts_version", lambda: "v1")
    monkeypatch.setattr(queries, "cache", CacheThatMissesOnce({key: stored}))
    monkeypatch.setattr(queries, "compute_performance_stats", pytest.fail)

    assert queries.performance_stats() == stored
    assert f"{key}-lock" not in queries.cache.data
