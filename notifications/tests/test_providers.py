import logging

import pytest

from notifications.models import DevSmsMessage
from notifications.providers import DevSmsProvider, SmsProvider, get_sms_provider

pytestmark = pytest.mark.django_db


class RecordingProvider(SmsProvider):
    name = "recording"

    def send_sms(self, *, to, content, reference):
        return f"rec-{reference}"


def test_the_default_provider_is_the_dev_provider():
    assert isinstance(get_sms_provider(), DevSmsProvider)


def test_the_provider_comes_from_settings(settings):
    settings.SMS_PROVIDER = "notifications.tests.test_providers.RecordingProvider"

    provider = get_sms_provider()

    assert isinstance(provider, RecordingProvider)
    assert provider.send_sms(to="447700900123", content="hi", reference="abc") == "rec-abc"


def test_the_dev_provider_records_and_logs_each_message(caplog):
    caplog.set_level(logging.INFO, logger="notifications.providers")

    provider_reference = get_sms_provider().send_sms(to="447700900123", content="12345 is your code", reference="r1")

    assert list(DevSmsMessage.objects.values("id", "to", "content", "reference")) == [
        {"id": DevSmsMessage.objects.get().id, "to": "447700900123", "content": "12345 is your code", "reference": "r1"}
    ]
    assert provider_reference == str(DevSmsMessage.objects.get().id)
    assert "12345 is your code" in caplog.text


def test_the_base_provider_must_be_subclassed():
    with pytest.raises(NotImplementedError):
        SmsProvider().send_sms(to="1", content="x", reference="y")


def test_dev_messages_are_read_only_in_the_admin(admin_client):
    DevSmsMessage.objects.create(to="447700900123", content="55555 is your code", reference="r")

    listing = admin_client.get("/admin/notifications/devsmsmessage/")

    assert listing.status_code == 200
    assert "447700900123" in listing.content.decode()
    assert admin_client.get("/admin/notifications/devsmsmessage/add/").status_code == 403
