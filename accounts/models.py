import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).strip(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        # Email addresses are matched case-insensitively, as Notify does.
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    class AuthType(models.TextChoices):
        SMS = "sms_auth", "Text message code"
        EMAIL = "email_auth", "Email link or code"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", max_length=320, unique=True)
    name = models.CharField(max_length=255)
    mobile_number = models.CharField(max_length=32, blank=True)
    auth_type = models.CharField(max_length=16, choices=AuthType.choices, default=AuthType.SMS)
    is_staff = models.BooleanField(
        "platform admin",
        default=False,
        help_text="Platform admins can use the Django admin and see every service.",
    )
    is_active = models.BooleanField(default=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    @property
    def platform_admin(self):
        return self.is_staff


class VerifyCode(models.Model):
    """A second-factor security code. Only a keyed hash of the code is stored."""

    class CodeType(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verify_codes")
    code_type = models.CharField(max_length=8, choices=CodeType.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"], name="verify_code_user_hash")]
        constraints = [
            models.CheckConstraint(condition=models.Q(code_type__in=["sms", "email"]), name="verify_code_type_valid"),
        ]

    def __str__(self):
        return f"{self.code_type} code for {self.user_id}"
