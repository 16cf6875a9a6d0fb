from django.shortcuts import get_object_or_404, render

from services.permissions import service_permission_required

from ..models import Job


@service_permission_required("view_activity")
def job(request, service_id, job_id):
    job = get_object_or_404(Job, service=request.service, pk=job_id)
    return render(request, "notifications/job.html", {"service": request.service, "job": job})
