"""Settings are read once at import, so each variant is loaded in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
ENV_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_TTL", "DEBUG", "SECRET_KEY", "HTTPS", "EMAIL_URL")

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "cache_ttl": settings.CACHE_TTL,
    "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "celery_timezone": settings.CELERY_TIMEZONE,
    "session_engine": settings.SESSION_ENGINE,
    "debug": settings.DEBUG,
    "email_backend": settings.EMAIL_BACKEND,
}))
"""


def load_settings(**env):
    clean = {key: value for key, value in os.environ.items() if key not in ENV_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE="notify_admin.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_SETTINGS],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_embedded_defaults_need_no_environment():
    assert load_settings() == {
        "db_engine": "django.db.backends.sqlite3",
        "db_name": str(BASE_DIR / "db.sqlite3"),
        "cache_backend": "django.core.cache.backends.locmem.LocMemCache",
        "cache_options": {},
        "broker": "",
        "eager": True,
        "cache_ttl": 3600,
        "time_zone": "Europe/London",
        "use_tz": True,
        "celery_timezone": "Europe/London",
        "session_engine": "django.contrib.sessions.backends.db",
        "debug": False,
        "email_backend": "django.core.mail.backends.console.EmailBackend",
    }


def test_environment_switches_to_postgres_redis_and_a_real_broker():
    loaded = load_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/notify",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_TTL="60",
        EMAIL_URL="smtp://mail.example.com:587",
    )
    assert loaded["db_engine"] == "django.db.backends.postgresql"
    assert loaded["db_name"] == "notify"
    assert loaded["cache_backend"] == "django_redis.cache.RedisCache"
    assert loaded["cache_options"] == {
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    }
    assert loaded["broker"] == "redis://127.0.0.1:6379/0"
    assert loaded["eager"] is False
    assert loaded["cache_ttl"] == 60
    assert loaded["session_engine"] == "django.contrib.sessions.backends.db"
    assert loaded["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_a_separate_broker_url_wins_over_redis_url():
    loaded = load_settings(REDIS_URL="redis://127.0.0.1:6379/0", CELERY_BROKER_URL="amqp://guest@127.0.0.1//")
    assert loaded["broker"] == "amqp://guest@127.0.0.1//"
    assert loaded["cache_backend"] == "django_redis.cache.RedisCache"


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-4f9c2a7e1b8d6f3a0c5e9b2d7a1f4c8e",
    "HTTPS": "true",
    "ALLOWED_HOSTS": "notify.example.gov.uk",
}


def test_check_deploy_is_clean_with_production_settings():
    env = {key: value for key, value in os.environ.items() if key not in ENV_VARS}
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
