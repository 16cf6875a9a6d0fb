from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from .. import actions, queries
from ..forms import ApiKeyForm, ConfirmForm
from ..models import ApiKey
from ..permissions import service_permission_required
from ._common import posted as _posted


@service_permission_required("manage_api_keys")
def api_keys(request, service_id):
    return render(
        request,
        "services/api_keys/list.html",
        {"service": request.service, "api_keys": queries.service_api_keys(service=request.service)},
    )


@service_permission_required("manage_api_keys", platform_admin=False)
@require_http_methods(["GET", "POST"])
def create_api_key(request, service_id):
    service = request.service
    form = ApiKeyForm(_posted(request), service=service, initial={"key_type": "team" if service.restricted else ""})
    if form.is_valid():
        try:
            key, secret = actions.api_key_create(
                service=service,
                user=request.user,
                name=form.cleaned_data["name"],
                key_type=form.cleaned_data["key_type"],
            )
        except actions.ServiceError as error:
            form.add_error(None, str(error))
        else:
            # The secret exists only in this response: it is rendered here, never stored
            # or cached, and no later page can show it again.
            response = render(
                request, "services/api_keys/created.html", {"service": service, "key": key, "secret": secret}
            )
            add_never_cache_headers(response)
            return response
    return render(
        request, "services/api_keys/create.html", {"service": service, "form": form, "hints": ApiKeyForm.KEY_TYPE_HINTS}
    )


@service_permission_required("manage_api_keys")
@require_http_methods(["GET", "POST"])
def revoke_api_key(request, service_id, key_id):
    key = get_object_or_404(
        ApiKey.objects.defer("secret_hash"), pk=key_id, service=request.service, expiry_date__isnull=True
    )
    form = ConfirmForm(_posted(request))
    if form.is_valid():
        actions.api_key_revoke(key=key)
        messages.success(request, f"‘{key.name}’ was revoked")
        return redirect("services:api_keys", service_id=service_id)
    return render(request, "services/api_keys/revoke.html", {"service": request.service, "key": key, "form": form})
