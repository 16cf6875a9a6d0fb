"""CSV downloads: columns, content, filters, formula neutralising and streaming."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications.tests.factories import JobFactory, NotificationFactory
from notifications.views.downloads import HEADER, csv_lines, neutralise
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
    return ServiceFactory(live=True, name="Tax & Benefits")


@pytest.fixture
def member(client, service):
    membership = ServiceUserFactory(service=service, view_activity=True)
    client.force_login(membership.user)
    return membership.user


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response, list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_service_download_has_every_column(client, member, service):
    sender = UserFactory(name="Ada Lovelace", email="ada@example.gov.uk")
    template = TemplateFactory(service=service, name="Reminder", template_type="email")
    job = JobFactory(template=template, original_file_name="june.csv")
    NotificationFactory(
        job=job,
        to="someone@example.com",
        client_reference="ref-1",
        created_by=sender,
        status="delivered",
        created_at=london(2026, 6, 28, 9, 30, 15),
    )
    NotificationFactory(
        api_key=ApiKeyFactory(service=service, name="Payments"),
        template=template,
        to="other@example.com",
        status="permanent-failure",
        # 00:30 in London on the 28th, 23:30 UTC on the 27th: the time is London's
        created_at=london(2026, 6, 28, 0, 30),
    )
    NotificationFactory(api_key=ApiKeyFactory(service=service, key_type="test"), template=template)
    NotificationFactory(template=template, created_at=NOW - timedelta(days=8))  # past retention
    response, rows = download(client, reverse("notifications:download_notifications", args=[service.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="tax-benefits-all-total-2026-06-28.csv"'
    assert rows == [
        list(HEADER),
        [
            "someone@example.com",
            "ref-1",
            "Reminder",
            "email",
            "Ada Lovelace",
            "ada@example.gov.uk",
            "june.csv",
            "Delivered",
            "2026-06-28 09:30:15",
            "",
        ],
        [
            "other@example.com",
            "",
            "Reminder",
            "email",
            "",
            "",
            "",
            "Permanent failure",
            "2026-06-28 00:30:00",
            "Payments",
        ],
    ]
    assert HEADER == (
        "Recipient",
        "Reference",
        "Template",
        "Type",
        "Sent by",
        "Sent by email",
        "Job",
        "Status",
        "Time",
        "API key name",
    )


def test_download_by_type_and_status(client, member, service):
    NotificationFactory(service=service, notification_type="sms", to="07700900001", status="delivered")
    NotificationFactory(service=service, notification_type="sms", to="07700900002", status="temporary-failure")
    NotificationFactory(service=service, notification_type="email", to="a@example.com", status="temporary-failure")
    _, rows = download(client, reverse("notifications:download_sms_notifications", args=[service.pk]))
    assert sorted(row[0] for row in rows[1:]) == ["07700900001", "07700900002"]
    url = reverse("notifications:download_sms_notifications", args=[service.pk]) + "?status=failed"
    response, rows = download(client, url)
    assert [row[0] for row in rows[1:]] == ["07700900002"]
    assert response["Content-Disposition"].endswith('sms-failed-2026-06-28.csv"')
    _, rows = download(client, reverse("notifications:download_email_notifications", args=[service.pk]))
    assert [row[0] for row in rows[1:]] == ["a@example.com"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+447700900123", "'+447700900123"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


def test_formula_cells_are_neutralised_in_every_column(client, member, service):
    sender = UserFactory(name="=cmd|' /C calc'!A0", email="sender@example.gov.uk")
    template = TemplateFactory(service=service, name="+Template")
    job = JobFactory(template=template, original_file_name="@job.csv")
    NotificationFactory(
        job=job,
        to="=1+1",
        client_reference="-2",
        created_by=sender,
        api_key=ApiKeyFactory(service=service, name="=key"),
    )
    _, rows = download(client, reverse("notifications:download_notifications", args=[service.pk]))
    assert rows[1] == [
        "'=1+1",
        "'-2",
        "'+Template",
        "email",
        "'=cmd|' /C calc'!A0",
        "sender@example.gov.uk",
        "'@job.csv",
        "Created",
        "2026-06-28 12:00:00",
        "'=key",
    ]


def test_job_download_in_row_order(client, member, service):
    job = JobFactory(template=TemplateFactory(service=service, name="T"), original_file_name="rows.csv")
    for row in (2, 0, 1):
        NotificationFactory(job=job, job_row_number=row, to=f"row{row}@example.com")
    NotificationFactory(service=service, to="not-in-job@example.com")
    response, rows = download(client, reverse("notifications:download_job", args=[service.pk, job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="rows-notifications.csv"'
    assert [row[0] for row in rows[1:]] == ["row0@example.com", "row1@example.com", "row2@example.com"]


def test_another_services_job_is_404(client, member, service):
    job = JobFactory()
    assert client.get(reverse("notifications:download_job", args=[service.pk, job.pk])).status_code == 404


def test_csv_lines_stream_in_pieces_without_reading_every_row_first():
    """The writer pulls rows as it goes: the first piece comes before the last row is read."""
    read = []

    def rows():
        for index in range(1200):
            read.append(index)
            yield ("to", "", "T", "email", "", "", "", "created", NOW, "")

    lines = csv_lines(rows())
    assert next(lines) == ",".join(HEADER) + "\r\n"
    first_piece = next(lines)
    assert first_piece.count("\r\n") == 500
    assert len(read) == 500
    rest = list(lines)
    assert [piece.count("\r\n") for piece in rest] == [500, 200]
    assert len(read) == 1200


def test_empty_download_is_the_header_only(client, member, service):
    _, rows = download(client, reverse("notifications:download_notifications", args=[service.pk]))
    assert rows == [list(HEADER)]
