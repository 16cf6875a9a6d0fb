import pytest
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db

# A port nothing listens on: the Redis cache is "down".
DEAD_REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


@pytest.fixture
def dead_cache():
    # override_settings rebuilds the cache handlers, so `cache` now points at the dead port.
    with override_settings(CACHES=DEAD_REDIS_CACHE):
        yield


def test_status_reports_each_part(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/_status")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "eager", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_status_is_200_with_the_cache_down(client, dead_cache):
    response = client.get("/_status")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    assert body["cache"] == "error: ConnectionError: cache did not answer"


def test_status_reports_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from notify_admin.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/_status")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error: ")


def test_status_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from notify_admin import health

    def broken_database():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "check_database", broken_database)
    response = client.get("/_status")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError: connection refused"
    assert response.json()["status"] == "error"


def test_status_refuses_post(client):
    assert client.post("/_status").status_code == 405
