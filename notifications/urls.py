from django.urls import path

from .models import NotificationType
from .views import downloads, history, jobs, send

app_name = "notifications"

S = "services/<uuid:service_id>"

urlpatterns = [
    # History (issue 7)
    path(f"{S}/notifications", history.notifications, name="notifications"),
    path(
        f"{S}/notifications/email",
        history.notifications,
        {"notification_type": NotificationType.EMAIL},
        name="email_notifications",
    ),
    path(
        f"{S}/notifications/sms",
        history.notifications,
        {"notification_type": NotificationType.SMS},
        name="sms_notifications",
    ),
    path(f"{S}/notification/<uuid:notification_id>", history.notification, name="notification"),
    path(f"{S}/notifications.csv", downloads.download_notifications, name="download_notifications"),
    path(
        f"{S}/notifications/email.csv",
        downloads.download_notifications,
        {"notification_type": NotificationType.EMAIL},
        name="download_email_notifications",
    ),
    path(
        f"{S}/notifications/sms.csv",
        downloads.download_notifications,
        {"notification_type": NotificationType.SMS},
        name="download_sms_notifications",
    ),
    path(f"{S}/jobs", jobs.jobs, name="jobs"),
    path(f"{S}/jobs/<uuid:job_id>", jobs.job, name="job"),
    path(f"{S}/jobs/<uuid:job_id>.json", jobs.job_progress, name="job_progress"),
    path(f"{S}/jobs/<uuid:job_id>.csv", downloads.download_job, name="download_job"),
    # Sending (issue 6)
    path(f"{S}/send/<uuid:template_id>/csv", send.send_upload, name="send_upload"),
    path(f"{S}/send/<uuid:template_id>/check/<uuid:upload_id>", send.send_check, name="send_check"),
    path(f"{S}/send/<uuid:template_id>/example.csv", send.example_spreadsheet, name="example_spreadsheet"),
    path(f"{S}/send/<uuid:template_id>/one-off", send.send_one_off, name="send_one_off"),
    path(f"{S}/jobs/<uuid:job_id>/cancel", send.job_cancel, name="job_cancel"),
]
