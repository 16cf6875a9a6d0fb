"""SMS providers for the real-worker tests; the worker process imports them by path."""

import os

import redis

from notifications.providers import DevSmsProvider

FAILED_ONCE_PREFIX = "worker-test-failed-once:"


def marks():
    """Plain Redis (not the Django cache, which tests may reconfigure), shared by the
    worker's threads and processes and readable by the test."""
    return redis.Redis.from_url(os.environ["REDIS_URL"])


class FailFirstTrySmsProvider(DevSmsProvider):
    """Refuses the first try of every message to a number ending in 7, then sends it."""

    name = "fail-first-try"

    def send_sms(self, *, to, content, reference):
        if to.endswith("7") and marks().set(f"{FAILED_ONCE_PREFIX}{reference}", 1, nx=True, ex=600):
            raise ConnectionError("The provider is having a bad minute")
        return super().send_sms(to=to, content=content, reference=reference)
