import re

import pytest

from notifications.models import DevSmsMessage

LINK = re.compile(r"http://testserver(/\S+)")


def link_in(message) -> str:
    """The path of the (only) link in an email."""
    (path,) = LINK.findall(message.body)
    return path


def code_in_sms() -> str:
    return re.match(r"(\d{5}) is your Notify Admin security code", DevSmsMessage.objects.latest("created_at").content)[
        1
    ]


def code_in_email(message) -> str:
    return re.search(r"Your Notify Admin security code is (\d{5})", message.body)[1]


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def enter_password(client):
    def enter(email, password, **extra):
        return client.post("/sign-in", {"email": email, "password": password}, **extra)

    return enter
