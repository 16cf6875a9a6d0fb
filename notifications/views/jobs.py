from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from services.permissions import service_permission_required

from .. import queries
from ..models import JobStatus
from .filters import HistoryFilterForm, pagination, status_tabs

# Seconds between reloads of a running job's page when JavaScript is off, and between
# polls of its progress when it is on.
REFRESH_SECONDS = 5


@service_permission_required("view_activity")
def jobs(request, service_id):
    service = request.service
    filters = HistoryFilterForm(request.GET).filters()
    page = queries.jobs_page(service=service, after=filters["after"], before=filters["before"])
    base_url = reverse("notifications:jobs", kwargs={"service_id": service.pk})
    return render(
        request, "notifications/jobs.html", {"service": service, "page": page, **pagination(page, base_url=base_url)}
    )


@service_permission_required("view_activity")
def job(request, service_id, job_id):
    service = request.service
    job = queries.job_with_counts(service=service, job_id=job_id)
    filters = HistoryFilterForm(request.GET).filters()
    page = queries.job_notifications_page(
        job=job, status=filters["status"], after=filters["after"], before=filters["before"]
    )
    base_url = reverse("notifications:job", kwargs={"service_id": service.pk, "job_id": job.pk})
    progress = queries.job_progress(job)
    return render(
        request,
        "notifications/job.html",
        {
            "service": service,
            "job": job,
            "counts": job.counts,
            "progress": progress,
            "in_progress": not progress["finished"] and job.job_status != JobStatus.SCHEDULED,
            "refresh_seconds": REFRESH_SECONDS,
            "page": page,
            "filters": filters,
            "status_tabs": status_tabs(base_url=base_url, status=filters["status"]),
            "cancel_url": _cancel_url(request, job),
            **pagination(page, base_url=base_url, status=filters["status"]),
        },
    )


@service_permission_required("view_activity")
def job_progress(request, service_id, job_id):
    job = queries.job_with_counts(service=request.service, job_id=job_id)
    return JsonResponse(queries.job_progress(job))


def _cancel_url(request, job):
    """Where the cancel button posts, for a scheduled job and someone who may send.

    The cancel page belongs to the sending pages; until it exists there is no button.
    """
    if job.job_status != JobStatus.SCHEDULED or "send_messages" not in request.service_permissions:
        return None
    try:
        return reverse("notifications:job_cancel", kwargs={"service_id": job.service_id, "job_id": job.pk})
    except NoReverseMatch:
        return None
