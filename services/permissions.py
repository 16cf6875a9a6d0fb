"""Who may open a service's pages.

Every view with a ``service_id`` in its URL is wrapped in ``service_permission_required``
or ``platform_admin_required``. The wrapper loads the service (404 when unknown), sends
anonymous visitors to sign in, and allows:

- team members holding the named permission (``None`` = any team member);
- platform admins (``is_staff``) everywhere, except where ``platform_admin=False``:
  Notify lets them see every service but not send messages or create API keys for a
  service whose team they are not in.

The wrapper records what it checks on the view (``view.service_permission``) so the
permission matrix test can prove no service page was left unguarded.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import PERMISSIONS, Service, ServiceUser

PLATFORM_ADMIN = "platform_admin"
ANY_MEMBER = None
SENDER_PERMISSIONS = frozenset({"send_messages", "manage_api_keys"})


def permissions_for(*, user, membership) -> frozenset[str]:
    """The permission names ``user`` holds on a service, for views and templates."""
    held = set(membership.permissions) if membership is not None else set()
    if user.is_staff:
        # Platform admins may do everything except act as a sender (send messages,
        # create API keys) for a service unless their own membership allows it.
        held |= set(PERMISSIONS) - SENDER_PERMISSIONS
        held.add(PLATFORM_ADMIN)
    return frozenset(held)


def _guard(view, *, permission, platform_admin):
    @wraps(view)
    def wrapped(request, *args, service_id, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        service = get_object_or_404(Service.objects.select_related("organisation"), pk=service_id)
        membership = ServiceUser.objects.filter(service=service, user=request.user).first()
        is_admin = request.user.is_staff
        if permission == PLATFORM_ADMIN:
            allowed = is_admin
        elif membership is not None and (permission is None or getattr(membership, permission)):
            allowed = True
        else:
            allowed = is_admin and platform_admin
        if not allowed:
            raise PermissionDenied
        request.service = service
        request.membership = membership
        request.service_permissions = permissions_for(user=request.user, membership=membership)
        return view(request, *args, service_id=service_id, **kwargs)

    wrapped.service_permission = permission
    wrapped.platform_admin_allowed = platform_admin
    return wrapped


def service_permission_required(permission=ANY_MEMBER, *, platform_admin=None):
    """Allow team members with ``permission`` (any member when ``None``).

    ``platform_admin=False`` shuts out platform admins who are not on the team; by
    default they are let in everywhere except pages needing ``send_messages``.
    """
    if permission is not None and permission not in PERMISSIONS:
        raise ValueError(f"Unknown permission {permission!r}")
    if platform_admin is None:
        platform_admin = permission != "send_messages"

    def decorator(view):
        return _guard(view, permission=permission, platform_admin=platform_admin)

    return decorator


def platform_admin_required(view):
    """Service pages only platform admins may use (going live, archiving, organisation)."""
    return _guard(view, permission=PLATFORM_ADMIN, platform_admin=True)


def platform_admin_only(view):
    """Pages outside any service (organisations) that only platform admins may use."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
