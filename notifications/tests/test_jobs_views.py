"""Job pages: counts, progress while processing, the job's notifications, cancel, uploads."""

import re
import uuid
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_url_caches, include, path, reverse

from notifications import actions
from notifications.tests.factories import JobFactory, NotificationFactory
from performance.actions import notification_status_facts_build
from performance.tests.facts import london
from services.permissions import service_permission_required
from services.tests.factories import ServiceFactory, ServiceUserFactory, TemplateFactory

pytestmark = pytest.mark.django_db

NOW = london(2026, 6, 28, 12, 0)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service():
    return ServiceFactory(live=True)


@pytest.fixture
def member(client, service):
    membership = ServiceUserFactory(service=service, view_activity=True, send_messages=True)
    client.force_login(membership.user)
    return membership.user


def job_url(job, name="job"):
    return reverse(f"notifications:{name}", kwargs={"service_id": job.service_id, "job_id": job.pk})


def make_job(service, statuses, *, created_at=NOW, **fields):
    fields.setdefault("notification_count", len(statuses))
    fields.setdefault("job_status", "finished")
    job = JobFactory(
        template=TemplateFactory(service=service), created_at=created_at, processing_started=created_at, **fields
    )
    for row, status in enumerate(statuses):
        NotificationFactory(
            job=job, job_row_number=row, status=status, to=f"row{row}@example.com", created_at=created_at
        )
    return job


def counts(html):
    return dict(re.findall(r'data-count="(\w+)">(\d+)<', html))


def recipients(html):
    return re.findall(r'/notification/[0-9a-f-]+">([^<]*)</a>', html)


def test_finished_job_shows_counts_and_its_notifications_in_row_order(client, member, service):
    job = make_job(service, ["delivered", "permanent-failure", "sending", "delivered"], original_file_name="june.csv")
    response = client.get(job_url(job))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">june.csv</h1>' in html
    assert counts(html) == {"total": "4", "sending": "1", "delivered": "2", "failed": "1"}
    assert recipients(html) == [f"row{i}@example.com" for i in range(4)]
    assert "Finished." in html
    # no refresh and no polling once finished
    assert 'http-equiv="refresh"' not in html
    assert "job-progress.js" not in html
    assert job_url(job, "download_job") in html


def test_job_status_filter(client, member, service):
    job = make_job(service, ["delivered", "permanent-failure", "sending"])
    html = client.get(job_url(job) + "?status=failed").content.decode()
    assert recipients(html) == ["row1@example.com"]


def test_job_in_progress_refreshes_without_javascript_and_polls_with_it(client, member, service):
    job = make_job(service, ["delivered", "sending"], job_status="in progress", notification_count=10)
    html = client.get(job_url(job)).content.decode()
    # the meta refresh sits in <noscript>, so with JavaScript on only the script updates the page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert '<script src="/static/notifications/job-progress.js" defer></script>' in html
    assert f'data-progress-url="{job_url(job, "job_progress")}"' in html
    assert '<span data-field="processed">2</span> of 10 rows processed' in html
    assert counts(html) == {"total": "10", "sending": "9", "delivered": "1", "failed": "0"}
    # and no inline script anywhere (the CSP forbids it)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_progress_json(client, member, service):
    job = make_job(service, ["delivered", "temporary-failure"], job_status="in progress", notification_count=5)
    response = client.get(job_url(job, "job_progress"))
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "job_status": "in progress",
        "job_status_label": "In progress",
        "notification_count": 5,
        "processed": 2,
        "sending": 3,
        "delivered": 1,
        "failed": 1,
        "finished": False,
    }
    job.job_status = "finished"
    job.save()
    assert client.get(job_url(job, "job_progress")).json()["finished"] is True


def test_job_of_another_service_is_404(client, member, service):
    other = make_job(ServiceFactory(), ["delivered"])
    url = reverse("notifications:job", kwargs={"service_id": service.pk, "job_id": other.pk})
    assert client.get(url).status_code == 404
    url = reverse("notifications:job_progress", kwargs={"service_id": service.pk, "job_id": other.pk})
    assert client.get(url).status_code == 404


def test_job_counts_after_retention_come_from_facts(client, member, service):
    service.data_retention_days = 3
    service.save()
    job = make_job(service, ["delivered", "delivered", "technical-failure"], created_at=london(2026, 6, 20, 9))
    with time_machine.travel(london(2026, 6, 21, 1, 0), tick=False):
        notification_status_facts_build(day=date(2026, 6, 20))
    actions.notifications_delete_older_than_retention()
    assert not job.notifications.exists()
    html = client.get(job_url(job)).content.decode()
    assert counts(html) == {"total": "3", "sending": "0", "delivered": "2", "failed": "1"}
    assert "older than 3 days, so only their totals are kept" in html
    assert recipients(html) == []


