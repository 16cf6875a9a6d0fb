"""`/_status`: is each backing service answering? Used by load balancers and operators."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 1


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # The Redis cache swallows connection errors (IGNORE_EXCEPTIONS), so a write that
    # cannot be read back is how an outage shows.
    key = f"_status-{uuid.uuid4()}"
    cache.set(key, "ok", timeout=5)
    answered = cache.get(key)
    cache.delete(key)
    if answered != "ok":
        raise ConnectionError("cache did not answer")


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


def run_check(check):
    try:
        return check() or "ok"
    except Exception as error:  # a health page reports every failure rather than raising
        return f"error: {type(error).__name__}: {error}"


@never_cache
@require_GET
def status(request):
    report = {
        "database": run_check(check_database),
        "cache": run_check(check_cache),
        "broker": run_check(check_broker),
    }
    healthy = report["database"] == "ok"
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)
