"""Writes for services, teams, invites, templates, API keys and organisations."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    LIVE_DAILY_LIMIT,
    PERMISSIONS,
    ApiKey,
    Invite,
    KeyType,
    Organisation,
    Service,
    ServiceUser,
    Template,
)


class ServiceError(Exception):
    """A rule stopped the change; the message is meant for the user."""


class ServiceNameTaken(ServiceError):
    def __init__(self):
        super().__init__("This service name is already in use – enter a different name")


class LastManagerError(ServiceError):
    def __init__(self):
        super().__init__(
            "A service must have at least one team member who can manage settings, team and usage – "
            "give someone else that permission first"
        )


class InviteError(ServiceError):
    pass


def _permission_fields(permissions):
    unknown = set(permissions) - set(PERMISSIONS)
    if unknown:
        raise ValueError(f"Unknown permissions: {sorted(unknown)}")
    return {name: name in permissions for name in PERMISSIONS}


# --- Services -----------------------------------------------------------------------------


def service_create(*, user, name) -> Service:
    """A new service in trial mode with 50/day limits; the creator gets every permission."""
    try:
        with transaction.atomic():
            service = Service.objects.create(name=name, created_by=user)
            ServiceUser.objects.create(service=service, user=user, **_permission_fields(PERMISSIONS))
    except IntegrityError as error:
        # Two people creating the same name at once: the form's check passed for both.
        if Service.objects.filter(name__iexact=name).exists():
            raise ServiceNameTaken() from error
        raise
    return service


def service_update(*, service, **fields) -> Service:
    """Change settings (name, data_retention_days, email_reply_to, sms_sender)."""
    allowed = {"name", "data_retention_days", "email_reply_to", "sms_sender"}
    if set(fields) - allowed:
        raise ValueError(f"Cannot change {sorted(set(fields) - allowed)} here")
    if not service.active:
        # Renaming would drop the "_archived_" prefix that freed the name for reuse.
        raise ServiceError("This service has been archived – its settings cannot be changed")
    for field, value in fields.items():
        setattr(service, field, value)
    try:
        with transaction.atomic():
            service.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as error:
        service.refresh_from_db()
        if "name" in fields:
            raise ServiceNameTaken() from error
        raise
    return service


def service_request_go_live(*, service, user) -> Service:
    service.go_live_requested_at = timezone.now()
    service.save(update_fields=["go_live_requested_at", "updated_at"])
    return service


def service_make_live(*, service) -> Service:
    """Leave trial mode: Notify's live limits, and the date the service went live."""
    service.restricted = False
    service.email_message_limit = LIVE_DAILY_LIMIT
    service.sms_message_limit = LIVE_DAILY_LIMIT
    service.go_live_at = timezone.now()
    service.save(update_fields=["restricted", "email_message_limit", "sms_message_limit", "go_live_at", "updated_at"])
    return service


@transaction.atomic
def service_archive(*, service) -> Service:
    """Archive a service: inactive, its API keys revoked, its name freed for reuse.

    Notify renames archived services the same way, so the name can be taken again.
    """
    now = timezone.now()
    prefix = f"_archived_{now:%Y-%m-%d_%H:%M:%S}_"
    service.name = (prefix + service.name)[:255]
    service.active = False
    service.save(update_fields=["name", "active", "updated_at"])
    ApiKey.objects.filter(service=service, expiry_date__isnull=True).update(expiry_date=now, updated_at=now)
    Invite.objects.filter(service=service, status=Invite.Status.PENDING).update(
        status=Invite.Status.CANCELLED, updated_at=now
    )
    return service


def service_set_organisation(*, service, organisation) -> Service:
    service.organisation = organisation
    service.save(update_fields=["organisation", "updated_at"])
    return service


# --- Team ---------------------------------------------------------------------------------


def _ensure_a_manager_remains(service):
    if not ServiceUser.objects.filter(service=service, manage_service=True).exists():
        raise LastManagerError()


def _lock_team(service):
    # Lock every membership row of the service, so two managers removing each other at
    # the same moment cannot both succeed and leave the service unmanageable.
    list(ServiceUser.objects.select_for_update().filter(service=service).values_list("pk", flat=True))


def service_user_set_permissions(*, membership, permissions) -> ServiceUser:
    with transaction.atomic():
        _lock_team(membership.service_id)
        for name, value in _permission_fields(permissions).items():
            setattr(membership, name, value)
        membership.save(update_fields=[*PERMISSIONS, "updated_at"])
        _ensure_a_manager_remains(membership.service_id)  # raising rolls the change back
    return membership


def service_user_remove(*, membership) -> None:
    with transaction.atomic():
        _lock_team(membership.service_id)
        membership.delete()
        _ensure_a_manager_remains(membership.service_id)


