"""Forms of the send pages: upload, check-and-send (with the schedule), one-off."""

from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.recipients import (
    ALLOWED_EXTENSIONS,
    MAX_FILE_SIZE,
    InvalidRecipientError,
    Spreadsheet,
    SpreadsheetError,
    can_read,
    column_key,
    email_key,
    stored_email_address,
    validate_email_address,
    validate_phone_number,
)
from notifications.recipients.messages import RECIPIENT_LABELS, message_too_long
from notifications.recipients.spreadsheet import TOO_BIG_MESSAGE
from performance.days import LONDON
from services.templating import SMS_CHAR_COUNT_LIMIT, placeholders, render, sms_character_count

SCHEDULE_DAYS = 7
TRIAL_MODE_MESSAGE = "In trial mode you can only send to yourself and members of your team"


class UploadForm(forms.Form):
    # An empty file is let through: the check page says what it lacks, in the
    # validator's words.
    file = forms.FileField(
        label="Upload your spreadsheet",
        allow_empty_file=True,
        help_text=f"Files must be {', '.join(ALLOWED_EXTENSIONS[:-1])} or {ALLOWED_EXTENSIONS[-1]}, at most 10MB.",
        error_messages={"required": "You need to choose a file to upload", "invalid": "Choose a file to upload"},
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not can_read(file.name):
            # The validator's own words: it refuses such a name before reading anything.
            try:
                Spreadsheet.from_file(b"", file.name)
            except SpreadsheetError as error:
                raise ValidationError(error.message) from None
        if file.size > MAX_FILE_SIZE:
            raise ValidationError(TOO_BIG_MESSAGE)
        return file


def _hour_label(moment) -> str:
    if moment.hour == 0:
        return "midnight"
    if moment.hour == 12:
        return "midday"
    return f"{moment.hour % 12}{'am' if moment.hour < 12 else 'pm'}"


def schedule_slots(now=None) -> list[tuple[str, str]]:
    """``(value, label)`` for every whole hour from the next one to 7 days ahead.

    Stepped in UTC (London is always a whole number of hours away from it), labelled in
    London time, so the clock changes neither skip nor repeat a slot.
    """
    now = (now or timezone.now()).astimezone(UTC)
    slot = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    end = now + timedelta(days=SCHEDULE_DAYS)
    today = now.astimezone(LONDON).date()
    slots = []
    while slot <= end:
        local = slot.astimezone(LONDON)
        if local.date() == today:
            day = "Today"
        elif local.date() == today + timedelta(days=1):
            day = "Tomorrow"
        else:
            day = f"{local:%A} {local.day} {local:%B}"
        slots.append((slot.isoformat(), f"{day} at {_hour_label(local)}"))
        slot += timedelta(hours=1)
    return slots


class SendForm(forms.Form):
    """The check page's send button: now or a scheduled hour; ``send_again`` confirms a
    file already sent today."""

    scheduled_for = forms.CharField(required=False, label="When should Notify send these messages?")
    send_again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.slots = schedule_slots(self.now)

    def clean_scheduled_for(self):
        value = self.cleaned_data["scheduled_for"].strip()
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError("Choose when to send these messages") from None
        if moment.tzinfo is None or moment.minute or moment.second or moment.microsecond:
            raise ValidationError("Choose when to send these messages")
        if moment <= self.now:
            raise ValidationError("The time you chose has passed. Choose a later time")
        if moment > self.now + timedelta(days=SCHEDULE_DAYS):
            raise ValidationError(f"You can only schedule messages up to {SCHEDULE_DAYS} days ahead")
        return moment.astimezone(UTC)


class OneOffForm(forms.Form):
    """One recipient and a value for each of the template's placeholders."""

    def __init__(self, *args, template, service, allowlist=None, remaining=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.service = service
        self.allowlist = allowlist
        self.remaining = remaining
        self.is_sms = template.template_type == "sms"
        self.fields["recipient"] = forms.CharField(
            label="Mobile number" if self.is_sms else "Email address",
            max_length=320,
            error_messages={"required": f"Enter {'a mobile number' if self.is_sms else 'an email address'}"},
        )
        # A placeholder named like the recipient column is filled with the recipient.
        recipient_key = column_key(RECIPIENT_LABELS[template.template_type])
        names = placeholders(f"{template.subject} {template.content}")
        self.recipient_placeholders = [name for name in names if column_key(name) == recipient_key]
        self.placeholder_names = [name for name in names if column_key(name) != recipient_key]
        for index, name in enumerate(self.placeholder_names):
            self.fields[f"placeholder_{index}"] = forms.CharField(
                label=name, max_length=10_000, error_messages={"required": f"Enter {name}"}
            )

    def clean_recipient(self):
        value = self.cleaned_data["recipient"]
        try:
            if self.is_sms:
                normalised = validate_phone_number(value, international=self.service.can_send_international_sms)
            else:
                normalised = validate_email_address(value)
        except InvalidRecipientError as error:
            raise ValidationError(error.message) from None
        if self.allowlist is not None and self._key(normalised) not in self._allowed_keys():
            raise ValidationError(TRIAL_MODE_MESSAGE)
        self.normalised_recipient = normalised if self.is_sms else stored_email_address(normalised)
        return value.strip()

    def _key(self, normalised):
        return normalised if self.is_sms else email_key(normalised)

    def _allowed_keys(self):
        keys = set()
        for entry in self.allowlist:
            try:
                if self.is_sms:
                    keys.add(validate_phone_number(entry, international=True))
                else:
                    keys.add(email_key(validate_email_address(entry)))
            except InvalidRecipientError:
                continue
        return keys

    @property
    def personalisation(self):
        values = {name: self.cleaned_data.get(f"placeholder_{i}") for i, name in enumerate(self.placeholder_names)}
        values.update(dict.fromkeys(self.recipient_placeholders, self.cleaned_data.get("recipient")))
        return values

    def clean(self):
        cleaned = super().clean()
        if self.remaining is not None and self.remaining <= 0:
            limit = self.service.message_limit(self.template.template_type)
            raise ValidationError(f"Daily limit reached. You can only send {limit:,} messages per day.")
        if self.is_sms and not self.errors:
            text = render(self.template.content, self.personalisation, escape=False)
            count = sms_character_count(text)
            if count > SMS_CHAR_COUNT_LIMIT:
                raise ValidationError(message_too_long(count, SMS_CHAR_COUNT_LIMIT))
        return cleaned
