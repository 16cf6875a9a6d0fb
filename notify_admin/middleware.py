"""Security headers that Django's own middleware does not set.

Django's SecurityMiddleware and XFrameOptionsMiddleware already give nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy, HSTS (when HTTPS) and X-Frame-Options.
This adds a Content-Security-Policy. It is a few lines, so no dependency for it.
"""

from django.conf import settings

# Pages load scripts, styles, fonts and images only from this origin, and no inline
# script runs: the layout uses external scripts only. GOV.UK Frontend's CSS embeds
# small images as data: URIs. frame-ancestors is the modern form of X-Frame-Options.
DEFAULT_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        # A view that needs a different policy (none does yet) may set its own.
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