def test_job_page_of_fifty_costs_the_same_queries_as_five(client, member, service):
    job = make_job(service, ["delivered"] * 5)
    url = job_url(job)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for row in range(5, 60):
        NotificationFactory(job=job, job_row_number=row)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(recipients(html)) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Cancel ------------------------------------------------------------------------------


@service_permission_required("send_messages")
def _stand_in_cancel(request, service_id, job_id):  # pragma: no cover - never posted to here
    raise AssertionError


def _urlpatterns_with_a_cancel_url():
    from notifications import urls as notification_urls
    from notify_admin import urls as root_urls

    notifications = [
        *notification_urls.urlpatterns,
        path("services/<uuid:service_id>/jobs/<uuid:job_id>/cancel", _stand_in_cancel, name="job_cancel"),
    ]
    others = [p for p in root_urls.urlpatterns if getattr(p, "namespace", None) != "notifications"]
    return [*others, path("", include((notifications, "notifications")))]


@pytest.fixture
def cancel_url_exists(settings):
    """The sending pages own the cancel URL; until they have it, this module stands in."""
    try:
        reverse("notifications:job_cancel", kwargs={"service_id": uuid.uuid4(), "job_id": uuid.uuid4()})
    except NoReverseMatch:
        global urlpatterns
        urlpatterns = _urlpatterns_with_a_cancel_url()
        settings.ROOT_URLCONF = __name__
        clear_url_caches()
        yield
        clear_url_caches()
    else:
        yield


def test_scheduled_job_has_a_cancel_button_for_senders(client, member, service, cancel_url_exists):
    job = make_job(service, [], job_status="scheduled", notification_count=3, scheduled_for=london(2026, 6, 28, 15))
    html = client.get(job_url(job)).content.decode()
    cancel_url = reverse("notifications:job_cancel", kwargs={"service_id": service.pk, "job_id": job.pk})
    assert f'<form method="post" action="{cancel_url}" novalidate>' in html
    assert "Cancel sending</button>" in html
    assert "Scheduled to send on 28 June 2026 at 15:00." in html
    # a scheduled job is not running: no refresh
    assert 'http-equiv="refresh"' not in html


def test_no_cancel_button_without_send_messages_or_once_started(client, service, cancel_url_exists):
    viewer = ServiceUserFactory(service=service, view_activity=True, send_messages=False).user
    client.force_login(viewer)
    scheduled = make_job(service, [], job_status="scheduled", notification_count=3)
    assert "Cancel sending" not in client.get(job_url(scheduled)).content.decode()
    client.force_login(ServiceUserFactory(service=service, view_activity=True, send_messages=True).user)
    running = make_job(service, [], job_status="in progress", notification_count=3)
    assert "Cancel sending" not in client.get(job_url(running)).content.decode()
    assert "Cancel sending" in client.get(job_url(scheduled)).content.decode()


# --- Uploads -----------------------------------------------------------------------------


def test_uploads_list_newest_first_with_counts(client, member, service):
    make_job(service, ["delivered", "permanent-failure"], created_at=london(2026, 6, 27, 9), original_file_name="a.csv")
    make_job(service, ["sending"], created_at=london(2026, 6, 28, 9), original_file_name="b.csv")
    make_job(ServiceFactory(), ["sending"], original_file_name="other-service.csv")
    html = client.get(reverse("notifications:jobs", kwargs={"service_id": service.pk})).content.decode()
    rows = re.findall(r'>([ab]\.csv)</a>.*?numeric">(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>', html, re.S)
    assert rows == [("b.csv", "1", "0", "0"), ("a.csv", "0", "1", "1")]
    assert "other-service.csv" not in html


def test_uploads_list_pages_and_costs_the_same_queries(client, member, service):
    url = reverse("notifications:jobs", kwargs={"service_id": service.pk})
    assert "You have not sent any spreadsheets yet." in client.get(url).content.decode()
    for index in range(5):
        make_job(service, ["delivered"], created_at=london(2026, 6, 28, 9, index), original_file_name=f"{index}.csv")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(5, 51):
        make_job(service, ["delivered"], created_at=london(2026, 6, 28, 10, index), original_file_name=f"{index}.csv")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert html.count('class="govuk-link" href="/services/') >= 50
    next_url = re.search(r'href="([^"]+)" rel="next"', html).group(1)
    assert re.findall(r">(\d+)\.csv</a>", client.get(next_url.replace("&amp;", "&")).content.decode()) == ["0"]
