from django.shortcuts import render
from django.urls import reverse

from services.permissions import service_permission_required
from services.templating import render as render_message

from .. import queries
from ..models import NotificationType
from .filters import HistoryFilterForm, pagination, query_string, status_tabs

LIST_URL_NAMES = {
    None: "notifications:notifications",
    NotificationType.EMAIL: "notifications:email_notifications",
    NotificationType.SMS: "notifications:sms_notifications",
}
DOWNLOAD_URL_NAMES = {
    None: "notifications:download_notifications",
    NotificationType.EMAIL: "notifications:download_email_notifications",
    NotificationType.SMS: "notifications:download_sms_notifications",
}
HEADINGS = {None: "Sent messages", NotificationType.EMAIL: "Emails", NotificationType.SMS: "Text messages"}


@service_permission_required("view_activity")
def notifications(request, service_id, notification_type=None):
    service = request.service
    form = HistoryFilterForm(request.GET)
    filters = form.filters()
    page = queries.notifications_page(service=service, notification_type=notification_type, **filters)
    base_url = reverse(LIST_URL_NAMES[notification_type], kwargs={"service_id": service.pk})
    kept = {"status": filters["status"], "search": filters["search"]}
    return render(
        request,
        "notifications/notifications.html",
        {
            "service": service,
            "form": form,
            "heading": HEADINGS[notification_type],
            "notification_type": notification_type,
            "type_links": [
                {
                    "label": HEADINGS[key] if key else "All",
                    "url": reverse(LIST_URL_NAMES[key], kwargs={"service_id": service.pk}) + query_string(**kept),
                    "selected": key == notification_type,
                }
                for key in LIST_URL_NAMES
            ],
            "page": page,
            "filters": filters,
            "status_tabs": status_tabs(base_url=base_url, status=filters["status"], search=filters["search"]),
            "download_url": reverse(DOWNLOAD_URL_NAMES[notification_type], kwargs={"service_id": service.pk})
            + query_string(status=filters["status"]),
            "retention_days": service.data_retention_days,
            **pagination(page, base_url=base_url, **kept),
        },
    )


@service_permission_required("view_activity")
def notification(request, service_id, notification_id):
    service = request.service
    notification = queries.service_notification(service=service, notification_id=notification_id)
    template = notification.template
    return render(
        request,
        "notifications/notification.html",
        {
            "service": service,
            "notification": notification,
            "template": template,
            # Rendered now from the template as it is; escaped, so personalisation is text.
            "subject": render_message(template.subject, notification.personalisation),
            "body": render_message(template.content, notification.personalisation),
            "status_group": queries.status_group(notification.status),
            "timeline": queries.notification_timeline(notification),
        },
    )
