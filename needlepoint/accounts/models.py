"""Users, their roles, clinic membership and API tokens."""

import hashlib
import secrets

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
