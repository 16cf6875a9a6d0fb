from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .. import actions, queries
from ..forms import OrganisationForm
from ..models import Organisation
from ..permissions import platform_admin_only
from ._common import posted as _posted


@platform_admin_only
def organisations(request):
    return render(
        request, "services/organisations/list.html", {"organisations": queries.organisations_with_service_counts()}
    )


@platform_admin_only
@require_http_methods(["GET", "POST"])
def add_organisation(request):
    form = OrganisationForm(_posted(request))
    if form.is_valid():
        try:
            organisation = actions.organisation_create(name=form.cleaned_data["name"])
        except actions.ServiceError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"{organisation.name} has been created")
            return redirect("services:organisation", organisation_id=organisation.pk)
    return render(request, "services/organisations/add.html", {"form": form})


@platform_admin_only
def organisation(request, organisation_id):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    return render(
        request,
        "services/organisations/detail.html",
        {"organisation": organisation, "services": queries.organisation_services(organisation=organisation)},
    )
