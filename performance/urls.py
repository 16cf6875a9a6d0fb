from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "performance"

urlpatterns = [
    path("features/performance", views.performance, name="performance"),
    path("features/performance.json", views.performance_json, name="performance_json"),
    path("performance", RedirectView.as_view(pattern_name="performance:performance", permanent=True)),
]
