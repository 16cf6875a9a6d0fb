from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import actions, queries, rules
from ..forms import CodeForm, ForgotPasswordForm, SetPasswordForm, SignInForm
from ..middleware import start_session_clock
from ._common import posted, render_check_email, render_link_problem, site_url

# Between a right password and a right code the session holds only who is signing in.
PENDING_USER = "sign_in_pending_user"
PENDING_SINCE = "sign_in_pending_since"
NEXT_URL = "sign_in_next"
DEFAULT_NEXT = "/your-services"


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return DEFAULT_NEXT


def _pending_user(request):
    since = request.session.get(PENDING_SINCE)
    if since is None or timezone.now().timestamp() - since > rules.PENDING_SIGN_IN_MAX_AGE:
        return None
    user = queries.user_get(request.session.get(PENDING_USER))
    if user is None or not user.is_active:
        return None
    return user


def _clear_pending(request):
    for key in (PENDING_USER, PENDING_SINCE):
        request.session.pop(key, None)


def _complete_sign_in(request, user):
    next_url = request.session.get(NEXT_URL)
    _clear_pending(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    start_session_clock(request)
    return redirect(_safe_next(request, next_url))


def sign_in(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next")))
    form = SignInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        check = actions.sign_in_check_password(**form.cleaned_data)
        if check.user is None:
            form.add_error(None, rules.SIGN_IN_FAILED)
        elif check.pending:
            actions.user_send_verification_email(user=check.user, site_url=site_url(request))
            return render_check_email(
                request,
                heading="Confirm your email address",
                body="You need to confirm your email address before you can sign in. "
                "We have sent you a new link: it works for 1 hour.",
            )
        else:
            request.session.cycle_key()  # a new session id once the password is known
            request.session[PENDING_USER] = str(check.user.pk)
            request.session[PENDING_SINCE] = timezone.now().timestamp()
            request.session[NEXT_URL] = _safe_next(request, request.GET.get("next"))
            try:
                actions.verify_code_send(user=check.user, site_url=site_url(request))
            except actions.TooManyCodes as error:
                messages.error(request, str(error))
            return redirect("accounts:two_factor")
    return render(request, "accounts/sign_in.html", {"form": form})


def two_factor(request):
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again to get a security code.")
        return redirect("accounts:sign_in")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.verify_code_check(user=user, code=form.cleaned_data["code"])
        except actions.CodeRejected as error:
            if error.locked:
                _clear_pending(request)
                messages.error(request, str(error))
                return redirect("accounts:sign_in")
            form.add_error("code", str(error))
        else:
            return _complete_sign_in(request, user)
    by_sms = user.auth_type == user.AuthType.SMS and bool(user.mobile_number)
    return render(request, "accounts/two_factor.html", {"form": form, "by_sms": by_sms})


def new_code(request):
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again to get a security code.")
        return redirect("accounts:sign_in")
    error = None
    if request.method == "POST":
        try:
            actions.verify_code_send(user=user, site_url=site_url(request))
        except actions.TooManyCodes as too_many:
            error = str(too_many)
        else:
            # The new code lives 30 minutes, so the sign-in it belongs to does too.
            request.session[PENDING_SINCE] = timezone.now().timestamp()
            messages.success(request, "We have sent you a new security code.")
            return redirect("accounts:two_factor")
    by_sms = user.auth_type == user.AuthType.SMS and bool(user.mobile_number)
    return render(request, "accounts/new_code.html", {"error": error, "by_sms": by_sms})


def email_sign_in(request, token):
    # Opening the link shows a button; only pressing it signs in. Mail scanners that
    # fetch links would otherwise use up the single-use code before the person does.
    if request.method != "POST":
        return render(request, "accounts/email_sign_in.html")
    try:
        user = actions.email_sign_in_check(token=token)
    except actions.CodeRejected as error:
        return render_link_problem(
            request,
            heading="You cannot sign in with this link",
            body=str(error),
            status=400,
        )
    return _complete_sign_in(request, user)


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


def forgot_password(request):
    form = ForgotPasswordForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.password_reset_request(email=form.cleaned_data["email"], site_url=site_url(request))
        return render_check_email(
            request,
            heading="Check your email",
            body=f"If {form.cleaned_data['email']} has a Notify Admin account, we have sent it a link "
            "to reset the password.",
        )
    return render(request, "accounts/forgot_password.html", {"form": form})


def new_password(request, uidb64, token):
    user = queries.password_reset_user(uidb64, token)
    if user is None:
        return render_link_problem(
            request,
            heading="This link has expired or has already been used",
            body="Ask for a new link to reset your password.",
            status=404,
        )
    form = SetPasswordForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        actions.password_reset_complete(user=user, password=form.cleaned_data["password"])
        messages.success(request, "Your password has been changed. Sign in with your new password.")
        return redirect("accounts:sign_in")
    return render(request, "accounts/new_password.html", {"form": form})


def admin_login(request):
    """Django admin's login page: send platform admins through our sign-in and second factor."""
    if request.user.is_authenticated:
        # Signed in but not a platform admin (the admin sends those here): redirecting to
        # sign-in would bounce straight back, so say no instead.
        raise PermissionDenied("Only platform admins can use this page.")
    query = QueryDict(mutable=True)
    query["next"] = request.GET.get("next") or "/admin/"
    return redirect(f"{reverse('accounts:sign_in')}?{query.urlencode()}")
