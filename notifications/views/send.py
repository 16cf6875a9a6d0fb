"""Sending pages: upload a spreadsheet, check it, send now or later; one-off messages;
the example spreadsheet; cancelling a scheduled job.

The uploaded file goes to storage before the check page is shown; the upload's id (the
future job's id) is kept in the session with the file's name, so reloading the check
page, or coming back after a restart, finds it again.
"""

import csv
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from notify_admin.formats import govuk_time
from services.models import TemplateType
from services.permissions import service_permission_required
from services.queries import service_template
from services.templating import placeholders, preview

from ..models import Job, JobStatus
from ..recipients import MAX_DISPLAYED_ROWS, example_rows
from ..sending import jobs as job_actions
from ..sending import uploads
from ..sending.forms import OneOffForm, SendForm, UploadForm
from ..sending.limits import remaining_messages, trial_mode_allowlist
from ..sending.one_off import notification_create_one_off

logger = logging.getLogger(__name__)

SESSION_UPLOADS = "send_uploads"
MAX_SESSION_UPLOADS = 20
# Errors of the file itself and its columns come before "already sent today"; the rest
# (rows, then what the service may not send) after it, as on Notify's check page.
AFTER_DUPLICATE = frozenset({"row_errors", "not_allowed_to_send_to", "too_many_recipients", "daily_limit_reached"})
TYPE_NAMES = {TemplateType.EMAIL: ("email", "emails"), TemplateType.SMS: ("text message", "text messages")}


def _sendable_template(request, template_id):
    if not request.service.active:
        raise PermissionDenied
    template = service_template(service=request.service, template_id=template_id)
    if template.template_type not in TYPE_NAMES:
        raise Http404
    return template


def _preview(template, values):
    return preview(
        template_type=template.template_type, subject=template.subject, content=template.content, values=values
    )


def _page(request, name, context):
    template = context["template"]
    singular, plural = TYPE_NAMES[template.template_type]
    return render(
        request,
        f"notifications/send/{name}.html",
        {"service": request.service, "type_name": singular, "type_name_plural": plural, **context},
    )


@service_permission_required("send_messages")
@require_http_methods(["GET", "POST"])
def send_upload(request, service_id, template_id):
    template = _sendable_template(request, template_id)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload_id = uploads.upload_save(service=request.service, file=file)
        stored = request.session.get(SESSION_UPLOADS, {})
        # Only the latest few: an abandoned upload's file is swept from storage anyway.
        stored = dict(list(stored.items())[-(MAX_SESSION_UPLOADS - 1) :])
        stored[str(upload_id)] = {"template_id": str(template.pk), "filename": file.name}
        request.session[SESSION_UPLOADS] = stored
        return redirect("notifications:send_check", service_id=service_id, template_id=template.pk, upload_id=upload_id)
    names = placeholders(f"{template.subject} {template.content}")
    context = {"template": template, "form": form, "placeholder_names": names, **_preview(template, {})}
    return _page(request, "upload", context)


def _check_errors(recipients, duplicate):
    """The validator's errors with "already sent today" in its place."""
    errors = list(recipients.errors)
    if duplicate is None:
        return errors
    position = next((i for i, error in enumerate(errors) if error.code in AFTER_DUPLICATE), len(errors))
    return [*errors[:position], duplicate, *errors[position:]]


class DuplicateWarning:
    code = "already_sent_today"

    def __init__(self, job):
        self.job = job
        self.title = "You already sent this file today"
        self.paragraphs = (
            f"‘{job.original_file_name}’ was sent with this template at {govuk_time(job.created_at)} today.",
            "Check you want to send these messages again.",
        )
        self.items = ()

    def __str__(self):
        return " ".join((self.title, *self.paragraphs))


