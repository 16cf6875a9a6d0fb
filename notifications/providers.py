"""Text-message and email providers.

The rest of the code only knows `get_sms_provider().send_sms(to=..., content=..., reference=...)`
and `get_email_provider().send_email(...)`, so switching provider is a settings change
(`SMS_PROVIDER`, a dotted path to a class; `EMAIL_URL` for Django's email backend).

A provider whose `simulates_receipts` is true never reports back by itself (the dev SMS
provider, Django's console/file/memory email backends): the sending pipeline then
simulates its delivery receipt with `simulated_receipt_status()`.
"""

import logging
import random
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsProvider:
    """What every SMS provider offers. Subclasses implement `send_sms`."""

    name = "base"
    simulates_receipts = False

    def send_sms(self, *, to: str, content: str, reference: str) -> str:
        """Hand one message to the provider; return the provider's reference for it."""
        raise NotImplementedError


class DevSmsProvider(SmsProvider):
    """Sends nothing: records each message so a developer can read it (Django admin, log)."""

    name = "dev"
    simulates_receipts = True

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


class EmailProvider:
    """What every email provider offers. Subclasses implement `send_email`."""

    name = "base"
    simulates_receipts = False

    def send_email(self, *, to: str, subject: str, body: str, reply_to: str, reference: str) -> str:
        """Hand one email to the provider; return the provider's reference for it."""
        raise NotImplementedError

    def close(self):
        """Release anything held between messages (an SMTP connection)."""


# Django email backends that deliver nothing (they print, write or keep the message):
# nobody will ever send a receipt for what they "sent", so the pipeline simulates one.
DEV_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


class DjangoEmailProvider(EmailProvider):
    """Email through Django's email backend (`EMAIL_URL`): SMTP, or an ESP's backend.

    One connection is opened for a batch of messages and closed by `close()`.
    """

    name = "django"

    def __init__(self):
        self._connection = None

    @property
    def simulates_receipts(self):
        return settings.EMAIL_BACKEND in DEV_EMAIL_BACKENDS

    def send_email(self, *, to, subject, body, reply_to, reference):
        from django.core.mail import EmailMessage, get_connection

        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[to],
            reply_to=[reply_to] if reply_to else None,
            connection=self._connection,
            headers={"X-Notify-Reference": reference},
        )
        message.send()
        return reference

    def close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


def get_email_provider() -> EmailProvider:
    return DjangoEmailProvider()


def simulated_receipt_status(rng=random) -> str:
    """The status a simulated receipt reports: mostly delivered, a configurable few failing."""
    roll = rng.random()
    temporary = settings.DEV_RECEIPT_TEMPORARY_FAILURE_SHARE
    if roll < temporary:
        return "temporary-failure"
    if roll < temporary + settings.DEV_RECEIPT_PERMANENT_FAILURE_SHARE:
        return "permanent-failure"
    return "delivered"
