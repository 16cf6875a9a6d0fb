"""The Django admin: every model registered, and list pages that do not grow a query per row."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications.tests.factories import JobFactory, NotificationFactory
from services.tests.factories import ApiKeyFactory, ServiceUserFactory, TemplateFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"accounts", "services", "notifications", "performance"}


def make_rows(count):
    for row in range(count):
        job = JobFactory()
        NotificationFactory(job=job, job_row_number=row, api_key=ApiKeyFactory(service=job.service))
        ServiceUserFactory(service=job.service)
        TemplateFactory(service=job.service)


def changelist_query_counts(client):
    counts = {}
    for model in admin.site._registry:
        if model._meta.app_label in PROJECT_APPS:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            # Session writes (idle-timeout bookkeeping) are per request, not per row.
            counts[model._meta.label] = len(
                [query for query in queries if "django_session" not in query["sql"] and "SAVEPOINT" not in query["sql"]]
            )
    return counts


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    registered = {model._meta.label for model in admin.site._registry}
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            assert model._meta.label in registered


def test_list_pages_make_the_same_number_of_queries_for_2_or_10_rows(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    make_rows(2)
    with_two = changelist_query_counts(client)
    make_rows(8)
    assert changelist_query_counts(client) == with_two


def test_admin_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]
