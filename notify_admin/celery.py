"""The Celery app. Workers: `celery -A notify_admin worker`; beat: `celery -A notify_admin beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notify_admin.settings")

app = Celery("notify_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The nightly jobs run on London time (CELERY_TIMEZONE); their entries are added with
# the jobs themselves.
app.conf.beat_schedule = {}
