"""Session lifetimes: 20 hours for everyone, and 30 idle minutes for platform admins.

Django's own session expiry restarts whenever the session is saved, so on its own it
would let a busy session live past 20 hours; the times kept here make the rules exact.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone

from .rules import ADMIN_IDLE_TIMEOUT

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE_AT = "last_active_at"
# Recording activity more often than this would write the session on every request.
ACTIVITY_RESOLUTION = 60


def start_session_clock(request):
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVE_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            # Sessions made without our sign-in (tests' force_login, say) start the clock now.
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_active_at = session.get(LAST_ACTIVE_AT, now)
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                return self._sign_out(request, "Your session has ended. Sign in again.")
            if user.is_staff and now - last_active_at > ADMIN_IDLE_TIMEOUT:
                return self._sign_out(
                    request, "You have been signed out because you were inactive for 30 minutes. Sign in again."
                )
            if user.is_staff and (LAST_ACTIVE_AT not in session or now - last_active_at >= ACTIVITY_RESOLUTION):
                session[LAST_ACTIVE_AT] = now
        return self.get_response(request)

    def _sign_out(self, request, message):
        logout(request)
        messages.info(request, message)
        # After signing in again, a GET comes back here; a POST's data is gone anyway.
        next_url = request.get_full_path() if request.method == "GET" else "/"
        return redirect_to_login(next_url)
