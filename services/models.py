import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

TRIAL_DAILY_LIMIT = 50
LIVE_DAILY_LIMIT = 250_000
DEFAULT_RETENTION_DAYS = 7
MIN_RETENTION_DAYS = 3
MAX_RETENTION_DAYS = 90

PERMISSIONS = (
    "manage_service",
    "view_activity",
    "send_messages",
    "manage_templates",
    "manage_api_keys",
)


class TemplateType(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    # Letters are counted on the performance page but not sent by this project, so no
    # page offers to create a letter template.
    LETTER = "letter", "Letter"


class KeyType(models.TextChoices):
    NORMAL = "normal", "Live"
    TEAM = "team", "Team and guest list"
    TEST = "test", "Test"


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci")]
        ordering = [Lower("name")]

    def __str__(self):
        return self.name


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    active = models.BooleanField(default=True, help_text="Off once the service is archived.")
    restricted = models.BooleanField(default=True, help_text="On while the service is in trial mode.")
    count_as_live = models.BooleanField(
        default=True, help_text="Off for services that should not count on the performance page."
    )
    go_live_requested_at = models.DateTimeField(null=True, blank=True)
    go_live_at = models.DateTimeField(null=True, blank=True)
    email_message_limit = models.PositiveIntegerField(default=TRIAL_DAILY_LIMIT)
    sms_message_limit = models.PositiveIntegerField(default=TRIAL_DAILY_LIMIT)
    can_send_international_sms = models.BooleanField(default=False)
    data_retention_days = models.PositiveSmallIntegerField(
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(MIN_RETENTION_DAYS), MaxValueValidator(MAX_RETENTION_DAYS)],
    )
    email_reply_to = models.EmailField(max_length=320, blank=True)
    sms_sender = models.CharField(max_length=11, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), name="service_name_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(data_retention_days__gte=MIN_RETENTION_DAYS)
                & models.Q(data_retention_days__lte=MAX_RETENTION_DAYS),
                name="service_retention_in_range",
            ),
        ]
        ordering = [Lower("name")]

    def __str__(self):
        return self.name

    @property
    def trial_mode(self):
        return self.restricted

    @property
    def is_live(self):
        return self.active and not self.restricted and self.count_as_live

    def message_limit(self, notification_type):
        return self.sms_message_limit if notification_type == TemplateType.SMS else self.email_message_limit


class ServiceUser(models.Model):
    """A user's membership of a service's team, with the permissions they hold there."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    manage_service = models.BooleanField(default=False)
    view_activity = models.BooleanField(default=True)
    send_messages = models.BooleanField(default=False)
    manage_templates = models.BooleanField(default=False)
    manage_api_keys = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "user"], name="service_user_unique")]
        verbose_name = "team member"

    def __str__(self):
        return f"{self.user} in {self.service}"

    @property
    def permissions(self):
        return [name for name in PERMISSIONS if getattr(self, name)]


class Template(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=255)
    template_type = models.CharField(max_length=8, choices=TemplateType.choices)
    subject = models.CharField(max_length=1000, blank=True, help_text="Emails only.")
    content = models.TextField()
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["service", "archived", "name"], name="template_service_list")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(template_type__in=TemplateType.values), name="template_type_valid"
            ),
        ]

    def __str__(self):
        return self.name


class ApiKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=255)
    key_type = models.CharField(max_length=8, choices=KeyType.choices)
    # Only a hash is kept: the secret is shown once, can be verified later, never read back.
    secret_hash = models.CharField(max_length=255, editable=False)
    expiry_date = models.DateTimeField(null=True, blank=True, help_text="Set when the key is revoked.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "name"],
                condition=models.Q(expiry_date__isnull=True),
                name="api_key_live_name_unique",
            ),
            models.CheckConstraint(condition=models.Q(key_type__in=KeyType.values), name="api_key_type_valid"),
        ]
        verbose_name = "API key"

    def __str__(self):
        return self.name

    @property
    def revoked(self):
        return self.expiry_date is not None


INVITE_VALID_FOR = timedelta(days=2)


class Invite(models.Model):
    """An emailed invitation to join a service's team with chosen permissions."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField(max_length=320)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The link carries a random token; only its SHA-256 is stored, so a database
    # read cannot be turned into working invitation links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    manage_service = models.BooleanField(default=False)
    view_activity = models.BooleanField(default=True)
    send_messages = models.BooleanField(default=False)
    manage_templates = models.BooleanField(default=False)
    manage_api_keys = models.BooleanField(default=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["service", "status"], name="invite_service_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "cancelled"]), name="invite_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.service}"

    @property
    def permissions(self):
        return [name for name in PERMISSIONS if getattr(self, name)]

    @property
    def expires_at(self):
        return self.created_at + INVITE_VALID_FOR

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at
