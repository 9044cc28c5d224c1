"""A small public directory for the FHIR directory and feed tests: two listable practitioners
near Leeds (one with a booked session and time off), one in Austin, Texas, and two who must
never be published (a pending credential; no hours at all is listable but has no schedule)."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from needlepoint.directory.models import Credential, Location, Practitioner
from needlepoint.directory.tests.factories import practitioner_at
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment, BookingPolicy, TimeOff, WorkingHours
from needlepoint.scheduling.tests.factories import bookable, client_user, local

LEEDS = (53.7997, -1.5492)
R4 = "/fhir/R4"
HORIZON_DAYS = 4  # short, so a whole feed is a few hundred lines and validates quickly


@dataclass
class World:
    leeds: Practitioner
    york: Practitioner
    austin: Practitioner
    pending: Practitioner
    no_hours: Practitioner
    booked: Appointment


def _short_horizon(practitioner: Practitioner) -> None:
    BookingPolicy.objects.filter(clinic=practitioner.clinic).update(horizon_days=HORIZON_DAYS)


def make_world() -> World:
    leeds = bookable(name="Lena Leeds", lat=53.80, lon=-1.55)
    york = bookable(name="Yusuf York", lat=53.96, lon=-1.08)
    austin = bookable(name="Ava Austin", lat=30.27, lon=-97.74)
    Location.objects.filter(practitioners=austin).update(
        country="US", region="TX", timezone="America/Chicago", phone="+1 512 555 0100"
    )
    Location.objects.filter(practitioners=leeds).update(
        region="West Yorkshire", phone="0113 496 0000"
    )
    pending = practitioner_at(53.801, -1.551, name="Pat Pending", status=Credential.Status.PENDING)
    WorkingHours.objects.create(
        practitioner=pending,
        location=pending.locations.get(),
        weekday=0,
        start=dt.time(9),
        end=dt.time(17),
    )
    no_hours = practitioner_at(53.79, -1.54, name="Noor Nohours")
    for practitioner in (leeds, york, austin):
        _short_horizon(practitioner)
    client = client_user("booker@example.test")
    # the day after tomorrow: always outside the 24-hour window in which clients may not cancel
    booked = services.book_appointment(client=client, practitioner_id=leeds.pk, start=local(2, 10))
    TimeOff.objects.create(practitioner=york, start=local(2, 0), end=local(3, 0))
    return World(leeds, york, austin, pending, no_hours, booked)


def get_json(client: Client, url: str, **headers: str) -> tuple[int, dict[str, Any]]:
    response = client.get(url, headers=headers)
    return response.status_code, json.loads(response.content)


def entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle.get("entry", [])]


def ndjson(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines() if line]


def validate(resource: dict[str, Any]) -> None:
    """Validates with the independent R4B models (fhir.resources): unknown fields, wrong
    types, instants without offsets and missing required elements all fail."""
    import importlib

    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    getattr(module, kind).model_validate(resource)


def references_in(value: Any) -> list[str]:
    """Every `reference` string anywhere inside a resource."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [ref for item in value.values() for ref in references_in(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in references_in(item)]
    return []
