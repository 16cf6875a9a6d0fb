from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import actions
from ..forms import RegisterForm
from ..tokens import LinkExpired, LinkInvalid
from ._common import posted, render_check_email, render_link_problem, site_url


def home(request):
    if request.user.is_authenticated:
        return redirect("/your-services")
    return render(request, "accounts/home.html")


def register(request):
    if request.user.is_authenticated:
        return redirect("/your-services")
    form = RegisterForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.user_register(**form.cleaned_data, site_url=site_url(request))
        return render_check_email(
            request,
            heading="Check your email",
            body=f"We have sent an email to {form.cleaned_data['email']}. "
            "Open the link in it within 1 hour to confirm your email address and finish creating your account.",
        )
    return render(request, "accounts/register.html", {"form": form})


def verify_email(request, token):
    try:
        actions.user_verify_email(token=token)
    except LinkExpired:
        return render_link_problem(
            request,
            heading="The link has expired",
            body="Links to confirm your email address work for 1 hour. We can send you a new one.",
            resend_url=reverse("accounts:resend_verification", args=[token]),
        )
    except LinkInvalid:
        return render_link_problem(
            request,
            heading="This link does not work",
            body="Check that you copied the whole link from the email, or sign in to get a new one.",
            status=404,
        )
    messages.success(request, "Your email address is confirmed. Sign in to continue.")
    return redirect("accounts:sign_in")


@require_POST
def resend_verification(request, token):
    try:
        actions.user_resend_verification_email(token=token, site_url=site_url(request))
    except LinkInvalid:
        return render_link_problem(
            request,
            heading="This link does not work",
            body="Check that you copied the whole link from the email, or sign in to get a new one.",
            status=404,
        )
    return render_check_email(
        request,
        heading="Check your email",
        body="If your account still needs confirming, we have sent a new link to your email address. "
        "It works for 1 hour.",
    )
