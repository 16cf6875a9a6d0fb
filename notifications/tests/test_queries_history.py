"""notifications.queries: retention, filters, search, dashboard and job counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from notifications import actions, queries
from notifications.models import Notification
from notifications.tests.factories import JobFactory, NotificationFactory
from performance.actions import notification_status_facts_build
from performance.tests.facts import london
from services.tests.factories import ApiKeyFactory, ServiceFactory, TemplateFactory

pytestmark = pytest.mark.django_db

NOW = london(2026, 6, 28, 12, 0)


def ids(notifications):
    return sorted(n.pk for n in notifications)


@pytest.fixture
def service():
    return ServiceFactory(live=True)


# --- Retention ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "retention", "start"),
    [
        # retention 7 on the 28th keeps the 21st onwards, from London midnight (BST: 23:00 UTC)
        (london(2026, 6, 28, 12, 0), 7, datetime(2026, 6, 20, 23, 0, tzinfo=UTC)),
        # 00:30 in London on the 28th is still the 28th, though it is the 27th in UTC
        (london(2026, 6, 28, 0, 30), 7, datetime(2026, 6, 20, 23, 0, tzinfo=UTC)),
        (london(2026, 6, 27, 23, 59), 3, datetime(2026, 6, 23, 23, 0, tzinfo=UTC)),
        # across the October clock change: the 24th starts at 23:00 UTC (BST), the 28th at 00:00 (GMT)
        (london(2026, 10, 31, 9, 0), 7, datetime(2026, 10, 23, 23, 0, tzinfo=UTC)),
        (london(2026, 11, 4, 9, 0), 7, datetime(2026, 10, 28, 0, 0, tzinfo=UTC)),
    ],
)
def test_retention_start_is_a_london_midnight(service, now, retention, start):
    service.data_retention_days = retention
    assert queries.retention_start(service=service, now=now) == start


def test_history_keeps_exactly_the_retention_days_and_matches_the_nightly_sweep(service):
    """The list shows what the 03:00 sweep keeps: the same London midnight divides them."""
    service.data_retention_days = 3
    service.save()
    first_kept = london(2026, 6, 25, 0, 0)
    kept = [
        NotificationFactory(service=service, created_at=first_kept),
        NotificationFactory(service=service, created_at=NOW),
    ]
    gone = NotificationFactory(service=service, created_at=first_kept - timedelta(microseconds=1))
    with time_machine.travel(NOW, tick=False):
        assert ids(queries.service_notifications(service=service)) == ids(kept)
        for day in (date(2026, 6, 24), date(2026, 6, 25)):
            notification_status_facts_build(day=day)
        actions.notifications_delete_older_than_retention()
    # the sweep deleted exactly the one the list already left out
    assert not type(gone).objects.filter(pk=gone.pk).exists()
    assert type(gone).objects.filter(pk__in=[n.pk for n in kept]).count() == 2


def test_history_leaves_out_test_keys_other_services_and_other_types(service):
    email = NotificationFactory(service=service, notification_type="email", created_at=NOW)
    sms = NotificationFactory(service=service, notification_type="sms", created_at=NOW)
    team = NotificationFactory(api_key=ApiKeyFactory(service=service, key_type="team"), created_at=NOW)
    NotificationFactory(api_key=ApiKeyFactory(service=service, key_type="test"), created_at=NOW)
    NotificationFactory(created_at=NOW)  # another service
    with time_machine.travel(NOW, tick=False):
        assert ids(queries.service_notifications(service=service)) == ids([email, sms, team])
        assert ids(queries.service_notifications(service=service, notification_type="email")) == ids([email, team])
        assert ids(queries.service_notifications(service=service, notification_type="sms")) == ids([sms])


# --- Status filters ----------------------------------------------------------------------


def test_status_filters_group_statuses_as_notify_does(service):
    by_status = {
        status: NotificationFactory(service=service, status=status, created_at=NOW)
        for status in (
            "created",
            "sending",
            "pending",
            "sent",
            "delivered",
            "temporary-failure",
            "permanent-failure",
            "technical-failure",
            "validation-failed",
            "cancelled",
        )
    }

    def statuses(status):
        return sorted(n.status for n in queries.service_notifications(service=service, status=status))

    with time_machine.travel(NOW, tick=False):
        assert statuses("total") == sorted(by_status)
        assert statuses("sending") == ["created", "pending", "sending"]
        assert statuses("delivered") == ["delivered", "sent"]
        assert statuses("failed") == [
            "cancelled",
            "permanent-failure",
            "technical-failure",
            "temporary-failure",
            "validation-failed",
        ]
        # an unknown filter is no filter
        assert statuses("nonsense") == sorted(by_status)


# --- Search ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "found"),
    [
        # phone numbers in any form the validator accepts
        ("07700 900123", ["phone"]),
        ("+44 7700 900123", ["phone"]),
        ("447700900123", ["phone"]),
        ("(07700) 900-123", ["phone"]),
        # email with surrounding space and an invisible character
        # an address finds the form typed and its case-folded form
        ("  Someone@Example.gov.uk\u200b ", ["email-as-typed", "email-folded"]),
        ("someone@example.gov.uk", ["email-folded"]),
        # a reference (never normalised), exact
        ("invoice-77", ["reference"]),
        ("INVOICE-77", []),
        # not a recipient: matched as typed, exactly
        ("07700", []),
        ("nobody", []),
    ],
)
def test_search_normalises_recipients_like_the_validators(service, term, found):
    made = {
        "phone": NotificationFactory(
            service=service, notification_type="sms", to="07700 900123", normalised_to="447700900123", created_at=NOW
        ),
        "email-as-typed": NotificationFactory(
            service=service, to="Someone@Example.gov.uk", normalised_to="Someone@Example.gov.uk", created_at=NOW
        ),
        "reference": NotificationFactory(
            service=service, to="other@example.gov.uk", client_reference="invoice-77", created_at=NOW
        ),
    }
    made["email-folded"] = NotificationFactory(
        service=service, to="SOMEONE@example.gov.uk", normalised_to="someone@example.gov.uk", created_at=NOW
    )
    # another service's identical recipient is never found
    NotificationFactory(notification_type="sms", normalised_to="447700900123", created_at=NOW)
    with time_machine.travel(NOW, tick=False):
        results = queries.service_notifications(service=service, search=term)
    assert ids(results) == ids([made[name] for name in found])


def test_search_of_an_international_number_needs_the_permission_to_parse_it(service):
    us = NotificationFactory(
        service=service, notification_type="sms", to="+1 202-555-0104", normalised_to="12025550104", created_at=NOW
    )
    with time_machine.travel(NOW, tick=False):
        # a UK-only service: "+1 202-555-0104" is not a number it could have sent to
        assert ids(queries.service_notifications(service=service, search="+1 202-555-0104")) == []
        service.can_send_international_sms = True
        assert ids(queries.service_notifications(service=service, search="+1 202-555-0104")) == ids([us])
        assert ids(queries.service_notifications(service=service, search="0012025550104")) == ids([us])


def test_search_combines_with_type_and_status(service):
    hit = NotificationFactory(service=service, client_reference="ref-1", status="delivered", created_at=NOW)
    NotificationFactory(service=service, client_reference="ref-1", status="permanent-failure", created_at=NOW)
    NotificationFactory(service=service, notification_type="sms", client_reference="ref-1", created_at=NOW)
    with time_machine.travel(NOW, tick=False):
        found = queries.service_notifications(
            service=service, notification_type="email", status="delivered", search="ref-1"
        )
        assert ids(found) == ids([hit])


# --- Dashboard ---------------------------------------------------------------------------


def _dashboard_fixture(service):
    """An email a day on the 19th..27th (at 23:30 London, 22:30 UTC: the London date
    decides) and a text message a day on the 19th..28th (at 00:10 London)."""
    templates = {kind: TemplateFactory(service=service, template_type=kind) for kind in ("email", "sms")}
    for day in range(19, 29):
        if day < 28:
            NotificationFactory(
                template=templates["email"], status="delivered", created_at=london(2026, 6, day, 23, 30)
            )
        NotificationFactory(template=templates["sms"], status="sending", created_at=london(2026, 6, day, 0, 10))
    return templates


def test_dashboard_counts_today_live_and_earlier_days_from_facts_even_after_retention(service):
    service.data_retention_days = 3
    service.save()
    email = _dashboard_fixture(service)["email"]
    NotificationFactory(template=email, status="permanent-failure", created_at=london(2026, 6, 28, 9, 0))
    NotificationFactory(template=email, status="created", created_at=london(2026, 6, 28, 9, 1))
    NotificationFactory(template=email, key_type="test", created_at=london(2026, 6, 28, 9, 2))
    # the 7 days ending today are the 22nd..28th; facts built for every day up to the 27th
    with time_machine.travel(london(2026, 6, 28, 1, 0), tick=False):
        for day in range(19, 28):
            notification_status_facts_build(day=date(2026, 6, day))
        actions.notifications_delete_older_than_retention()
    with time_machine.travel(NOW, tick=False):
        # retention 3 on the 28th keeps the 25th onwards: the 22nd..24th now live only in facts
        assert queries.service_notifications(service=service).earliest("created_at").created_at == london(
            2026, 6, 25, 0, 10
        )
        # a status that changed after its day's facts were built still shows the built figure
        Notification.objects.filter(
            created_at__gte=london(2026, 6, 27), created_at__lt=london(2026, 6, 28), notification_type="sms"
        ).update(status="delivered")
        dashboard = queries.service_dashboard(service=service)
    assert dashboard["counts"] == {
        "email": {"total": 8, "sending": 1, "delivered": 6, "failed": 1},
        "sms": {"total": 7, "sending": 7, "delivered": 0, "failed": 0},
    }
    assert dashboard["daily_limits"] == [
        {"notification_type": "email", "used_today": 2, "limit": 250_000, "remaining": 249_998},
        {"notification_type": "sms", "used_today": 1, "limit": 250_000, "remaining": 249_999},
    ]


def test_dashboard_counts_a_day_whose_facts_are_not_built_from_its_notifications(service):
    _dashboard_fixture(service)
    # 00:20 on the 28th: yesterday's facts are not built yet (they land at 00:30)
    with time_machine.travel(london(2026, 6, 28, 0, 20), tick=False):
        for day in range(19, 27):
            notification_status_facts_build(day=date(2026, 6, day))
        dashboard = queries.service_dashboard(service=service)
    # 22nd..27th from facts and notifications, plus the one SMS of the 28th so far
    assert dashboard["counts"]["email"] == {"total": 6, "sending": 0, "delivered": 6, "failed": 0}
    assert dashboard["counts"]["sms"] == {"total": 7, "sending": 7, "delivered": 0, "failed": 0}
    assert [limit["used_today"] for limit in dashboard["daily_limits"]] == [0, 1]


def test_dashboard_of_a_new_service_is_all_zero_and_trial_limits(service):
    trial = ServiceFactory()
    with time_machine.travel(NOW, tick=False):
        dashboard = queries.service_dashboard(service=trial)
    assert dashboard["counts"] == {
        "email": {"total": 0, "sending": 0, "delivered": 0, "failed": 0},
        "sms": {"total": 0, "sending": 0, "delivered": 0, "failed": 0},
    }
    assert [(limit["limit"], limit["remaining"]) for limit in dashboard["daily_limits"]] == [(50, 50), (50, 50)]
    assert dashboard["recent_jobs"] == []


# --- Job counts --------------------------------------------------------------------------


def _job_with_notifications(service, statuses, *, created_at, **job_fields):
    job = JobFactory(
        template=TemplateFactory(service=service),
        notification_count=job_fields.pop("notification_count", len(statuses)),
        created_at=created_at,
        processing_started=created_at,
        **job_fields,
    )
    for row, status in enumerate(statuses):
        NotificationFactory(job=job, job_row_number=row, status=status, created_at=created_at)
    return job


def test_job_counts_while_processing_count_rows_not_made_yet_as_sending(service):
    job = _job_with_notifications(
        service,
        ["delivered", "sending", "permanent-failure"],
        created_at=NOW,
        job_status="in progress",
        notification_count=10,
    )
    with time_machine.travel(NOW, tick=False):
        job = queries.job_with_counts(service=service, job_id=job.pk)
    assert job.counts == {"total": 10, "sending": 8, "delivered": 1, "failed": 1, "processed": 3}
    assert not job.counts_from_facts
    assert queries.job_progress(job) == {
        "job_status": "in progress",
        "job_status_label": "In progress",
        "notification_count": 10,
        "processed": 3,
        "sending": 8,
        "delivered": 1,
        "failed": 1,
        "finished": False,
    }


def test_finished_and_cancelled_jobs_count_only_their_notifications(service):
    finished = _job_with_notifications(
        service, ["delivered", "temporary-failure"], created_at=NOW, job_status="finished", notification_count=2
    )
    cancelled = _job_with_notifications(service, [], created_at=NOW, job_status="cancelled", notification_count=5)
    with time_machine.travel(NOW, tick=False):
        jobs = queries.attach_job_counts([finished, cancelled], service=service)
    assert [job.counts for job in jobs] == [
        {"total": 2, "sending": 0, "delivered": 1, "failed": 1, "processed": 2},
        {"total": 0, "sending": 0, "delivered": 0, "failed": 0, "processed": 0},
    ]


def test_job_counts_after_retention_come_from_the_status_facts(service):
    service.data_retention_days = 3
    service.save()
    old_day = london(2026, 6, 20, 10, 0)
    old = _job_with_notifications(
        service, ["delivered", "delivered", "permanent-failure", "sending"], created_at=old_day, job_status="finished"
    )
    recent = _job_with_notifications(service, ["delivered"], created_at=NOW, job_status="finished")
    with time_machine.travel(london(2026, 6, 21, 1, 0), tick=False):
        notification_status_facts_build(day=date(2026, 6, 20))
    with time_machine.travel(NOW, tick=False):
        actions.notifications_delete_older_than_retention()
        assert not old.notifications.exists()
        jobs = queries.recent_jobs(service=service)
    assert [(job.pk, job.counts_from_facts, job.counts) for job in jobs] == [
        (recent.pk, False, {"total": 1, "sending": 0, "delivered": 1, "failed": 0, "processed": 1}),
        (old.pk, True, {"total": 4, "sending": 1, "delivered": 2, "failed": 1, "processed": 4}),
    ]


def test_job_past_retention_without_facts_counts_its_kept_notifications(service):
    service.data_retention_days = 3
    service.save()
    old = _job_with_notifications(
        service, ["delivered", "sending"], created_at=london(2026, 6, 20, 10), job_status="finished"
    )
    with time_machine.travel(NOW, tick=False):
        # no facts built: the sweep keeps the notifications, and the counts come from them
        actions.notifications_delete_older_than_retention()
        job = queries.job_with_counts(service=service, job_id=old.pk)
    assert job.counts == {"total": 2, "sending": 1, "delivered": 1, "failed": 0, "processed": 2}
    assert not job.counts_from_facts


def test_recent_jobs_costs_three_queries_whatever_the_number_of_jobs(service, django_assert_num_queries):
    for day in (20, 27):
        for _ in range(3):
            _job_with_notifications(service, ["delivered"], created_at=london(2026, 6, day, 9), job_status="finished")
    service.data_retention_days = 3
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(3):
        jobs = queries.recent_jobs(service=service)
    assert len(jobs) == 5


def test_dashboard_daily_limit_counts_rows_of_running_jobs_as_the_check_page_does(service):
    trial = ServiceFactory(email_message_limit=50)
    job = _job_with_notifications(trial, ["delivered", "sending"], created_at=NOW, job_status="in progress")
    job.notification_count = 20
    job.save()
    NotificationFactory(service=trial, created_at=NOW)
    with time_machine.travel(NOW, tick=False):
        limits = queries.service_dashboard(service=trial)["daily_limits"]
    # 20 rows of the running job (its 2 made so far not counted twice) and 1 other email
    assert limits[0] == {"notification_type": "email", "used_today": 21, "limit": 50, "remaining": 29}
