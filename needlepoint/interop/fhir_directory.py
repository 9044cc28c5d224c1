"""FHIR R4 resources of the directory and of free time, built from loaded rows: no queries here.

Ids are the directory's own: Organization = clinic, Location = location, Practitioner and
PractitionerRole = practitioner (one role each: they work for one clinic), HealthcareService =
service. A Schedule is one practitioner at one location ("<practitioner>-<location>"), since a
slot is always at one place; a Slot is "<schedule>-<UTC start as YYYYMMDDHHMM>", so the same
time keeps the same id from one poll to the next."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from needlepoint.directory.models import Clinic, Credential, Location, Practitioner, Service

from .fhir import FHIR_VERSION

Resource = dict[str, Any]

SMART = "http://fhir-registry.smarthealthit.org/StructureDefinition"
DEEP_LINK = f"{SMART}/booking-deep-link"
BOOKING_PHONE = f"{SMART}/booking-phone"
SLOT_CAPACITY = f"{SMART}/slot-capacity"
LOCATION_DISTANCE = "http://hl7.org/fhir/StructureDefinition/location-distance"
UCUM = "http://unitsofmeasure.org"
UNIT_CODES = {"km": "km", "mi": "[mi_i]"}
SLOT_STATUSES = ("free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error")


def instant(moment: dt.datetime, zone: str | None = None) -> str:
    """A FHIR instant: seconds and an offset always (a naive time is refused, not guessed)."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no UTC offset")
    local = moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone(dt.UTC)
    return local.isoformat(timespec="seconds")


def _meta(updated: dt.datetime | None) -> dict[str, Any]:
    return {"meta": {"lastUpdated": instant(updated)}} if updated else {}


def identifier(base: str, kind: str, value: object) -> list[dict[str, str]]:
    """The publisher's own identifier: a system URL under this server naming the kind."""
    return [{"system": f"{base}/sid/{kind}", "value": str(value)}]


def reference(kind: str, pk: object, display: str | None = None) -> dict[str, str]:
    ref = {"reference": f"{kind}/{pk}"}
    if display:
        ref["display"] = display
    return ref


def schedule_id(practitioner_id: int, location_id: int) -> str:
    return f"{practitioner_id}-{location_id}"


def slot_id(practitioner_id: int, location_id: int, start: dt.datetime) -> str:
    return f"{schedule_id(practitioner_id, location_id)}-{start.astimezone(dt.UTC):%Y%m%d%H%M}"


def parse_schedule_id(raw: str) -> tuple[int, int] | None:
    parts = raw.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 18 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def parse_slot_id(raw: str) -> tuple[int, int, dt.datetime] | None:
    head, _, stamp = raw.rpartition("-")
    ids = parse_schedule_id(head)
    if ids is None or len(stamp) != 12 or not stamp.isdigit():
        return None
    try:
        start = dt.datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return ids[0], ids[1], start


def organization(base: str, clinic: Clinic) -> Resource:
    telecom = []
    if clinic.email:
        telecom.append({"system": "email", "value": clinic.email})
    if clinic.website:
        telecom.append({"system": "url", "value": clinic.website})
    resource: Resource = {
        "resourceType": "Organization",
        "id": str(clinic.pk),
        **_meta(clinic.updated_at),
        "identifier": identifier(base, "organization", clinic.pk),
        "active": clinic.is_active,
        "name": clinic.name,
    }
    if telecom:
        resource["telecom"] = telecom
    return resource


def location(base: str, place: Location) -> Resource:
    address: dict[str, Any] = {
        "line": [place.address_line],
        "city": place.city,
        "country": place.country,
    }
    if place.region:
        address["state"] = place.region
    if place.postcode:
        address["postalCode"] = place.postcode
    resource: Resource = {
        "resourceType": "Location",
        "id": str(place.pk),
        **_meta(place.updated_at),
        "identifier": identifier(base, "location", place.pk),
        "status": "active" if place.is_active else "inactive",
        "name": place.name,
        "address": address,
        "position": {"latitude": place.latitude, "longitude": place.longitude},
        "managingOrganization": reference("Organization", place.clinic_id),
    }
    if place.phone:
        resource["telecom"] = [{"system": "phone", "value": place.phone}]
    return resource


