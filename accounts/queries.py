"""Reads for accounts."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from .models import User, VerifyCode
from .rules import MAX_FAILED_LOGINS


def user_get(user_id) -> User | None:
    try:
        return User.objects.get(pk=user_id)
    except (User.DoesNotExist, ValidationError, ValueError, TypeError):
        # ValidationError: not a UUID (a mangled password-reset link decodes to anything).
        return None


def user_get_by_email(email: str) -> User | None:
    # The database enforces one account per lower-cased address, so this finds at most one.
    return User.objects.filter(email__iexact=email.strip()).first()


def user_email_taken(email: str, *, exclude=None) -> bool:
    users = User.objects.filter(email__iexact=email.strip())
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def user_is_locked(user: User) -> bool:
    return user.failed_login_count >= MAX_FAILED_LOGINS


def user_is_pending(user: User) -> bool:
    """Registered but has not yet followed the link in the verification email."""
    return not user.is_active and user.email_verified_at is None


def verify_codes_live(user: User):
    return VerifyCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())


def password_reset_user(uidb64: str, token: str) -> User | None:
    """The user a password-reset link is for, or None when the link is wrong or used or old."""
    try:
        user = user_get(force_str(urlsafe_base64_decode(uidb64)))
    except ValueError:
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
