"""Users, their roles, clinic membership and API tokens; second factors (TOTP and recovery
codes); the audit trail of health data; a clinic's grant of chart access to platform staff; a
client's erasure request."""

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Clinic manager"
    STAFF = "staff", "Platform staff"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("role", Role.STAFF)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: clients, practitioners, clinic managers and platform staff."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(
        max_length=40, blank=True, help_text="For the clinic to reach the client (recalls)"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.email

    @property
    def is_staff(self) -> bool:
        """Only platform staff reach the admin; clinic roles work in the product's own pages."""
        return self.is_active and self.role == Role.STAFF

    @property
    def is_platform_staff(self) -> bool:
        return self.is_staff


class Membership(models.Model):
    """A practitioner's or manager's place in a clinic; what clinic data they may reach."""

    class ClinicRole(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner"
        MANAGER = "manager", "Clinic manager"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(
        "directory.Clinic", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=ClinicRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="one_membership_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token of {self.user} ({self.digest[:8]}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_raw_token(cls) -> str:
        return "np_" + secrets.token_urlsafe(32)


class TOTPDevice(models.Model):
    """A user's authenticator app (RFC 6238). Confirmed once the user enters a first code;
    the last accepted time step is kept so that a code is never accepted twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64, help_text="Base32")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost. Only its SHA-256 digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="one_recovery_code_digest")
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}"


class AuditEvent(models.Model):
    """One read or write of health data: who (and in which role), what object, what action,
    when, from where and through which route. Append-only: save() refuses to change a row."""

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"
        GRANT = "grant", "Grant of access"

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor = models.CharField(max_length=254, help_text="The user's email when it happened")
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    client = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose health data",
    )
    clinic = models.ForeignKey(
        "directory.Clinic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    route = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "-at"]),
            models.Index(fields=["client", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The audit trail is append-only.")
        super().save(*args, **kwargs)


class ChartGrant(models.Model):
    """A clinic lets one platform staff member read one client's chart there, for a reason and
    until a time; the grant itself is on the audit trail."""

    clinic = models.ForeignKey("directory.Clinic", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(User, on_delete=models.CASCADE, related_name="chart_grants")
    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["staff", "client", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.staff} may read {self.client} at {self.clinic}"


class ErasureRequest(models.Model):
    """A client's request to erase their data. Personal data is deleted or anonymised; clinical
    records are kept as long as the law requires, and `outcome` tells the client what was done
    and why anything was kept."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        DONE = "done", "Done"

    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Erasure request of {self.client} ({self.status})"