def practitioner(base: str, person: Practitioner, credentials: Iterable[Credential]) -> Resource:
    """`credentials` must be the verified, current ones only: an unverified claim is never
    published as a qualification."""
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": str(person.pk),
        **_meta(person.updated_at),
        "identifier": identifier(base, "practitioner", person.pk),
        "active": person.is_active,
        "name": [{"text": person.full_name}],
    }
    qualifications = []
    for credential in credentials:
        if credential.status != Credential.Status.VERIFIED:
            raise ValueError("only verified credentials are qualifications")
        qualification: dict[str, Any] = {
            "code": {
                "coding": [
                    {
                        "system": f"{base}/CodeSystem/credential-kind",
                        "code": credential.kind,
                        "display": credential.get_kind_display(),
                    }
                ],
                "text": credential.get_kind_display(),
            },
            "issuer": {"display": credential.issuing_body},
            "period": {"start": credential.valid_from.isoformat()},
        }
        if credential.valid_until:
            qualification["period"]["end"] = credential.valid_until.isoformat()
        if credential.number:
            qualification["identifier"] = [{"value": credential.number}]
        qualifications.append(qualification)
    if qualifications:
        resource["qualification"] = qualifications
    languages = [code for code in person.languages or [] if isinstance(code, str) and code]
    if languages:
        resource["communication"] = [
            {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]} for code in languages
        ]
    return resource


def practitioner_role(
    person: Practitioner, location_ids: Sequence[int], service_ids: Sequence[int]
) -> Resource:
    resource: Resource = {
        "resourceType": "PractitionerRole",
        "id": str(person.pk),
        **_meta(person.updated_at),
        "active": person.is_active,
        "practitioner": reference("Practitioner", person.pk, person.full_name),
        "organization": reference("Organization", person.clinic_id),
        "code": [{"text": person.title or "Micro-needling practitioner"}],
    }
    if location_ids:
        resource["location"] = [reference("Location", pk) for pk in location_ids]
    if service_ids:
        resource["healthcareService"] = [reference("HealthcareService", pk) for pk in service_ids]
    return resource


def service_type(base: str) -> dict[str, Any]:
    """What every schedule offers. A code of this publisher's own: no standard code system
    names a micro-needling session, and inventing one in SNOMED's name would be wrong."""
    return {
        "coding": [
            {
                "system": f"{base}/CodeSystem/service-type",
                "code": "microneedling-session",
                "display": "Micro-needling session",
            }
        ],
        "text": "Micro-needling session",
    }


def healthcare_service(base: str, service: Service, location_ids: Sequence[int]) -> Resource:
    resource: Resource = {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "active": service.is_active,
        "providedBy": reference("Organization", service.clinic_id),
        "type": [service_type(base)],
        "name": service.name,
        "extraDetails": (f"{service.duration_minutes} minutes, {service.price} {service.currency}"),
    }
    if location_ids:
        resource["location"] = [reference("Location", pk) for pk in location_ids]
    return resource


def schedule(
    base: str,
    person: Practitioner,
    place: Location,
    *,
    horizon: tuple[dt.datetime, dt.datetime] | None = None,
) -> Resource:
    resource: Resource = {
        "resourceType": "Schedule",
        "id": schedule_id(person.pk, place.pk),
        **_meta(max(person.availability_changed_at, place.updated_at)),
        "active": True,
        "serviceType": [service_type(base)],
        "actor": [
            reference("Location", place.pk, place.name),
            reference("PractitionerRole", person.pk),
            reference("Practitioner", person.pk, person.full_name),
        ],
    }
    if horizon:
        resource["planningHorizon"] = {
            "start": instant(horizon[0], place.timezone),
            "end": instant(horizon[1], place.timezone),
        }
    return resource


@dataclass(frozen=True)
class SlotFacts:
    """One slot of one schedule as computed by scheduling: free or taken."""

    practitioner_id: int
    location_id: int
    zone: str
    start: dt.datetime
    end: dt.datetime
    free: bool
    changed: dt.datetime  # the practitioner's availability_changed_at


def slot(facts: SlotFacts, *, deep_link: str | None, phone: str | None) -> Resource:
    """A Slot. Only a free slot carries the booking link: a taken one cannot be booked.
    Capacity is 1: one client per practitioner at a time."""
    extensions: list[dict[str, Any]] = []
    if facts.free and deep_link:
        extensions.append({"url": DEEP_LINK, "valueUrl": deep_link})
    if phone:
        extensions.append({"url": BOOKING_PHONE, "valueString": phone})
    extensions.append({"url": SLOT_CAPACITY, "valueInteger": 1 if facts.free else 0})
    return {
        "resourceType": "Slot",
        "id": slot_id(facts.practitioner_id, facts.location_id, facts.start),
        **_meta(facts.changed),
        "extension": extensions,
        "schedule": reference("Schedule", schedule_id(facts.practitioner_id, facts.location_id)),
        "status": "free" if facts.free else "busy",
        "start": instant(facts.start, facts.zone),
        "end": instant(facts.end, facts.zone),
    }


def distance_extension(value: float, units: str) -> dict[str, Any]:
    return {
        "url": LOCATION_DISTANCE,
        "valueDistance": {
            "value": round(value, 3),
            "unit": units,
            "system": UCUM,
            "code": UNIT_CODES[units],
        },
    }


@dataclass(frozen=True)
class Entry:
    resource: Resource
    extension: list[dict[str, Any]] | None = None


