"""Directory API: the near-me search, practitioner profiles and the list of concerns."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from needlepoint.errors import ApiError

from . import search, selectors
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


class SearchOut(Schema):
    centre: CentreOut
    count: int
    results: list[ResultOut]


class ProfileOut(PractitionerOut):
    bio: str
    clinic: ClinicOut
    locations: list[LocationOut]


class ConcernOut(Schema):
    slug: str
    name: str


def credential_out(credential: Credential) -> CredentialOut:
    return CredentialOut(
        kind=credential.kind,
        label=credential.get_kind_display(),
        issuing_body=credential.issuing_body,
        valid_until=credential.valid_until,
    )


def practitioner_out(practitioner: Practitioner) -> dict[str, Any]:
    return {
        "id": practitioner.pk,
        "full_name": practitioner.full_name,
        "title": practitioner.title,
        "years_experience": practitioner.years_experience,
        "languages": practitioner.languages,
        "concerns": [concern.slug for concern in practitioner.concerns.all()],
        "credentials": [credential_out(c) for c in practitioner.credentials.all()],
    }


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    summary="Verified micro-needling practitioners near a place or a point, nearest first",
)
def search_near(request: HttpRequest, params: Query[search.SearchQuery]) -> SearchOut:
    centre = search.resolve_centre(params)
    matches = selectors.search_practitioners(
        latitude=centre.latitude,
        longitude=centre.longitude,
        radius_km=params.radius_km,
        concern=params.concern,
        max_price=params.max_price,
        limit=params.limit,
    )
    results = [
        ResultOut(
            practitioner=PractitionerOut(**practitioner_out(match.practitioner)),
            clinic=ClinicOut(id=match.practitioner.clinic.pk, name=match.practitioner.clinic.name),
            location=LocationOut.from_orm(match.location),
            distance_km=round(match.distance_km, 2),
            price=PriceOut(amount=f"{match.price.amount:.2f}", currency=match.price.currency)
            if match.price
            else None,
        )
        for match in matches
    ]
    return SearchOut(
        centre=CentreOut(
            latitude=centre.latitude,
            longitude=centre.longitude,
            label=centre.label,
            radius_km=params.radius_km,
        ),
        count=len(results),
        results=results,
    )


@router.get(
    "/practitioners/{practitioner_id}",
    response={200: ProfileOut, 404: ErrorOut},
    summary="A practitioner's public profile",
)
def practitioner_profile(request: HttpRequest, practitioner_id: int) -> ProfileOut:
    practitioner = selectors.public_practitioner(practitioner_id)
    return ProfileOut(
        **practitioner_out(practitioner),
        bio=practitioner.bio,
        clinic=ClinicOut(id=practitioner.clinic.pk, name=practitioner.clinic.name),
        locations=[LocationOut.from_orm(loc) for loc in practitioner.locations.all()],
    )


@router.get("/concerns", response=list[ConcernOut], summary="The concerns one can search by")
def concerns(request: HttpRequest) -> list[Concern]:
    return list(Concern.objects.all())


__all__ = ["ApiError", "router"]
