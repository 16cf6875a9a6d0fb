"""Writes for accounts: registration, sign-in with a second factor, your account."""

import logging
import math
import secrets
from dataclasses import dataclass
from urllib.parse import urljoin

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.providers import get_sms_provider

from . import queries, rules
from .emails import send_account_email
from .models import User, VerifyCode
from .phone import sms_destination
from .tokens import LinkExpired, LinkInvalid, make_token, read_token

logger = logging.getLogger(__name__)


class TooManyCodes(Exception):
    def __init__(self, minutes):
        self.minutes = minutes
        super().__init__(
            "You have asked for too many security codes. Use one we have already sent you, "
            f"or try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


class CodeRejected(Exception):
    """The code did not sign the user in; str() is the message for the page."""

    def __init__(self, message, *, locked=False):
        super().__init__(message)
        self.locked = locked


class EmailChangeFailed(Exception):
    pass


def _link(site_url, view_name, *args):
    return urljoin(site_url, reverse(view_name, args=args))


# --- Registration ------------------------------------------------------------------------


def user_register(*, name, email, mobile_number, password, site_url, next_url="") -> User | None:
    """Create an unverified account and email its verification link.

    ``next_url`` (a path on this site, such as an invitation) is where the person goes
    after confirming the address and signing in; it travels inside the signed link.

    An address that already has an account gets an email saying so instead (or, if that
    account is still unverified, a fresh link), and the page looks the same either way,
    so registration cannot be used to find out who has an account.
    """
    existing = queries.user_get_by_email(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    name=name,
                    mobile_number=mobile_number,
                    is_active=False,
                    password_changed_at=timezone.now(),
                )
        except IntegrityError:
            # Someone registered the same address a moment ago: treat as existing.
            existing = queries.user_get_by_email(email)
            if existing is None:
                raise
        else:
            user_send_verification_email(user=user, site_url=site_url, next_url=next_url)
            return user
    if queries.user_is_pending(existing):
        user_send_verification_email(user=existing, site_url=site_url, next_url=next_url)
    else:
        send_account_email(
            template="already_registered",
            to=existing.email,
            context={
                "name": existing.name,
                "sign_in_link": _link(site_url, "accounts:sign_in"),
                "reset_link": _link(site_url, "accounts:forgot_password"),
            },
        )
    return None


def user_send_verification_email(*, user, site_url, next_url="") -> None:
    payload = {"user": str(user.pk), "email": user.email}
    if next_url:
        payload["next"] = next_url
    token = make_token("verify-email", payload)
    send_account_email(
        template="verify_email",
        to=user.email,
        context={"name": user.name, "link": _link(site_url, "accounts:verify_email", token)},
    )


def user_verify_email(*, token) -> tuple[User, str]:
    """Activate the account a verification link is for; return it and where to go next.

    Raises LinkExpired / LinkInvalid.
    """
    payload = read_token("verify-email", token, max_age=rules.LINK_MAX_AGE)
    user = queries.user_get(payload["user"])
    if user is None or user.email != payload["email"]:
        raise LinkInvalid
    if queries.user_is_pending(user):
        user.is_active = True
        user.email_verified_at = timezone.now()
        user.save(update_fields=["is_active", "email_verified_at", "updated_at"])
    return user, payload.get("next", "")


def user_resend_verification_email(*, token, site_url) -> None:
    """Send a new link for an expired one, if its account is still waiting for one."""
    try:
        payload = read_token("verify-email", token, max_age=rules.LINK_MAX_AGE)
    except LinkExpired as expired:
        payload = expired.payload
    user = queries.user_get(payload["user"])
    if user is not None and user.email == payload["email"] and queries.user_is_pending(user):
        user_send_verification_email(user=user, site_url=site_url, next_url=payload.get("next", ""))


# --- Sign-in -----------------------------------------------------------------------------


@dataclass
class PasswordCheck:
    user: User | None
    pending: bool = False  # right password, but the email address is not verified yet


def sign_in_check_password(*, email, password) -> PasswordCheck:
    """The first factor. Unknown email, wrong password and locked account look alike."""
    user = queries.user_get_by_email(email)
    if user is None:
        # Hash anyway, so an unknown address takes as long as a known one.
        User().set_password(password)
        return PasswordCheck(user=None)
    if not user.check_password(password):
        user_record_failed_login(user=user)
        return PasswordCheck(user=None)
    if queries.user_is_locked(user):
        return PasswordCheck(user=None)
    if queries.user_is_pending(user):
        return PasswordCheck(user=user, pending=True)
    if not user.is_active:  # deactivated by a platform admin
        return PasswordCheck(user=None)
    return PasswordCheck(user=user)


def user_record_failed_login(*, user) -> None:
    # F() so concurrent failures all count.
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])


