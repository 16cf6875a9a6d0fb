from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import actions
from ..forms import (
    AuthTypeForm,
    ChangeEmailForm,
    ChangeMobileNumberForm,
    ChangeNameForm,
    ChangePasswordForm,
    CodeForm,
)
from ..tokens import LinkExpired, LinkInvalid
from ._common import posted, render_check_email, render_link_problem, site_url


@login_required
def user_profile(request):
    return render(request, "accounts/user_profile.html")


def _profile_form_page(request, form, *, heading, submit="Save"):
    return render(request, "accounts/profile_form.html", {"form": form, "heading": heading, "submit": submit})


@login_required
def change_name(request):
    form = ChangeNameForm(posted(request), initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        actions.user_update(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, "Your name has been changed.")
        return redirect("accounts:user_profile")
    return _profile_form_page(request, form, heading="Change your name")


NEW_MOBILE_NUMBER = "new_mobile_number"


@login_required
def change_mobile_number(request):
    """Step 1: the new number and the password. A code goes to the new number."""
    form = ChangeMobileNumberForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["mobile_number"]
        try:
            actions.verify_code_send(user=request.user, site_url=site_url(request), new_mobile_number=number)
        except actions.TooManyCodes as error:
            form.add_error(None, str(error))
        else:
            request.session[NEW_MOBILE_NUMBER] = number
            return redirect("accounts:confirm_mobile_number")
    return _profile_form_page(request, form, heading="Change your mobile number")


@login_required
def confirm_mobile_number(request):
    """Step 2: the code sent to the new number. Only then does the number change."""
    number = request.session.get(NEW_MOBILE_NUMBER)
    if number is None:
        return redirect("accounts:change_mobile_number")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.verify_code_check(user=request.user, code=form.cleaned_data["code"], new_mobile_number=number)
        except actions.CodeRejected as error:
            if error.locked:
                logout(request)
                messages.error(request, str(error))
                return redirect("accounts:sign_in")
            form.add_error("code", str(error))
        else:
            actions.user_update(user=request.user, mobile_number=number)
            del request.session[NEW_MOBILE_NUMBER]
            messages.success(request, "Your mobile number has been changed.")
            return redirect("accounts:user_profile")
    return render(request, "accounts/confirm_mobile_number.html", {"form": form, "number": number})


@login_required
def change_auth_type(request):
    form = AuthTypeForm(posted(request), user=request.user, initial={"auth_type": request.user.auth_type})
    if request.method == "POST" and form.is_valid():
        actions.user_update(user=request.user, auth_type=form.cleaned_data["auth_type"])
        messages.success(request, "Your sign-in method has been changed.")
        return redirect("accounts:user_profile")
    return _profile_form_page(request, form, heading="How you sign in")


@login_required
def change_password(request):
    form = ChangePasswordForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.user_change_password(user=request.user, password=form.cleaned_data["password"])
        update_session_auth_hash(request, request.user)  # stay signed in on this device
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:user_profile")
    return _profile_form_page(request, form, heading="Change your password")


@login_required
def change_email(request):
    form = ChangeEmailForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.user_request_email_change(
            user=request.user, new_email=form.cleaned_data["email"], site_url=site_url(request)
        )
        return render_check_email(
            request,
            heading="Check your email",
            body=f"We have sent a link to {form.cleaned_data['email']}. Your email address will change "
            "when you open it. The link works for 1 hour.",
        )
    return _profile_form_page(request, form, heading="Change your email address", submit="Send confirmation link")


def confirm_email_change(request, token):
    try:
        actions.user_confirm_email_change(token=token)
    except LinkExpired:
        return render_link_problem(
            request,
            heading="The link has expired",
            body="Links to confirm a new email address work for 1 hour. Change your email address again "
            "to get a new link.",
        )
    except LinkInvalid:
        return render_link_problem(
            request,
            heading="This link does not work",
            body="It may be incomplete, or your email address has changed since it was sent.",
            status=404,
        )
    except actions.EmailChangeFailed as error:
        return render_link_problem(request, heading="Your email address has not changed", body=str(error))
    messages.success(request, "Your email address has been changed.")
    return redirect("accounts:user_profile" if request.user.is_authenticated else "accounts:sign_in")
