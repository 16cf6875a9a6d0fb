"""Text-message providers.

The rest of the code only knows `get_sms_provider().send_sms(to=..., content=..., reference=...)`,
so switching provider is a settings change (`SMS_PROVIDER`, a dotted path to a class).
"""

import logging
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsProvider:
    """What every SMS provider offers. Subclasses implement `send_sms`."""

    name = "base"

    def send_sms(self, *, to: str, content: str, reference: str) -> str:
        """Hand one message to the provider; return the provider's reference for it."""
        raise NotImplementedError


class DevSmsProvider(SmsProvider):
    """Sends nothing: records each message so a developer can read it (Django admin, log)."""

    name = "dev"

    def send_sms(self, *, to: str, content: str, reference: str) -> str:
        from notifications.models import DevSmsMessage  # models load after settings

        message = DevSmsMessage.objects.create(to=to, content=content, reference=reference)
        logger.info("Dev SMS provider: to=%s reference=%s content=%r", to, reference, content)
        return str(message.id)


@lru_cache(maxsize=8)
def _provider_class(path):
    return import_string(path)


def get_sms_provider() -> SmsProvider:
    # Looked up on every call (the import is cached) so settings overrides in tests apply.
    return _provider_class(settings.SMS_PROVIDER)()