@service_permission_required("send_messages")
@require_http_methods(["GET", "POST"])
def send_check(request, service_id, template_id, upload_id):
    template = _sendable_template(request, template_id)
    existing = Job.objects.filter(pk=upload_id, service=request.service).first()
    if existing is not None:
        messages.info(request, "These messages have already been sent")
        return redirect("notifications:job", service_id=service_id, job_id=existing.pk)
    upload = request.session.get(SESSION_UPLOADS, {}).get(str(upload_id))
    if (
        upload is None
        or upload["template_id"] != str(template.pk)
        or not uploads.upload_exists(service_id=request.service.pk, upload_id=upload_id)
    ):
        messages.error(request, "Your file could not be found. Upload it again.")
        return redirect("notifications:send_upload", service_id=service_id, template_id=template.pk)

    filename = upload["filename"]
    data = uploads.upload_read(uploads.upload_path(service_id=request.service.pk, upload_id=upload_id))
    recipients = uploads.upload_check(service=request.service, template=template, data=data, filename=filename)
    file_hash = uploads.file_hash(data)
    form = SendForm(request.POST if request.method == "POST" else None)
    send_again = request.GET.get("send_again") == "yes" or (request.method == "POST" and "send_again" in request.POST)
    duplicate_job = job_actions.duplicate_job_today(service=request.service, template=template, file_hash=file_hash)
    duplicate = DuplicateWarning(duplicate_job) if duplicate_job and not send_again else None
    errors = _check_errors(recipients, duplicate)

    if request.method == "POST" and not errors and form.is_valid():
        try:
            job = job_actions.job_create(
                service=request.service,
                template=template,
                upload_id=upload_id,
                filename=filename,
                notification_count=len(recipients),
                file_hash=file_hash,
                scheduled_for=form.cleaned_data["scheduled_for"],
                user=request.user,
            )
        except job_actions.DuplicateJob as duplicate_error:
            job = duplicate_error.job
        request.session[SESSION_UPLOADS] = {
            key: value for key, value in request.session.get(SESSION_UPLOADS, {}).items() if key != str(upload_id)
        }
        return redirect("notifications:job", service_id=service_id, job_id=job.pk)

    first_row = next(recipients.sendable_rows(), None) if not recipients.errors else None
    context = {
        "template": template,
        "recipients": recipients,
        "errors": errors,
        "problem": errors[0] if errors else None,
        "is_duplicate": bool(errors) and errors[0] is duplicate,
        "form": form,
        "send_again": send_again or duplicate_job is None,
        "upload_id": upload_id,
        "filename": filename,
        "rows": recipients.displayed_rows,
        "more_rows": (recipients.rows_with_errors if recipients.initial_rows_with_errors else len(recipients))
        > MAX_DISPLAYED_ROWS,
        "max_rows": MAX_DISPLAYED_ROWS,
        "upload_form": UploadForm(),
        **_preview(template, first_row.personalisation if first_row else {}),
    }
    return _page(request, "check", context)


@service_permission_required("send_messages")
def example_spreadsheet(request, service_id, template_id):
    template = _sendable_template(request, template_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe_name = "".join(c if c.isalnum() or c in " -_" else "_" for c in template.name).strip() or "example"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}.csv"'
    writer = csv.writer(response)
    writer.writerows(example_rows(template.template_type, template.content, template.subject))
    return response


@service_permission_required("send_messages")
@require_http_methods(["GET", "POST"])
def send_one_off(request, service_id, template_id):
    template = _sendable_template(request, template_id)
    service = request.service
    form = OneOffForm(
        request.POST if request.method == "POST" else None,
        template=template,
        service=service,
        allowlist=trial_mode_allowlist(service=service, notification_type=template.template_type),
        remaining=remaining_messages(service=service, notification_type=template.template_type)
        if request.method == "POST"
        else None,
    )
    if request.method == "POST" and form.is_valid():
        notification = notification_create_one_off(
            service=service,
            template=template,
            to=form.cleaned_data["recipient"],
            normalised_to=form.normalised_recipient,
            personalisation=form.personalisation,
            user=request.user,
        )
        messages.success(request, f"Your {TYPE_NAMES[template.template_type][0]} is on its way")
        return redirect("notifications:notification", service_id=service_id, notification_id=notification.pk)
    values = form.personalisation if form.is_bound and hasattr(form, "cleaned_data") else {}
    return _page(request, "one_off", {"template": template, "form": form, **_preview(template, values)})


@service_permission_required("send_messages")
@require_http_methods(["GET", "POST"])
def job_cancel(request, service_id, job_id):
    job = get_object_or_404(Job.objects.select_related("template"), pk=job_id, service=request.service)
    if request.method == "POST":
        if job_actions.job_cancel(service=request.service, job_id=job.pk):
            messages.success(request, f"Sending ‘{job.original_file_name}’ has been cancelled")
        else:
            job.refresh_from_db(fields=["job_status"])
            messages.error(
                request,
                "This job has already been cancelled"
                if job.job_status == JobStatus.CANCELLED
                else "This job has already started, so it cannot be cancelled",
            )
        return redirect("notifications:job", service_id=service_id, job_id=job.pk)
    if job.job_status != JobStatus.SCHEDULED:
        messages.error(request, "Only a scheduled job that has not started can be cancelled")
        return redirect("notifications:job", service_id=service_id, job_id=job.pk)
    return render(request, "notifications/send/cancel_job.html", {"service": request.service, "job": job})
