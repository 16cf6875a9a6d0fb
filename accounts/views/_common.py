from django.shortcuts import render


def site_url(request) -> str:
    """Where links in emails point: this site, as the browser reached it."""
    return request.build_absolute_uri("/")


def render_check_email(request, *, heading, body, status=200):
    return render(request, "accounts/check_email.html", {"heading": heading, "body": body}, status=status)


def render_link_problem(request, *, heading, body, resend_url=None, status=200):
    return render(
        request,
        "accounts/link_problem.html",
        {"heading": heading, "body": body, "resend_url": resend_url},
        status=status,
    )


def posted(request):
    """Form data for a POST (even an empty one, which must still show "required" errors)."""
    return request.POST if request.method == "POST" else None
