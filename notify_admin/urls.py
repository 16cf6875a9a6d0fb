from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts.views import sign_in as sign_in_views

from . import health

admin.site.site_header = "Notify Admin — platform admin"
admin.site.site_title = "Notify Admin"

urlpatterns = [
    path("_status", health.status, name="status"),
    # Platform admins sign in through /sign-in too, so they pass the second factor.
    path("admin/login/", sign_in_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # GOV.UK Frontend's compiled CSS asks for its fonts and images under /assets/.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}govuk/assets/images/favicon.ico")),
    re_path(
        r"^assets/(?P<path>.+)$",
        RedirectView.as_view(url=f"{settings.STATIC_URL}govuk/assets/%(path)s", permanent=True),
    ),
    path("", include("performance.urls")),
    path("", include("accounts.urls")),
    path("", include("services.urls")),
    path("", include("notifications.urls")),
]