# --- Invites ------------------------------------------------------------------------------


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invite_create(*, service, invited_by, email, permissions, accept_url_for) -> Invite:
    """Invite ``email`` to the team and email them the link.

    ``accept_url_for(token)`` builds the absolute link (the view knows the host). Older
    pending invites to the same address are cancelled so only the newest link works.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invite.objects.filter(service=service, email__iexact=email, status=Invite.Status.PENDING).update(
            status=Invite.Status.CANCELLED, updated_at=timezone.now()
        )
        invite = Invite.objects.create(
            service=service,
            email=email,
            invited_by=invited_by,
            token_hash=_token_hash(token),
            **_permission_fields(permissions),
        )
    context = {"invite": invite, "service": service, "invited_by": invited_by, "url": accept_url_for(token)}
    send_mail(
        subject=f"{invited_by.name} has invited you to collaborate on {service.name} on Notify Admin",
        message=render_to_string("services/email/invite.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invite


def invite_find(*, token) -> Invite | None:
    return Invite.objects.select_related("service", "invited_by").filter(token_hash=_token_hash(token)).first()


def invite_check(invite) -> None:
    """Raise ``InviteError`` with the user's message when ``invite`` cannot be used."""
    if invite.status == Invite.Status.ACCEPTED:
        raise InviteError("This invitation has already been accepted – sign in to use the service")
    if invite.status == Invite.Status.CANCELLED or not invite.service.active:
        raise InviteError(
            f"This invitation has been cancelled – ask your team at {invite.service.name} to invite you again"
        )
    if invite.is_expired():
        raise InviteError(
            f"This invitation has expired – invitations last 2 days. "
            f"Ask your team at {invite.service.name} to invite you again"
        )


def invite_accept(*, invite, user) -> ServiceUser:
    """Add ``user`` to the team with the invite's permissions; an invite is used once."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().select_related("service").get(pk=invite.pk)
        invite_check(invite)
        if user.email.casefold() != invite.email.casefold():
            raise InviteError(
                f"This invitation was sent to {invite.email} – sign in with that email address to accept it"
            )
        membership, created = ServiceUser.objects.get_or_create(
            service=invite.service, user=user, defaults=_permission_fields(invite.permissions)
        )
        if not created:
            # Already in the team: keep what they have and add what the invite offers.
            for name in invite.permissions:
                setattr(membership, name, True)
            membership.save(update_fields=[*PERMISSIONS, "updated_at"])
        invite.status = Invite.Status.ACCEPTED
        invite.accepted_by = user
        invite.accepted_at = timezone.now()
        invite.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    return membership


def invite_cancel(*, invite) -> Invite:
    invite.status = Invite.Status.CANCELLED
    invite.save(update_fields=["status", "updated_at"])
    return invite


# --- Templates ----------------------------------------------------------------------------


def template_create(*, service, user, template_type, name, content, subject="") -> Template:
    return Template.objects.create(
        service=service,
        created_by=user,
        template_type=template_type,
        name=name,
        subject=subject,
        content=content,
    )


def template_update(*, template, name, content, subject="") -> Template:
    template.name = name
    template.content = content
    template.subject = subject
    template.save(update_fields=["name", "content", "subject", "updated_at"])
    return template


def template_archive(*, template) -> Template:
    template.archived = True
    template.save(update_fields=["archived", "updated_at"])
    return template


# --- API keys -----------------------------------------------------------------------------


def api_key_combined(*, key, secret) -> str:
    """The string a developer copies: key name, service id and secret, as Notify shows it."""
    return f"{slugify(key.name) or 'key'}-{key.service_id}-{secret}"


def api_key_create(*, service, user, name, key_type) -> tuple[ApiKey, str]:
    """Create a key; return it with its combined secret, which is never available again."""
    if not service.active:
        raise ServiceError("This service has been archived – it cannot have new API keys")
    if key_type == KeyType.NORMAL and service.restricted:
        raise ServiceError("You cannot create a live key while your service is in trial mode")
    secret = str(uuid.uuid4())
    try:
        with transaction.atomic():
            key = ApiKey.objects.create(
                service=service, created_by=user, name=name, key_type=key_type, secret_hash=make_password(secret)
            )
    except IntegrityError as error:
        raise ServiceError("You already have an API key with this name – enter a different name") from error
    return key, api_key_combined(key=key, secret=secret)


def api_key_revoke(*, key) -> ApiKey:
    if key.expiry_date is None:
        key.expiry_date = timezone.now()
        key.save(update_fields=["expiry_date", "updated_at"])
    return key


def api_key_verify(*, service_id, secret) -> ApiKey | None:
    """The service's unrevoked key whose secret is ``secret``, or None.

    Accepts the bare secret or the combined string shown at creation. Like Notify (a
    client signs with its service id and secret, and the server tries the service's
    keys), this checks each unrevoked key of one service, of which there are few.
    """
    secret = (secret or "").strip()
    prefix_end = secret.rfind(str(service_id))
    if prefix_end != -1:
        secret = secret[prefix_end + len(str(service_id)) + 1 :]
    if not secret:
        return None
    keys = ApiKey.objects.filter(service_id=service_id, expiry_date__isnull=True, service__active=True)
    for key in keys:
        if check_password(secret, key.secret_hash):
            return key
    return None


# --- Organisations ------------------------------------------------------------------------


def organisation_create(*, name) -> Organisation:
    try:
        with transaction.atomic():
            return Organisation.objects.create(name=name)
    except IntegrityError as error:
        raise ServiceError("An organisation with this name already exists – enter a different name") from error
