"""SMS providers for the real-worker tests; the worker process imports them by path."""

from django.core.cache import cache

from notifications.providers import DevSmsProvider

FAILED_ONCE_PREFIX = "worker-test-failed-once:"


class FailFirstTrySmsProvider(DevSmsProvider):
    """Refuses the first try of every message to a number ending in 7, then sends it.

    "First try" is remembered in the cache (Redis), shared by every worker process and
    thread and readable by the test.
    """

    name = "fail-first-try"

    def send_sms(self, *, to, content, reference):
        if to.endswith("7") and cache.add(f"{FAILED_ONCE_PREFIX}{reference}", 1, timeout=600):
            raise ConnectionError("The provider is having a bad minute")
        return super().send_sms(to=to, content=content, reference=reference)
