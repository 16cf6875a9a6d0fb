from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifications import queries as notification_queries

from .. import actions, queries
from ..forms import (
    ConfirmForm,
    DataRetentionForm,
    EmailReplyToForm,
    ServiceNameForm,
    ServiceOrganisationForm,
    SmsSenderForm,
)
from ..permissions import platform_admin_required, service_permission_required
from ._common import posted as _posted


@login_required
def your_services(request):
    return render(request, "services/your_services.html", {"services": queries.user_services(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def add_service(request):
    form = ServiceNameForm(_posted(request))
    if form.is_valid():
        try:
            service = actions.service_create(user=request.user, name=form.cleaned_data["name"])
        except actions.ServiceError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"{service.name} has been created. It is in trial mode.")
            return redirect("services:service_home", service_id=service.pk)
    return render(request, "services/add_service.html", {"form": form})


@service_permission_required()
def service_home(request, service_id):
    context = {"service": request.service}
    # The dashboard's activity is for those allowed to see it; other members get the links.
    if "view_activity" in request.service_permissions:
        context["dashboard"] = notification_queries.service_dashboard(service=request.service)
    return render(request, "services/service_home.html", context)


@service_permission_required("manage_service")
def service_settings(request, service_id):
    return render(request, "services/settings.html", {"service": request.service})


# Each setting has its own page, as in Notify: (form, field, page title).
SETTINGS = {
    "name": (ServiceNameForm, "name", "Change your service name"),
    "data_retention_days": (DataRetentionForm, "data_retention_days", "Change data retention"),
    "email_reply_to": (EmailReplyToForm, "email_reply_to", "Change reply-to email address"),
    "sms_sender": (SmsSenderForm, "sms_sender", "Change text message sender"),
}


@service_permission_required("manage_service")
@require_http_methods(["GET", "POST"])
def change_setting(request, service_id, setting):
    service = request.service
    form_class, field, title = SETTINGS[setting]
    kwargs = {"service": service} if form_class is ServiceNameForm else {}
    form = form_class(_posted(request), initial={field: getattr(service, field)}, **kwargs)
    if form.is_valid():
        try:
            actions.service_update(service=service, **{field: form.cleaned_data[field]})
        except actions.ServiceError as error:
            form.add_error(field, str(error))
        else:
            messages.success(request, "Your changes have been saved")
            return redirect("services:service_settings", service_id=service.pk)
    return render(request, "services/change_setting.html", {"service": service, "form": form, "title": title})


@service_permission_required("manage_service")
@require_http_methods(["GET", "POST"])
def request_to_go_live(request, service_id):
    service = request.service
    form = ConfirmForm(_posted(request))
    if service.active and service.restricted and form.is_valid():
        actions.service_request_go_live(service=service, user=request.user)
        messages.success(request, "Thanks for your request to go live. We’ll get back to you within one working day.")
        return redirect("services:service_settings", service_id=service.pk)
    return render(request, "services/request_to_go_live.html", {"service": service, "form": form})


@platform_admin_required
@require_http_methods(["GET", "POST"])
def switch_live(request, service_id):
    service = request.service
    form = ConfirmForm(_posted(request))
    if service.restricted and service.active and form.is_valid():
        actions.service_make_live(service=service)
        messages.success(request, f"{service.name} is now live")
        return redirect("services:service_settings", service_id=service.pk)
    return render(request, "services/switch_live.html", {"service": service, "form": form})


@platform_admin_required
@require_http_methods(["GET", "POST"])
def archive_service(request, service_id):
    service = request.service
    form = ConfirmForm(_posted(request))
    if service.active and form.is_valid():
        original_name = service.name
        actions.service_archive(service=service)
        messages.success(request, f"{original_name} has been archived")
        return redirect("services:your_services")
    return render(request, "services/archive_service.html", {"service": service, "form": form})


@platform_admin_required
@require_http_methods(["GET", "POST"])
def service_organisation(request, service_id):
    service = request.service
    form = ServiceOrganisationForm(_posted(request), initial={"organisation": service.organisation_id})
    if form.is_valid():
        actions.service_set_organisation(service=service, organisation=form.cleaned_data["organisation"])
        messages.success(request, "Your changes have been saved")
        return redirect("services:service_settings", service_id=service.pk)
    return render(request, "services/service_organisation.html", {"service": service, "form": form})
