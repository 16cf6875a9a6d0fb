"""The emails accounts send. Plain text, through Django's email backend."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

SUBJECTS = {
    "verify_email": "Confirm your email address",
    "already_registered": "You already have a Notify Admin account",
    "sign_in_code": "Sign in to Notify Admin",
    "password_reset": "Reset your Notify Admin password",
    "email_change": "Confirm your new email address",
}


def send_account_email(*, template: str, to: str, context: dict) -> None:
    body = render_to_string(f"accounts/emails/{template}.txt", context)
    send_mail(SUBJECTS[template], body, settings.DEFAULT_FROM_EMAIL, [to])
