"""CSV downloads of notifications, streamed a chunk at a time.

A live service can have 250,000 notifications a day: the rows are read through one
query in chunks (``queries.download_rows``) and written out as they come, so neither
the rows nor the file are ever held in memory whole.
"""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from performance import days
from services.permissions import service_permission_required

from .. import queries
from ..models import NotificationStatus
from .filters import HistoryFilterForm

HEADER = (
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
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = dict(NotificationStatus.choices)
# Rows per write: fewer, larger pieces than one per row, still far below a chunk of rows.
ROWS_PER_PIECE = 500


def neutralise(value):
    """The cell as text a spreadsheet will not run: a leading formula character is escaped
    with an apostrophe, as Notify does."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """csv.writer's file: hands back each line instead of storing it."""

    def write(self, value):
        return value


def csv_lines(rows):
    """The header, then one line per download row, in pieces of ``ROWS_PER_PIECE``."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    piece = []
    for row in rows:
        piece.append(writer.writerow([neutralise(cell) for cell in _cells(row)]))
        if len(piece) >= ROWS_PER_PIECE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def _cells(row):
    to, reference, template, notification_type, sent_by, sent_by_email, job, status, created_at, api_key = row
    return (
        to,
        reference,
        template,
        notification_type,
        sent_by,
        sent_by_email,
        job,
        STATUS_LABELS.get(status, status),
        timezone.localtime(created_at, days.LONDON).strftime("%Y-%m-%d %H:%M:%S"),
        api_key,
    )


def _csv_response(rows, filename):
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@service_permission_required("view_activity")
def download_notifications(request, service_id, notification_type=None):
    service = request.service
    status = HistoryFilterForm(request.GET).filters()["status"]
    rows = queries.service_download_rows(service=service, notification_type=notification_type, status=status)
    parts = [slugify(service.name) or "service", notification_type or "all", status, days.today().isoformat()]
    return _csv_response(rows, "-".join(parts) + ".csv")


@service_permission_required("view_activity")
def download_job(request, service_id, job_id):
    job = queries.service_job(service=request.service, job_id=job_id)
    name = slugify(job.original_file_name.rsplit(".", 1)[0]) or "job"
    return _csv_response(queries.job_download_rows(job=job), f"{name}-notifications.csv")
