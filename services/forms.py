"""Forms for the service pages. Messages follow Notify's wording where it has one."""

from django import forms
from django.core.exceptions import ValidationError

from .models import (
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    PERMISSIONS,
    ApiKey,
    KeyType,
    Organisation,
    Service,
    TemplateType,
)
from .templating import SMS_CHAR_COUNT_LIMIT, sms_character_count

PERMISSION_LABELS = {
    "view_activity": "See dashboard",
    "send_messages": "Send messages",
    "manage_templates": "Add and edit templates",
    "manage_service": "Manage settings, team and usage",
    "manage_api_keys": "Manage API integration",
}
# The order Notify shows them in.
PERMISSION_CHOICES = [(name, PERMISSION_LABELS[name]) for name in PERMISSION_LABELS]
assert set(PERMISSION_LABELS) == set(PERMISSIONS)


def _max_length_message(thing, limit):
    return f"{thing} must be {limit:,} characters or fewer"


class NameField(forms.CharField):
    """A required, stripped name with a length limit and plain-English messages."""

    def __init__(self, *, thing, max_length=255, **kwargs):
        super().__init__(
            max_length=max_length,
            error_messages={
                "required": f"Enter {'an' if thing[0] in 'AEIOU' else 'a'} {thing.lower()}",
                "max_length": _max_length_message(thing, max_length),
            },
            **kwargs,
        )
        # Let any length through to validation: the browser would silently truncate.
        self.widget.attrs.pop("maxlength", None)


class ServiceNameForm(forms.Form):
    name = NameField(thing="Service name")

    def __init__(self, *args, service=None, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = Service.objects.filter(name__iexact=name)
        if self.service is not None:
            taken = taken.exclude(pk=self.service.pk)
        if taken.exists():
            raise ValidationError("This service name is already in use – enter a different name")
        return name


class DataRetentionForm(forms.Form):
    data_retention_days = forms.IntegerField(
        label="Number of days to keep data",
        min_value=MIN_RETENTION_DAYS,
        max_value=MAX_RETENTION_DAYS,
        error_messages={
            "required": "Enter a number of days",
            "invalid": "Number of days must be a whole number",
            "min_value": f"Number of days must be between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS}",
            "max_value": f"Number of days must be between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS}",
        },
    )


class EmailReplyToForm(forms.Form):
    email_reply_to = forms.EmailField(
        label="Reply-to email address",
        required=False,
        max_length=320,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
            "max_length": _max_length_message("Email address", 320),
        },
    )


class SmsSenderForm(forms.Form):
    sms_sender = forms.CharField(
        label="Text message sender name",
        required=False,
        max_length=11,
        error_messages={"max_length": "Text message sender must be 11 characters or fewer"},
    )

    def clean_sms_sender(self):
        sender = self.cleaned_data["sms_sender"]
        # Alphanumeric sender ids: letters, digits and spaces only, at least 3 characters.
        if sender and not all(char.isascii() and (char.isalnum() or char == " ") for char in sender):
            raise ValidationError("Text message sender can only include letters, numbers and spaces")
        if sender and len(sender) < 3:
            raise ValidationError("Text message sender must be at least 3 characters long")
        return sender


class PermissionsForm(forms.Form):
    permissions = forms.MultipleChoiceField(
        label="Permissions",
        choices=PERMISSION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InviteForm(PermissionsForm):
    email = forms.EmailField(
        label="Email address",
        max_length=320,
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
            "max_length": _max_length_message("Email address", 320),
        },
    )
    field_order = ["email", "permissions"]

    def __init__(self, *args, service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean(self):
        if not self.service.active:
            raise ValidationError("This service has been archived – nobody can join it")
        return super().clean()

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if self.service.team.filter(user__email__iexact=email).exists():
            raise ValidationError("This person is already a team member")
        return email


class TemplateForm(forms.Form):
    name = NameField(thing="Template name", help_text="Your recipients will not see this")
    subject = forms.CharField(
        label="Subject line of the email",
        required=False,
        max_length=1000,
        error_messages={"max_length": _max_length_message("Subject", 1000)},
    )
    content = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter a message"},
    )

    def __init__(self, *args, template_type, **kwargs):
        self.template_type = template_type
        super().__init__(*args, **kwargs)
        if template_type == TemplateType.EMAIL:
            self.fields["subject"].widget.attrs.pop("maxlength", None)
        else:
            del self.fields["subject"]

    def clean_subject(self):
        subject = self.cleaned_data.get("subject", "").strip()
        if self.template_type == TemplateType.EMAIL and not subject:
            raise ValidationError("Enter a subject line")
        return subject

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if self.template_type == TemplateType.SMS:
            count = sms_character_count(content)
            if count > SMS_CHAR_COUNT_LIMIT:
                raise ValidationError(
                    f"Text messages cannot be longer than {SMS_CHAR_COUNT_LIMIT} characters. "
                    f"Your message is {count:,} characters."
                )
        return content


class ApiKeyForm(forms.Form):
    name = NameField(thing="Key name", label="Name for this key")
    key_type = forms.ChoiceField(
        label="Type of key",
        choices=KeyType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a type of key"},
    )

    KEY_TYPE_HINTS = {
        KeyType.NORMAL: "Sends messages to anyone. Not available while the service is in trial mode.",
        KeyType.TEAM: "Sends messages only to your team members and guest list.",
        KeyType.TEST: "Pretends to send messages. Nothing is delivered and nothing is counted.",
    }

    def __init__(self, *args, service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"]
        if ApiKey.objects.filter(service=self.service, name__iexact=name, expiry_date__isnull=True).exists():
            raise ValidationError("You already have an API key with this name – enter a different name")
        return name

    def clean_key_type(self):
        key_type = self.cleaned_data["key_type"]
        if key_type == KeyType.NORMAL and self.service.restricted:
            raise ValidationError(
                "You cannot create a live key while your service is in trial mode – "
                "choose a team or test key, or request to go live"
            )
        return key_type


class OrganisationForm(forms.Form):
    name = NameField(thing="Organisation name")

    def clean_name(self):
        name = self.cleaned_data["name"]
        if Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError("An organisation with this name already exists – enter a different name")
        return name


class ServiceOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="No organisation",
    )


class ConfirmForm(forms.Form):
    """A POST with nothing but the CSRF token: confirmation pages."""
