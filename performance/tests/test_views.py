import re
from datetime import date

import pytest
import time_machine
from django.test import override_settings

from performance.templatetags.performance_tags import big_number, govuk_time
from performance.tests.test_queries import DEAD_REDIS_CACHE, london, processing_day, status_day
from services.tests.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

JSON_KEYS = {
    "total_notifications",
    "email_notifications",
    "sms_notifications",
    "letter_notifications",
    "notifications_by_type",
    "processing_time",
    "average_percentage_under_10_seconds",
    "live_service_count",
    "organisations_using_notify",
    "count_of_live_services_and_organisations",
}


@pytest.fixture
def facts():
    status_day(date(2026, 11, 20), emails=1_234_567, sms=12, letters=0)
    status_day(date(2026, 11, 21), emails=0, sms=0, letters=0)
    status_day(date(2026, 11, 22), emails=8, sms=9, letters=1, finished_at=london(2026, 11, 23, 0, 30, 4))
    processing_day(date(2026, 11, 21), total=0, within=0)
    processing_day(date(2026, 11, 22), total=8, within=7, finished_at=london(2026, 11, 23, 2, 0, 2))
    ServiceFactory(organisation=OrganisationFactory(name="Cabinet Office"), live=True)


def table_rows(html, table_id):
    table = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody", 1)[1], re.S)
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_json_has_notifys_keys(client, facts):
    response = client.get("/features/performance.json")
    assert response.status_code == 200
    body = response.json()
    assert body.keys() >= JSON_KEYS
    assert body["notifications_by_type"] == [
        {"date": "2026-11-20", "emails": 1_234_567, "sms": 12, "letters": 0},
        {"date": "2026-11-21", "emails": 0, "sms": 0, "letters": 0},
        {"date": "2026-11-22", "emails": 8, "sms": 9, "letters": 1},
    ]
    assert body["processing_time"] == [
        {"date": "2026-11-21", "percentage_under_10_seconds": 100.0},
        {"date": "2026-11-22", "percentage_under_10_seconds": 87.5},
    ]
    assert body["average_percentage_under_10_seconds"] == 93.75
    assert body["organisations_using_notify"] == [{"organisation_name": "Cabinet Office", "count_of_live_services": 1}]


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_page_shows_totals_tables_with_captions_and_freshness(client, facts):
    response = client.get("/features/performance")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data up to 22 November 2026, updated 23 November 2026 at 2:00am." in html
    assert '<p class="govuk-heading-xl app-big-number" id="total-notifications">1.2 million' in html
    assert "Messages sent per day. Only showing the last 7 days." in html
    assert "Percentage of messages sent within 10 seconds of being requested, per day." in html
    assert "Live services by organisation." in html
    assert table_rows(html, "messages-per-day") == [
        ["22 November 2026", "8", "9", "1"],
        ["21 November 2026", "0", "0", "0"],
        ["20 November 2026", "1.2 million", "12", "0"],
    ]
    assert table_rows(html, "processing-time") == [["22 November 2026", "87.50%"], ["21 November 2026", "100.00%"]]
    assert table_rows(html, "organisations") == [["Cabinet Office", "1"]]
    assert "93.75%" in html
    # The chart: one accessible SVG, one labelled bar segment per non-zero count.
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert "<title>Fri 20 Nov – Emails: 1,234,567</title>" in html
    assert html.count("<rect x=") == 5


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
def test_page_before_any_nightly_run(client):
    html = client.get("/features/performance").content.decode()
    assert "No data yet: the figures appear after the first nightly run." in html
    assert "No days in this period have been counted yet." in html
    assert "<svg xmlns" not in html


def test_performance_redirects_to_the_page(client):
    response = client.get("/performance")
    assert response.status_code == 301
    assert response["Location"] == "/features/performance"


def test_page_needs_no_sign_in_and_takes_only_get(client):
    assert client.post("/features/performance").status_code == 405


@time_machine.travel(london(2026, 11, 23, 9, 0), tick=False)
@override_settings(CACHES=DEAD_REDIS_CACHE)
def test_page_and_json_are_served_with_the_cache_down(client, facts):
    assert client.get("/features/performance").status_code == 200
    response = client.get("/features/performance.json")
    assert response.status_code == 200
    assert response.json()["total_notifications"] == 1_234_567 + 12 + 8 + 9 + 1


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0"),
        (999_999, "999,999"),
        (1_000_000, "1 million"),
        (1_250_000, "1.2 million"),
        (3_400_000_000, "3.4 billion"),
    ],
)
def test_big_numbers(count, shown):
    assert big_number(count) == shown


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (london(2026, 6, 23, 0, 30), "12:30am"),  # BST: 23:30 UTC the day before
        (london(2026, 11, 23, 12, 5), "12:05pm"),
        (london(2026, 11, 23, 14, 0), "2:00pm"),
    ],
)
def test_times_are_shown_in_london_govuk_style(moment, shown):
    assert govuk_time(moment) == shown