def searchset(
    base: str,
    entries: Iterable[Entry],
    *,
    self_url: str,
    next_url: str | None = None,
    total: int | None = None,
) -> Resource:
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    bundle: Resource = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        bundle["total"] = total
    bundle["link"] = links
    listed = []
    for entry in entries:
        search: dict[str, Any] = {"mode": "match"}
        if entry.extension:
            search["extension"] = entry.extension
        resource = entry.resource
        listed.append(
            {
                "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": search,
            }
        )
    if listed:  # FHIR JSON never holds an empty array
        bundle["entry"] = listed
    return bundle


# Search parameters of every resource this server answers, for the CapabilityStatement. The
# clinical record's are served by needlepoint/interop/record_urls.py (signed in only).
SEARCH_PARAMS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Organization": (
        ("_id", "token", "The clinic's id"),
        ("name", "string", "Part of the clinic's name"),
        ("_lastUpdated", "date", "When the clinic's record changed (ge, gt, le, lt)"),
    ),
    "Location": (
        ("_id", "token", "The location's id"),
        ("near", "special", "lat|lon|distance|units (km default, or mi); 25 km, at most 200"),
        ("organization", "reference", "Organization/<id>"),
        ("_lastUpdated", "date", "When the location changed (ge, gt, le, lt)"),
    ),
    "Practitioner": (
        ("_id", "token", "The practitioner's id"),
        ("name", "string", "Part of the practitioner's name"),
        ("_lastUpdated", "date", "When the practitioner or a credential changed"),
    ),
    "PractitionerRole": (
        ("_id", "token", "The role's id (the practitioner's)"),
        ("practitioner", "reference", "Practitioner/<id>"),
        ("organization", "reference", "Organization/<id>"),
        ("location", "reference", "Location/<id>"),
    ),
    "HealthcareService": (
        ("_id", "token", "The service's id"),
        ("organization", "reference", "Organization/<id>"),
        ("location", "reference", "Location/<id>"),
    ),
    "Schedule": (
        ("_id", "token", "<practitioner>-<location>"),
        ("actor", "reference", "Location/<id>, Practitioner/<id> or PractitionerRole/<id>"),
        ("_lastUpdated", "date", "When the free time behind it changed"),
    ),
    "Slot": (
        ("schedule", "reference", "Schedule/<id>"),
        ("status", "token", "free or busy"),
        ("start", "date", "ge, gt, le, lt an instant or date"),
        ("_lastUpdated", "date", "When the practitioner's free time changed"),
    ),
    "Patient": (
        ("_id", "token", "Your own record (signed in)"),
        ("_lastUpdated", "date", "When the record changed"),
    ),
    "Appointment": (
        ("patient", "reference", "Patient/<id>"),
        ("status", "token", "booked, cancelled, fulfilled, noshow"),
        ("date", "date", "When the appointment starts"),
        ("_lastUpdated", "date", "When the appointment changed"),
    ),
    "Consent": (
        ("patient", "reference", "Patient/<id>"),
        ("status", "token", "Consent status"),
        ("_lastUpdated", "date", "When the consent changed"),
    ),
    "Procedure": (
        ("patient", "reference", "Patient/<id>"),
        ("status", "token", "Procedure status"),
        ("date", "date", "When performed"),
        ("_lastUpdated", "date", "When the record changed"),
    ),
    "QuestionnaireResponse": (
        ("patient", "reference", "Patient/<id>"),
        ("questionnaire", "reference", "The questionnaire answered"),
        ("_lastUpdated", "date", "When it was answered"),
    ),
    "Questionnaire": (
        ("_id", "token", "The questionnaire's id"),
        ("url", "uri", "The questionnaire's canonical URL"),
    ),
    "Media": (),  # read only: a photo's description, found through Patient/<id>/$everything
}
DIRECTORY_TYPES = (
    "Organization",
    "Location",
    "Practitioner",
    "PractitionerRole",
    "HealthcareService",
    "Schedule",
    "Slot",
)
COMMON_PARAMS = ("_count", "_lastUpdated", "_id")


def capability_statement(base: str, *, date: dt.datetime) -> Resource:
    resources = []
    for kind, params in SEARCH_PARAMS.items():
        resources.append(
            {
                "type": kind,
                "interaction": [{"code": "read"}] + ([{"code": "search-type"}] if params else []),
                "searchParam": [
                    {"name": name, "type": kind_of, "documentation": text}
                    for name, kind_of, text in params
                ],
            }
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(date),
        "publisher": "Needlepoint",
        "kind": "instance",
        "software": {"name": "Needlepoint"},
        "implementation": {
            "description": "Needlepoint: micro-needling practitioners and their free time",
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Directory and free time are public; the clinical record needs a bearer "
                    "token. `_count` pages searches (50 by default, 500 at most)."
                ),
                "resource": resources,
                "operation": [
                    {
                        "name": "bulk-publish",
                        "definition": (
                            "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/bulk-publish"
                        ),
                    }
                ],
            }
        ],
    }
