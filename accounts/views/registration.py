from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import actions
from ..forms import RegisterForm
from ..tokens import LinkExpired, LinkInvalid
from ._common import posted, render_check_email, render_link_problem, site_url


def _verification_link_broken(request):
    return render_link_problem(
        request,
        heading="This link does not work",
        body="Check that you copied the whole link from the email, or sign in to get a new one.",
        status=404,
    )


def home(request):
    if request.user.is_authenticated:
        return redirect("/your-services")
    return render(request, "accounts/home.html")


def _local_next(request):
    """The ``next`` path (an invitation, say) if it stays on this site, else ""."""
    url = request.GET.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, {request.get_host()}):
        return url
    return ""


def _sign_in_url(next_url):
    if not next_url:
        return reverse("accounts:sign_in")
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{reverse('accounts:sign_in')}?{query.urlencode()}"


def register(request):
    next_url = _local_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "/your-services")
    form = RegisterForm(posted(request))
    if request.method == "POST" and form.is_valid():
        # The form posts back to this URL, query string included, so ``next`` survives.
        actions.user_register(**form.cleaned_data, site_url=site_url(request), next_url=next_url)
        return render_check_email(
            request,
            heading="Check your email",
            body=f"We have sent an email to {form.cleaned_data['email']}. "
            "Open the link in it within 1 hour to confirm your email address and finish creating your account.",
        )
    return render(request, "accounts/register.html", {"form": form, "sign_in_url": _sign_in_url(next_url)})


def verify_email(request, token):
    try:
        _user, next_url = actions.user_verify_email(token=token)
    except LinkExpired:
        return render_link_problem(
            request,
            heading="The link has expired",
            body="Links to confirm your email address work for 1 hour. We can send you a new one.",
            resend_url=reverse("accounts:resend_verification", args=[token]),
        )
    except LinkInvalid:
        return _verification_link_broken(request)
    messages.success(request, "Your email address is confirmed. Sign in to continue.")
    # The link is signed by us, but check anyway: only a path on this site.
    if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, {request.get_host()})):
        next_url = ""
    return redirect(_sign_in_url(next_url))


@require_POST
def resend_verification(request, token):
    try:
        actions.user_resend_verification_email(token=token, site_url=site_url(request))
    except LinkInvalid:
        return _verification_link_broken(request)
    return render_check_email(
        request,
        heading="Check your email",
        body="If your account still needs confirming, we have sent a new link to your email address. "
        "It works for 1 hour.",
    )
