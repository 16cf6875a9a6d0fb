"""Reads for the service pages; each list is one query (no N+1)."""

from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from .models import ApiKey, Invite, Organisation, Service, ServiceUser, Template


def user_services(*, user):
    """Active services whose team ``user`` is in, by name."""
    return Service.objects.filter(team__user=user, active=True).order_by(Lower("name"))


def team_members(*, service):
    return ServiceUser.objects.filter(service=service).select_related("user").order_by(Lower("user__name"))


def pending_invites(*, service):
    return Invite.objects.filter(service=service, status=Invite.Status.PENDING).order_by("email")


def service_templates(*, service, template_type=None):
    templates = Template.objects.filter(service=service, archived=False)
    if template_type:
        templates = templates.filter(template_type=template_type)
    return templates.order_by(Lower("name"), "created_at")


def service_template(*, service, template_id):
    return get_object_or_404(Template, pk=template_id, service=service, archived=False)


def service_api_keys(*, service):
    """Unrevoked keys first (newest first), then revoked ones, latest revoked first."""
    return (
        ApiKey.objects.filter(service=service)
        .select_related("created_by")
        .defer("secret_hash")
        .order_by(F("expiry_date").desc(nulls_first=True), "-created_at")
    )


def organisations_with_service_counts():
    return Organisation.objects.annotate(
        service_count=Count("services", filter=Q(services__active=True)),
        live_service_count=Count(
            "services",
            filter=Q(services__active=True, services__restricted=False, services__count_as_live=True),
        ),
    ).order_by(Lower("name"))


def organisation_services(*, organisation):
    return organisation.services.order_by("-active", Lower("name"))
