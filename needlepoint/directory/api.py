"""Directory API: practitioner profiles, the list of concerns, and the shapes of a search result
(the search itself, which needs free time, is scheduling's)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from needlepoint.errors import ApiError

from . import selectors
from .models import Concern, Credential, Practitioner

router = Router(tags=["directory"])


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None


class ErrorOut(Schema):
    error: ErrorDetail


class CredentialOut(Schema):
    kind: str
    label: str
    issuing_body: str
    valid_until: dt.date | None


class ClinicOut(Schema):
    id: int
    name: str


class LocationOut(Schema):
    id: int
    name: str
    address_line: str
    city: str
    postcode: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    phone: str


class PriceOut(Schema):
    amount: str
    currency: str


class PractitionerOut(Schema):
    id: int
    full_name: str
    title: str
    years_experience: int
    languages: list[str]
    concerns: list[str]
    credentials: list[CredentialOut]


class ResultOut(Schema):
    practitioner: PractitionerOut
    clinic: ClinicOut
    location: LocationOut
    distance_km: float
    price: PriceOut | None


class CentreOut(Schema):
    latitude: float
    longitude: float
    label: str
    radius_km: float


class ProfileOut(PractitionerOut):
    bio: str
    clinic: ClinicOut
    locations: list[LocationOut]


class ConcernOut(Schema):
    slug: str
    name: str


def result_out(match: selectors.Match) -> dict[str, Any]:
    """One search result in its API shape (ResultOut, field for field; scheduling adds the
    free slots) as plain data: the search answers it without building a Schema per nested
    object, which cost a third of the request (docs/benchmarks.md)."""
    price = match.price
    location = match.location
    return {
        "practitioner": practitioner_out(match.practitioner, match.concerns, match.credentials),
        "clinic": {"id": match.practitioner.clinic.pk, "name": match.practitioner.clinic.name},
        "location": {name: getattr(location, name) for name in LocationOut.model_fields},
        "distance_km": round(match.distance_km, 2),
        "price": {"amount": f"{price.amount:.2f}", "currency": price.currency} if price else None,
    }


def credential_out(credential: Credential) -> dict[str, Any]:
    return {
        "kind": credential.kind,
        "label": credential.get_kind_display(),
        "issuing_body": credential.issuing_body,
        "valid_until": credential.valid_until,
    }


def practitioner_out(
    practitioner: Practitioner, concerns: list[str], credentials: list[Credential]
) -> dict[str, Any]:
    return {
        "id": practitioner.pk,
        "full_name": practitioner.full_name,
        "title": practitioner.title,
        "years_experience": practitioner.years_experience,
        "languages": practitioner.languages,
        "concerns": concerns,
        "credentials": [credential_out(c) for c in credentials],
    }


@router.get(
    "/practitioners/{practitioner_id}",
    response={200: ProfileOut, 404: ErrorOut},
    summary="A practitioner's public profile",
)
def practitioner_profile(request: HttpRequest, practitioner_id: int) -> ProfileOut:
    practitioner = selectors.public_practitioner(practitioner_id)
    return ProfileOut(
        **practitioner_out(
            practitioner,
            [concern.slug for concern in practitioner.concerns.all()],
            list(practitioner.credentials.all()),
        ),
        bio=practitioner.bio,
        clinic=ClinicOut(id=practitioner.clinic.pk, name=practitioner.clinic.name),
        locations=[LocationOut.from_orm(loc) for loc in practitioner.locations.all()],
    )


@router.get("/concerns", response=list[ConcernOut], summary="The concerns one can search by")
def concerns(request: HttpRequest) -> list[Concern]:
    return list(Concern.objects.all())


__all__ = ["ApiError", "router"]
