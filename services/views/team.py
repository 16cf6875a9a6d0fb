from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from .. import actions, queries
from ..forms import ConfirmForm, InviteForm, PermissionsForm
from ..models import Invite, ServiceUser
from ..permissions import service_permission_required
from ._common import posted as _posted


@service_permission_required()
def team_members(request, service_id):
    service = request.service
    context = {
        "service": service,
        "members": queries.team_members(service=service),
        "invites": queries.pending_invites(service=service),
    }
    return render(request, "services/team/members.html", context)


@service_permission_required("manage_service")
@require_http_methods(["GET", "POST"])
def invite_user(request, service_id):
    service = request.service
    form = InviteForm(_posted(request), service=service, initial={"permissions": ["view_activity"]})
    if form.is_valid():
        invite = actions.invite_create(
            service=service,
            invited_by=request.user,
            email=form.cleaned_data["email"],
            permissions=form.cleaned_data["permissions"],
            accept_url_for=lambda token: request.build_absolute_uri(reverse("services:accept_invite", args=[token])),
        )
        messages.success(request, f"Invite sent to {invite.email}")
        return redirect("services:team_members", service_id=service.pk)
    return render(request, "services/team/invite.html", {"service": service, "form": form})


def _membership(service, user_id):
    return get_object_or_404(ServiceUser.objects.select_related("user"), service=service, user_id=user_id)


@service_permission_required("manage_service")
@require_http_methods(["GET", "POST"])
def edit_member(request, service_id, user_id):
    service = request.service
    membership = _membership(service, user_id)
    form = PermissionsForm(_posted(request), initial={"permissions": membership.permissions})
    if form.is_valid():
        try:
            actions.service_user_set_permissions(membership=membership, permissions=form.cleaned_data["permissions"])
        except actions.ServiceError as error:
            form.add_error("permissions", str(error))
        else:
            messages.success(request, f"Permissions changed for {membership.user.name}")
            return redirect("services:team_members", service_id=service.pk)
    return render(
        request, "services/team/edit_member.html", {"service": service, "membership": membership, "form": form}
    )


@service_permission_required("manage_service")
@require_http_methods(["GET", "POST"])
def remove_member(request, service_id, user_id):
    service = request.service
    membership = _membership(service, user_id)
    form = ConfirmForm(_posted(request))
    if form.is_valid():
        try:
            actions.service_user_remove(membership=membership)
        except actions.ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{membership.user.name} has been removed from {service.name}")
            if membership.user_id == request.user.pk and not request.user.is_staff:
                return redirect("services:your_services")
            return redirect("services:team_members", service_id=service.pk)
    return render(
        request, "services/team/remove_member.html", {"service": service, "membership": membership, "form": form}
    )


@service_permission_required("manage_service")
@require_http_methods(["GET", "POST"])
def cancel_invite(request, service_id, invite_id):
    service = request.service
    invite = get_object_or_404(Invite, pk=invite_id, service=service, status=Invite.Status.PENDING)
    form = ConfirmForm(_posted(request))
    if form.is_valid():
        actions.invite_cancel(invite=invite)
        messages.success(request, f"Invitation to {invite.email} cancelled")
        return redirect("services:team_members", service_id=service.pk)
    return render(request, "services/team/cancel_invite.html", {"service": service, "invite": invite, "form": form})


@require_http_methods(["GET", "POST"])
def accept_invite(request, token):
    """The emailed link. Signed-in users confirm; others sign in or register first."""
    invite = actions.invite_find(token=token)
    if invite is None:
        return render(
            request, "services/team/invite_problem.html", {"problem": "This invitation link is not valid"}, status=404
        )
    try:
        actions.invite_check(invite)
    except actions.InviteError as error:
        return render(request, "services/team/invite_problem.html", {"problem": str(error)}, status=410)
    if not request.user.is_authenticated:
        # Notify sends people who have an account to sign in and everyone else to register.
        has_account = get_user_model().objects.filter(email__iexact=invite.email).exists()
        target = "/sign-in" if has_account else "/register"
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
    form = ConfirmForm(_posted(request))
    if form.is_valid():
        try:
            actions.invite_accept(invite=invite, user=request.user)
        except actions.InviteError as error:
            return render(request, "services/team/invite_problem.html", {"problem": str(error)}, status=403)
        messages.success(request, f"You have joined {invite.service.name}")
        return redirect("services:service_home", service_id=invite.service_id)
    return render(request, "services/team/accept_invite.html", {"invite": invite, "form": form})