def _new_code() -> str:
    # Notify's rule: 5 digits, no digit the same as the one before it.
    digits = [secrets.choice("0123456789")]
    while len(digits) < rules.CODE_LENGTH:
        digits.append(secrets.choice([d for d in "0123456789" if d != digits[-1]]))
    return "".join(digits)


def _code_hash(user, code, purpose) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not reveal the 5-digit codes,
    # and lookup is a plain equality match (a slow password hash per code is not needed
    # for a secret that lives 30 minutes and locks the account after 10 guesses).
    # The purpose is part of the hash so a sign-in code cannot confirm a new mobile number.
    return salted_hmac("accounts.VerifyCode", f"{user.pk}:{purpose}:{code}", algorithm="sha256").hexdigest()


SIGN_IN = "sign-in"


def _confirm_mobile(number):
    return f"confirm-mobile:{number}"


def verify_code_send(*, user, site_url, new_mobile_number=None) -> VerifyCode:
    """Create a code and send it by the user's second factor. Raises TooManyCodes.

    With `new_mobile_number` the code goes to that number instead, and only confirms it.
    """
    by_sms = new_mobile_number is not None or (user.auth_type == User.AuthType.SMS and bool(user.mobile_number))
    purpose = SIGN_IN if new_mobile_number is None else _confirm_mobile(new_mobile_number)
    code = _new_code()
    now = timezone.now()
    with transaction.atomic():
        # Lock the user row so two requests at once cannot both make the 5th code.
        User.objects.select_for_update().filter(pk=user.pk).first()
        live = list(queries.verify_codes_live(user).order_by("expires_at").values_list("expires_at", flat=True))
        if len(live) >= rules.MAX_LIVE_CODES:
            raise TooManyCodes(max(1, math.ceil((live[0] - now).total_seconds() / 60)))
        verify_code = VerifyCode.objects.create(
            user=user,
            code_type=VerifyCode.CodeType.SMS if by_sms else VerifyCode.CodeType.EMAIL,
            code_hash=_code_hash(user, code, purpose),
            created_at=now,
            expires_at=now + rules.CODE_LIFETIME,
        )
    if by_sms:
        get_sms_provider().send_sms(
            to=sms_destination(new_mobile_number or user.mobile_number),
            content=f"{code} is your Notify Admin security code",
            reference=f"verify-code-{verify_code.pk}",
        )
    else:
        token = make_token("email-sign-in", {"user": str(user.pk), "code": code})
        send_account_email(
            template="sign_in_code",
            to=user.email,
            context={"name": user.name, "code": code, "link": _link(site_url, "accounts:email_sign_in", token)},
        )
    return verify_code


