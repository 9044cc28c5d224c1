"""The directory: clinics, their locations, practitioners, credentials, services and concerns."""

import datetime as dt
import os
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import geo


class PrivateStorage(FileSystemStorage):
    """Identity documents never sit under a public URL; they are served by an access check.
    The folder is read from settings when used, not at import, so a deployment or a test can
    move it."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> Storage:
    """Where identity documents and clinical photos are kept: settings.STORAGES["private"], this
    machine's disk by default, a private S3-compatible bucket by setting."""
    return storages["private"]


class Concern(models.Model):
    """A skin concern micro-needling is offered for (the eight of the brief)."""

    slug = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Clinic(models.Model):
    """An organisation that offers micro-needling at one or more locations."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the row last changed: FHIR `meta.lastUpdated`, `_lastUpdated` and the feed's `_since`.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A place where a clinic treats: address, position and local time zone.

    `micro_cell`, `cell` and `coarse_cell` are the grid cells of the position (see geo.py); the
    near-me search reads candidate locations through their indexes, so its cost follows the
    answer, not the table, and the same query runs on SQLite and PostgreSQL."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    address_line = models.CharField(max_length=200)
    city = models.CharField(max_length=120)
    region = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    timezone = models.CharField(max_length=64, help_text="IANA time zone, e.g. Europe/London")
    phone = models.CharField(max_length=40, blank=True)
    micro_cell = models.IntegerField(db_index=True, editable=False)
    cell = models.IntegerField(db_index=True, editable=False)
    coarse_cell = models.IntegerField(db_index=True, editable=False)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="location_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.place_in_grid()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def place_in_grid(self) -> None:
        for name, value in geo.cells_of(self.latitude, self.longitude).items():
            setattr(self, name, value)


class PractitionerQuerySet(models.QuerySet["Practitioner"]):
    def listable(self, on: dt.date) -> "PractitionerQuerySet":
        """Practitioners the public may find on `on`: active, at an active clinic, and holding
        at least one verified credential valid that day — so they drop out by themselves the
        day after their last credential expires."""
        current = Credential.objects.current(on).filter(practitioner=OuterRef("pk"))
        return self.filter(is_active=True, clinic__is_active=True).filter(Exists(current))


class Practitioner(models.Model):
    """A person who performs micro-needling, working for one clinic at some of its locations."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="practitioners")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practitioner",
    )
    full_name = models.CharField(max_length=200)
    title = models.CharField(max_length=120, blank=True, help_text="e.g. Registered nurse")
    bio = models.TextField(blank=True)
    years_experience = models.PositiveSmallIntegerField(default=0)
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes")
    concerns = models.ManyToManyField(Concern, related_name="practitioners", blank=True)
    locations = models.ManyToManyField(Location, related_name="practitioners")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # When anything their free time is computed from last changed (hours, days off, time off,
    # appointments, the clinic's booking rules): set by needlepoint/interop/change_tracking.py,
    # so the SMART Scheduling Links feed's `_since` names exactly the practitioners to re-read.
    availability_changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PractitionerQuerySet.as_manager()

    def __str__(self) -> str:
        return self.full_name


class CredentialQuerySet(models.QuerySet["Credential"]):
    def current(self, on: dt.date) -> "CredentialQuerySet":
        """Verified and valid on `on` (valid_until is inclusive: the last day it counts)."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            status=Credential.Status.VERIFIED,
            valid_from__lte=on,
        )


class Credential(models.Model):
    """A qualification or licence, with the evidence and who at the platform verified it."""

    class Kind(models.TextChoices):
        MEDICAL_LICENCE = "medical_licence", "Medical licence"
        NURSING_REGISTRATION = "nursing_registration", "Nursing registration"
        DERMATOLOGY = "dermatology", "Dermatology specialist registration"
        AESTHETICS_QUALIFICATION = "aesthetics_qualification", "Aesthetic practice qualification"
        MICRONEEDLING_CERTIFICATE = "microneedling_certificate", "Micro-needling training"
        INSURANCE = "insurance", "Professional indemnity insurance"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="credentials"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    issuing_body = models.CharField(max_length=200)
    number = models.CharField(max_length=80, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True, help_text="Last day it is valid")
    evidence = models.FileField(storage=private_storage, upload_to="credentials/", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="credential_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="credential_verified_has_verifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.issuing_body}"

    def is_current(self, on: dt.date) -> bool:
        return (
            self.status == self.Status.VERIFIED
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )


class Service(models.Model):
    """What a clinic sells: a micro-needling session of a length, at a price."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200, default="Micro-needling session")
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, help_text="ISO 4217 code")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.price} {self.currency})"


class AddOn(models.Model):
    """An optional extra to a service, e.g. a hydrating mask or LED after the session."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="add_ons")
    name = models.CharField(max_length=200)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    def __str__(self) -> str:
        return self.name
