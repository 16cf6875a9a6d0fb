from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import actions, queries
from ..forms import ConfirmForm, TemplateForm
from ..models import TemplateType
from ..permissions import service_permission_required
from ..templating import placeholders, preview
from ._common import posted as _posted

TYPE_NAMES = {TemplateType.EMAIL: "email", TemplateType.SMS: "text message"}


@service_permission_required()
def template_list(request, service_id):
    template_type = request.GET.get("template_type")
    if template_type not in (TemplateType.EMAIL, TemplateType.SMS):
        template_type = None
    templates = queries.service_templates(service=request.service, template_type=template_type)
    return render(
        request,
        "services/templates/list.html",
        {"service": request.service, "templates": templates, "template_type": template_type},
    )


def _template_form_page(request, *, form, title, template=None):
    return render(
        request,
        "services/templates/form.html",
        {
            "service": request.service,
            "form": form,
            "title": title,
            "template": template,
            "template_type": form.template_type,
            "type_name": TYPE_NAMES[form.template_type],
        },
    )


def _editable_template(request, template_id):
    """Letter templates are counted but not written here: no page makes or edits them."""
    template = queries.service_template(service=request.service, template_id=template_id)
    if template.template_type not in TYPE_NAMES:
        raise Http404
    return template


def _fields(form):
    return {
        "name": form.cleaned_data["name"],
        "content": form.cleaned_data["content"],
        "subject": form.cleaned_data.get("subject", ""),
    }


@service_permission_required("manage_templates")
@require_http_methods(["GET", "POST"])
def add_template(request, service_id, template_type):
    form = TemplateForm(_posted(request), template_type=template_type)
    if form.is_valid():
        template = actions.template_create(
            service=request.service, user=request.user, template_type=template_type, **_fields(form)
        )
        messages.success(request, f"Template ‘{template.name}’ saved")
        return redirect("services:template_detail", service_id=service_id, template_id=template.pk)
    return _template_form_page(request, form=form, title=f"New {TYPE_NAMES[template_type]} template")


@service_permission_required()
def template_detail(request, service_id, template_id):
    template = queries.service_template(service=request.service, template_id=template_id)
    return render(
        request,
        "services/templates/detail.html",
        {"service": request.service, "template": template, **_preview(template, {})},
    )


@service_permission_required("manage_templates")
@require_http_methods(["GET", "POST"])
def edit_template(request, service_id, template_id):
    template = _editable_template(request, template_id)
    initial = {"name": template.name, "subject": template.subject, "content": template.content}
    form = TemplateForm(_posted(request), initial=initial, template_type=template.template_type)
    if form.is_valid():
        actions.template_update(template=template, **_fields(form))
        messages.success(request, f"Template ‘{template.name}’ saved")
        return redirect("services:template_detail", service_id=service_id, template_id=template.pk)
    return _template_form_page(request, form=form, title=f"Edit ‘{template.name}’", template=template)


@service_permission_required("manage_templates")
@require_http_methods(["GET", "POST"])
def copy_template(request, service_id, template_id):
    original = _editable_template(request, template_id)
    initial = {"name": f"{original.name} (copy)"[:255], "subject": original.subject, "content": original.content}
    form = TemplateForm(_posted(request), initial=initial, template_type=original.template_type)
    if form.is_valid():
        template = actions.template_create(
            service=request.service, user=request.user, template_type=original.template_type, **_fields(form)
        )
        messages.success(request, f"Template ‘{template.name}’ saved")
        return redirect("services:template_detail", service_id=service_id, template_id=template.pk)
    return _template_form_page(request, form=form, title=f"Copy ‘{original.name}’")


@service_permission_required("manage_templates")
@require_http_methods(["GET", "POST"])
def archive_template(request, service_id, template_id):
    template = queries.service_template(service=request.service, template_id=template_id)
    form = ConfirmForm(_posted(request))
    if form.is_valid():
        actions.template_archive(template=template)
        messages.success(request, f"Template ‘{template.name}’ deleted")
        return redirect("services:template_list", service_id=service_id)
    return render(
        request, "services/templates/archive.html", {"service": request.service, "template": template, "form": form}
    )


def _preview(template, values):
    """Everything the preview shows; personalisation is always HTML-escaped."""
    names = placeholders(f"{template.subject} {template.content}")
    return {
        "placeholders": [(index, name, values.get(name, "")) for index, name in enumerate(names)],
        **preview(
            template_type=template.template_type, subject=template.subject, content=template.content, values=values
        ),
    }


@service_permission_required()
def preview_template(request, service_id, template_id):
    template = queries.service_template(service=request.service, template_id=template_id)
    if template.template_type not in TYPE_NAMES:
        raise Http404
    # Only the template's own placeholders are taken from the query string; an empty
    # field stays a visible ((placeholder)) rather than vanishing.
    names = placeholders(f"{template.subject} {template.content}")
    values = {name: request.GET[name] for name in names if request.GET.get(name)}
    return render(
        request,
        "services/templates/preview.html",
        {"service": request.service, "template": template, "filled": bool(values), **_preview(template, values)},
    )
