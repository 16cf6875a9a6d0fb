from django.contrib import admin
from django.urls import include, path

from . import health

admin.site.site_header = "Notify Admin — platform admin"
admin.site.site_title = "Notify Admin"

urlpatterns = [
    path("_status", health.status, name="status"),
    path("admin/", admin.site.urls),
    path("", include("performance.urls")),
    path("", include("accounts.urls")),
    path("", include("services.urls")),
    path("", include("notifications.urls")),
]
