"""Small builders for directory rows in tests: a listable practitioner at a point in one call."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.directory.models import (
    Clinic,
    Concern,
    Credential,
    Location,
    Practitioner,
    Service,
)

_serial = itertools.count(1)


def staff_user() -> User:
    user, _ = User.objects.get_or_create(
        email="verifier@platform.test", defaults={"role": Role.STAFF, "full_name": "Verifier"}
    )
    return user


def practitioner_at(
    lat: float,
    lon: float,
    *,
    price: str = "200",
    currency: str = "GBP",
    concerns: tuple[str, ...] = ("acne", "scars"),
    valid_until: dt.date | None = None,
    status: str = Credential.Status.VERIFIED,
    with_credential: bool = True,
    name: str | None = None,
) -> Practitioner:
    n = next(_serial)
    clinic = Clinic.objects.create(name=f"Clinic {n}")
    location = Location.objects.create(
        clinic=clinic,
        name=f"Clinic {n} rooms",
        address_line=f"{n} High Street",
        city="Testtown",
        country="GB",
        latitude=lat,
        longitude=lon,
        timezone="Europe/London",
    )
    Service.objects.create(clinic=clinic, price=Decimal(price), currency=currency)
    practitioner = Practitioner.objects.create(
        clinic=clinic, full_name=name or f"Practitioner {n}", years_experience=5
    )
    practitioner.locations.add(location)
    practitioner.concerns.set(Concern.objects.filter(slug__in=concerns))
    if with_credential:
        verified = status == Credential.Status.VERIFIED
        Credential.objects.create(
            practitioner=practitioner,
            kind=Credential.Kind.NURSING_REGISTRATION,
            issuing_body="Nursing and Midwifery Council",
            valid_from=dt.date(2000, 1, 1),
            valid_until=valid_until,
            status=status,
            verified_by=staff_user() if verified else None,
            verified_at=timezone.now() if verified else None,
        )
    return practitioner
