from django.urls import path

from .views import jobs

app_name = "notifications"

S = "services/<uuid:service_id>"

urlpatterns = [
    path(f"{S}/jobs/<uuid:job_id>", jobs.job, name="job"),
]
