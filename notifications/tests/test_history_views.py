"""The history pages: notification lists, a notification's page and the dashboard."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.tests.factories import JobFactory, NotificationFactory
from performance.tests.facts import london
from services.tests.factories import ApiKeyFactory, ServiceFactory, ServiceUserFactory, TemplateFactory

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
    membership = ServiceUserFactory(service=service, view_activity=True)
    client.force_login(membership.user)
    return membership.user


def list_url(service, notification_type=None, **params):
    name = {None: "notifications", "email": "email_notifications", "sms": "sms_notifications"}[notification_type]
    url = reverse(f"notifications:{name}", kwargs={"service_id": service.pk})
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def recipients(response):
    """The recipients listed, in page order."""
    html = response.content.decode()
    return [unescape(to) for to in re.findall(r'/notification/[0-9a-f-]+">([^<]*)</a>', html)]


def link(response, rel):
    match = re.search(rf'href="([^"]+)" rel="{rel}"', response.content.decode())
    return unescape(match.group(1)) if match else None


def make(service, count, *, start=NOW, step=timedelta(minutes=1), **fields):
    """``count`` notifications, newest first named person0, person1, ..."""
    template = TemplateFactory(service=service, template_type=fields.pop("notification_type", "email"))
    return [
        NotificationFactory(
            template=template, to=f"person{index}@example.com", created_at=start - index * step, **fields
        )
        for index in range(count)
    ]


# --- Lists -------------------------------------------------------------------------------


def test_list_shows_newest_first_with_filters_and_no_test_keys(client, member, service):
    make(service, 3)
    NotificationFactory(api_key=ApiKeyFactory(service=service, key_type="test"), to="test-key@example.com")
    response = client.get(list_url(service))
    assert response.status_code == 200
    assert recipients(response) == ["person0@example.com", "person1@example.com", "person2@example.com"]
    html = response.content.decode()
    assert "<title>Sent messages – " in html
    for label in ("Sending", "Delivered", "Failed"):
        assert f'href="{list_url(service, status=label.lower())}">{label}</a>' in html
    assert "Messages from the last 7 days" in html


def test_type_pages_show_their_type_only(client, member, service):
    NotificationFactory(service=service, notification_type="sms", to="07700900001")
    NotificationFactory(service=service, to="email@example.com")
    sms = client.get(list_url(service, "sms"))
    assert recipients(sms) == ["07700900001"]
    assert '<h1 class="govuk-heading-l">Text messages</h1>' in sms.content.decode()
    assert recipients(client.get(list_url(service, "email"))) == ["email@example.com"]


def test_status_filter(client, member, service):
    NotificationFactory(service=service, to="ok@example.com", status="delivered")
    NotificationFactory(service=service, to="bad@example.com", status="permanent-failure")
    NotificationFactory(service=service, to="slow@example.com", status="sending")
    assert recipients(client.get(list_url(service, status="failed"))) == ["bad@example.com"]
    assert recipients(client.get(list_url(service, status="delivered"))) == ["ok@example.com"]
    assert recipients(client.get(list_url(service, status="sending"))) == ["slow@example.com"]
    # an unknown status is the whole list, not an error
    assert len(recipients(client.get(list_url(service, status="bogus")))) == 3


def test_search_by_phone_number_in_any_form(client, member, service):
    NotificationFactory(
        service=service, notification_type="sms", to="07700 900123", normalised_to="447700900123", status="delivered"
    )
    NotificationFactory(service=service, notification_type="sms", to="07700 900999", normalised_to="447700900999")
    response = client.get(list_url(service, "sms", search="+44 (0)7700 900 123"))
    assert recipients(response) == ["07700 900123"]
    assert "matching ‘+44 (0)7700 900 123’" in response.content.decode()
    # the search box keeps the term, and status tabs keep the search
    assert 'value="+44 (0)7700 900 123"' in unescape(response.content.decode())
    assert list_url(service, "sms", status="failed", search="+44 (0)7700 900 123") in unescape(
        response.content.decode()
    )
    empty = client.get(list_url(service, "sms", search="07700900555"))
    assert "No messages found for ‘07700900555’." in empty.content.decode()


def test_search_too_long_is_an_error_on_the_page(client, member, service):
    make(service, 1)
    response = client.get(list_url(service, search="x" * 321))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert '<a href="#id_search">Search for 320 characters or fewer</a>' in html
    assert recipients(response) == ["person0@example.com"]


def test_retention_cut_off_is_london_midnight(client, member, service):
    service.data_retention_days = 3
    service.save()
    # retention 3 on 28 June keeps the 25th onwards: from 23:00 UTC on the 24th
    NotificationFactory(service=service, to="first-kept@example.com", created_at=london(2026, 6, 25, 0, 0))
    NotificationFactory(service=service, to="too-old@example.com", created_at=london(2026, 6, 24, 23, 59, 59))
    assert recipients(client.get(list_url(service))) == ["first-kept@example.com"]
    assert "Messages from the last 3 days" in client.get(list_url(service)).content.decode()
    # just after midnight the 25th falls out too
    with time_machine.travel(london(2026, 6, 29, 0, 0, 1), tick=False):
        assert recipients(client.get(list_url(service))) == []


# --- Pagination --------------------------------------------------------------------------


def test_exactly_fifty_is_one_page(client, member, service):
    make(service, 50)
    response = client.get(list_url(service))
    assert len(recipients(response)) == 50
    assert link(response, "next") is None
    assert link(response, "prev") is None


def test_fifty_one_pages_forward_and_back(client, member, service):
    make(service, 51)
    first = client.get(list_url(service))
    assert recipients(first) == [f"person{i}@example.com" for i in range(50)]
    assert link(first, "prev") is None
    second = client.get(link(first, "next"))
    assert recipients(second) == ["person50@example.com"]
    assert link(second, "next") is None
    back = client.get(link(second, "prev"))
    assert recipients(back) == recipients(first)
    assert link(back, "prev") is None
    assert link(back, "next") == link(first, "next")


def test_pages_walk_through_ties_in_created_at_without_gaps_or_repeats(client, member, service):
    # a job's batch is created with one timestamp: the id breaks the tie
    make(service, 120, step=timedelta(0))
    seen = []
    url = list_url(service)
    pages = 0
    while url:
        response = client.get(url)
        seen += recipients(response)
        url = link(response, "next")
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(f"person{i}@example.com" for i in range(120))
    assert len(set(seen)) == 120
    # and back again from the last page
    previous = link(response, "prev")
    middle = client.get(previous)
    assert len(recipients(middle)) == 50
    assert recipients(middle) == seen[50:100]


def test_pagination_keeps_filters(client, member, service):
    make(service, 55, status="delivered")
    make(service, 5, status="permanent-failure")
    first = client.get(list_url(service, status="delivered", search=""))
    next_url = link(first, "next")
    assert "status=delivered" in next_url
    assert len(recipients(client.get(next_url))) == 5


@pytest.mark.parametrize(
    "cursor", ["garbage", "e30", "WyJ4Il0", "WyIyMDI2LTA2LTI4VDEwOjAwOjAwIiwieCJd", "%00", "x" * 5000]
)
def test_bad_cursor_shows_the_first_page(client, member, service, cursor):
    make(service, 3)
    for param in ("after", "before"):
        response = client.get(list_url(service, **{param: cursor}))
        assert response.status_code == 200
        assert "There is a problem" not in response.content.decode()
        assert recipients(response)[0] == "person0@example.com"


@pytest.mark.parametrize("param", ["after", "before", "status"])
def test_a_null_character_in_a_link_parameter_is_no_error(client, member, service, param):
    make(service, 3)
    response = client.get(list_url(service, **{param: "\x00"}))
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()
    assert recipients(response) == [f"person{i}@example.com" for i in range(3)]


def test_previous_from_a_page_whose_newer_rows_were_deleted_shows_the_first_page(client, member, service):
    made = make(service, 60)
    second = client.get(link(client.get(list_url(service)), "next"))
    type(made[0]).objects.filter(pk__in=[n.pk for n in made[:20]]).delete()
    back = client.get(link(second, "prev"))
    assert recipients(back)[0] == "person20@example.com"
    assert len(recipients(back)) == 40
    assert link(back, "prev") is None


def count_queries(client, url):
    """Queries a GET of ``url`` makes (after a first GET has written the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_a_page_of_fifty_costs_the_same_queries_as_a_page_of_five(client, member, service):
    url = list_url(service)
    job = JobFactory(template=TemplateFactory(service=service))
    for index in range(5):
        NotificationFactory(job=job, job_row_number=index)
    few = count_queries(client, url)
    for index in range(5, 60):
        NotificationFactory(job=job, job_row_number=index, template=TemplateFactory(service=service))
    many = count_queries(client, url)
    assert len(recipients(client.get(url))) == 50
    assert many == few


# --- One notification --------------------------------------------------------------------


def test_notification_page_renders_the_message_escaped_with_status_and_timeline(client, member, service):
    template = TemplateFactory(
        service=service, template_type="email", subject="About ((thing))", content="Dear ((name)),\nsee ((thing))."
    )
    notification = NotificationFactory(
        template=template,
        to="someone@example.com",
        personalisation={"name": "<script>alert(1)</script>", "thing": "your <b>licence</b>"},
        status="delivered",
        created_at=NOW - timedelta(minutes=5),
        sent_at=NOW - timedelta(minutes=5) + timedelta(seconds=2),
        client_reference="ref-9",
    )
    url = reverse("notifications:notification", kwargs={"service_id": service.pk, "notification_id": notification.pk})
    html = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Dear &lt;script&gt;alert(1)&lt;/script&gt;,<br>see your &lt;b&gt;licence&lt;/b&gt;." in html
    assert "<strong>Subject:</strong> About your &lt;b&gt;licence&lt;/b&gt;" in html
    assert '<strong class="govuk-tag govuk-tag--green">Delivered</strong>' in html
    assert "ref-9" in html
    timeline = re.findall(r"<li><strong>([^<]+)</strong> <time[^>]*>([^<]+)</time></li>", html)
    assert timeline == [
        ("Created", "28 June 2026, 11:55:00"),
        ("Sent to the provider", "28 June 2026, 11:55:02"),
        ("Delivered", "28 June 2026, 12:00:00"),
    ]


def test_sms_notification_page_and_a_failure(client, member, service):
    notification = NotificationFactory(
        template=TemplateFactory(service=service, template_type="sms", content="Code ((code))"),
        personalisation={"code": "12345"},
        status="permanent-failure",
    )
    url = reverse("notifications:notification", kwargs={"service_id": service.pk, "notification_id": notification.pk})
    html = client.get(url).content.decode()
    assert '<div class="app-message-body">Code 12345</div>' in html
    assert '<strong class="govuk-tag govuk-tag--red">Permanent failure</strong>' in html
    assert "Sent to the provider" not in html


def test_another_services_notification_is_404(client, member, service):
    other = NotificationFactory()
    url = reverse("notifications:notification", kwargs={"service_id": service.pk, "notification_id": other.pk})
    assert client.get(url).status_code == 404


# --- Dashboard ---------------------------------------------------------------------------


def test_dashboard_shows_counts_limits_and_recent_jobs(client, member, service):
    NotificationFactory(service=service, status="delivered")
    NotificationFactory(service=service, status="permanent-failure")
    NotificationFactory(service=service, notification_type="sms", status="sending")
    JobFactory(template=TemplateFactory(service=service), original_file_name="june.csv", job_status="finished")
    html = client.get(reverse("services:service_home", kwargs={"service_id": service.pk})).content.decode()
    email_row = re.search(r'<tr class="govuk-table__row" id="dashboard-email">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"numeric\">(?:<a[^>]*>)?(\d+)", email_row) == ["2", "0", "1", "1"]
    sms_row = re.search(r'<tr class="govuk-table__row" id="dashboard-sms">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"numeric\">(?:<a[^>]*>)?(\d+)", sms_row) == ["1", "1", "0", "0"]
    assert "Emails: 2 of 250,000 used today, 249,998 left" in html
    assert "june.csv</a>" in html


def test_dashboard_without_view_activity_shows_links_only(client, service):
    membership = ServiceUserFactory(service=service, view_activity=False, manage_templates=True)
    client.force_login(membership.user)
    html = client.get(reverse("services:service_home", kwargs={"service_id": service.pk})).content.decode()
    assert "What you can do" in html
    assert "dashboard-email" not in html
    assert "Sent messages" not in html
