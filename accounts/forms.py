from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from . import queries
from .models import User
from .phone import InvalidMobileNumber, normalise_mobile_number


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "mobile_number")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# --- Forms for the public pages ----------------------------------------------------------
# Messages follow GOV.UK's pattern: say what to do ("Enter your email address").


def _email_field(label="Email address", **kwargs):
    return forms.EmailField(
        label=label,
        max_length=320,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        **kwargs,
    )


def check_email_domain_allowed(email: str) -> None:
    """Registration may be limited to some domains (and their subdomains)."""
    allowed = [d.lower().lstrip("@.") for d in settings.REGISTRATION_EMAIL_DOMAINS if d.strip()]
    if not allowed:
        return
    domain = email.rsplit("@", 1)[-1].lower()
    if not any(domain == d or domain.endswith("." + d) for d in allowed):
        raise forms.ValidationError(
            "You cannot register with this email address. Use an email address ending in " + ", ".join(sorted(allowed)),
            code="domain_not_allowed",
        )


class MobileNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Mobile number")
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("error_messages", {"required": "Enter a mobile number"})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalise_mobile_number(value)
        except InvalidMobileNumber as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class NewPasswordField(forms.CharField):
    """A password checked against AUTH_PASSWORD_VALIDATORS (8+ characters, not a common one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Password")
        kwargs.setdefault("help_text", "At least 8 characters. Do not use a common password.")
        kwargs.setdefault("error_messages", {"required": "Enter a password"})
        kwargs.setdefault("strip", False)
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)


def _validate_new_password(form, field_name, user):
    password = form.cleaned_data.get(field_name)
    if password:
        try:
            password_validation.validate_password(password, user)
        except forms.ValidationError as error:
            form.add_error(field_name, error)


class RegisterForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=255, error_messages={"required": "Enter your full name"})
    email = _email_field(help_text="Use your work email address.")
    mobile_number = MobileNumberField(help_text="We will send you a security code by text message when you sign in.")
    password = NewPasswordField()

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        check_email_domain_allowed(email)
        return email

    def clean(self):
        cleaned = super().clean()
        _validate_new_password(self, "password", User(name=cleaned.get("name", ""), email=cleaned.get("email", "")))
        return cleaned


class SignInForm(forms.Form):
    email = _email_field()
    password = forms.CharField(
        label="Password", strip=False, max_length=255, error_messages={"required": "Enter your password"}
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code", max_length=20, error_messages={"required": "Enter your security code"}
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 5):
            raise forms.ValidationError("Enter the 5-digit security code", code="format")
        return code


class ForgotPasswordForm(forms.Form):
    email = _email_field()


class SetPasswordForm(forms.Form):
    password = NewPasswordField(label="New password")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        _validate_new_password(self, "password", self.user)
        return cleaned


class _CurrentPasswordMixin:
    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your current password is not correct", code="wrong_password")
        return password


def _current_password_field():
    return forms.CharField(
        label="Current password",
        strip=False,
        max_length=255,
        error_messages={"required": "Enter your current password"},
    )


class ChangePasswordForm(_CurrentPasswordMixin, SetPasswordForm):
    current_password = _current_password_field()
    field_order = ["current_password", "password"]


class ChangeNameForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=255, error_messages={"required": "Enter your name"})


class ChangeEmailForm(_CurrentPasswordMixin, forms.Form):
    email = _email_field(label="New email address", help_text="We will email a link to confirm it.")
    current_password = _current_password_field()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError("This is already your email address", code="same")
        check_email_domain_allowed(email)
        if queries.user_email_taken(email, exclude=self.user):
            raise forms.ValidationError("This email address is already used by another account", code="taken")
        return email


class ChangeMobileNumberForm(_CurrentPasswordMixin, forms.Form):
    mobile_number = MobileNumberField(label="New mobile number")
    current_password = _current_password_field()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class AuthTypeForm(forms.Form):
    auth_type = forms.ChoiceField(
        label="How do you want to get your security code when you sign in?",
        choices=[("sms_auth", "Text message to your mobile"), ("email_auth", "Email (with a code and a link)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to get your security code"},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_auth_type(self):
        auth_type = self.cleaned_data["auth_type"]
        if auth_type == "sms_auth" and not self.user.mobile_number:
            raise forms.ValidationError("Add a mobile number to your account first", code="no_mobile")
        return auth_type