def verify_code_check(*, user, code, new_mobile_number=None) -> None:
    """The second factor. Uses the code up and clears failures, or raises CodeRejected.

    With `new_mobile_number`, checks a code sent to confirm that number.
    """
    purpose = SIGN_IN if new_mobile_number is None else _confirm_mobile(new_mobile_number)
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if queries.user_is_locked(user):
            raise CodeRejected(rules.ACCOUNT_LOCKED_AT_CODE, locked=True)
        match = (
            VerifyCode.objects.filter(user=user, code_hash=_code_hash(user, code, purpose))
            .order_by("-created_at")
            .first()
        )
        if match is not None and match.used_at is None and match.expires_at > now:
            # A right code retires every outstanding one, whatever it was for.
            queries.verify_codes_live(user).update(used_at=now)
            User.objects.filter(pk=user.pk).update(failed_login_count=0)
            return
    user_record_failed_login(user=user)
    if queries.user_is_locked(user):
        raise CodeRejected(rules.ACCOUNT_LOCKED_AT_CODE, locked=True)
    if match is None:
        raise CodeRejected(rules.CODE_NOT_FOUND)
    if match.used_at is not None:
        raise CodeRejected(rules.CODE_USED)
    raise CodeRejected(rules.CODE_EXPIRED)


def email_sign_in_check(*, token) -> User:
    """The emailed sign-in link: the same checks as typing its code. Raises CodeRejected."""
    try:
        # The code inside has its own 30-minute life; the signature only proves we made it.
        payload = read_token("email-sign-in", token, max_age=None)
    except LinkInvalid:
        raise CodeRejected(rules.CODE_NOT_FOUND) from None
    user = queries.user_get(payload["user"])
    if user is None:
        raise CodeRejected(rules.CODE_NOT_FOUND)
    verify_code_check(user=user, code=payload["code"])
    return user


# --- Passwords ---------------------------------------------------------------------------


def password_reset_request(*, email, site_url) -> None:
    """Email a reset link if the address has an account that may use one. Says nothing either way."""
    user = queries.user_get_by_email(email)
    if user is None or not (user.is_active or queries.user_is_pending(user)):
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    send_account_email(
        template="password_reset",
        to=user.email,
        context={"name": user.name, "link": _link(site_url, "accounts:new_password", uidb64, token)},
    )


def password_reset_complete(*, user, password) -> None:
    """Set the new password. It unlocks the account, and (as the link proved the address) verifies it."""
    now = timezone.now()
    user.set_password(password)
    user.password_changed_at = now
    user.failed_login_count = 0
    fields = ["password", "password_changed_at", "failed_login_count", "updated_at"]
    if queries.user_is_pending(user):
        user.is_active = True
        user.email_verified_at = now
        fields += ["is_active", "email_verified_at"]
    user.save(update_fields=fields)


def user_change_password(*, user, password) -> None:
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at", "updated_at"])


# --- Your account ------------------------------------------------------------------------


def user_update(*, user, **fields) -> None:
    """Change simple profile fields: name, mobile_number, auth_type."""
    allowed = {"name", "mobile_number", "auth_type"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"user_update changes only {sorted(allowed)}")
    for field, value in fields.items():
        setattr(user, field, value)
    user.save(update_fields=[*fields, "updated_at"])


def user_request_email_change(*, user, new_email, site_url) -> None:
    token = make_token("email-change", {"user": str(user.pk), "old": user.email, "new": new_email})
    send_account_email(
        template="email_change",
        to=new_email,
        context={"name": user.name, "link": _link(site_url, "accounts:confirm_email_change", token)},
    )


def user_confirm_email_change(*, token) -> User:
    """Apply a confirmed email change. Raises LinkExpired, LinkInvalid or EmailChangeFailed."""
    payload = read_token("email-change", token, max_age=rules.LINK_MAX_AGE)
    user = queries.user_get(payload["user"])
    if user is None:
        raise LinkInvalid
    if user.email == payload["new"]:
        return user  # the link was opened twice
    if user.email != payload["old"]:
        raise LinkInvalid  # the address changed again since this link was sent
    if queries.user_email_taken(payload["new"], exclude=user):
        raise EmailChangeFailed("Another account now uses this email address, so we could not change yours to it.")
    user.email = payload["new"]
    user.email_verified_at = timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at", "updated_at"])
    except IntegrityError:
        raise EmailChangeFailed(
            "Another account now uses this email address, so we could not change yours to it."
        ) from None
    return user
