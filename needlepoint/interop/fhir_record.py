"""The client's record as FHIR R4 resources: Patient, Appointment, Consent, Procedure (one per
treatment session), Media (photos) and the collection Bundle. Built from loaded rows: no
queries here (the selectors load what each builder reads), so one builder serves the read API,
the searches and the export alike.

Codes: SNOMED CT only where the code is certain (a few body sites); everything else is text,
never an invented code. Ids are the database's; the directory's resources (Practitioner,
Location, Organization) are referenced by the directory's ids and built elsewhere
(fhir_directory.py)."""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from needlepoint.accounts.models import User
from needlepoint.clinic.models import (
    ConsentForm,
    Photo,
    SignedConsent,
    TreatmentSession,
)
from needlepoint.scheduling.models import Appointment
from needlepoint.screening.choices import AREA_LABELS

Resource = dict[str, Any]

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"

# Treated areas with a SNOMED CT body structure we are sure of (each checked against published
# FHIR value sets and implementations). The others ("around the eyes", "chin and jawline",
# "thighs and buttocks"…) have no single concept we could vouch for, so they are text only.
BODY_SITES: dict[str, tuple[str, str | None]] = {
    "forehead": ("52795006", "Forehead structure"),
    "cheeks": ("60819002", "Buccal region of face"),
    "nose": ("45206002", "Nose"),
    "neck": ("45048000", None),
    "chest": ("51185008", "Thoracic structure"),
    "hands": ("85562004", "Hand structure"),
}

# Needlepoint's statuses in FHIR's value sets (tested against the value sets' codes).
APPOINTMENT_STATUS = {
    Appointment.Status.BOOKED: "booked",
    Appointment.Status.CANCELLED: "cancelled",
    Appointment.Status.COMPLETED: "fulfilled",
    Appointment.Status.NO_SHOW: "noshow",
}
CONSENT_SCOPES = {
    ConsentForm.Kind.TREATMENT: ("treatment", "Treatment"),
    # Use of photographs beyond the clinical record: what may be done with their information.
    ConsentForm.Kind.PHOTO: ("patient-privacy", "Privacy Consent"),
}
PROCEDURE_NAME = "Micro-needling (collagen induction therapy)"


def instant(moment: dt.datetime, zone: Any = None) -> str:
    """A FHIR instant: seconds and an offset, always; a naive time is refused, not guessed."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no UTC offset")
    return moment.astimezone(zone or dt.UTC).isoformat(timespec="seconds")


def latest(*moments: dt.datetime | None) -> dt.datetime:
    return max(m for m in moments if m is not None)


@dataclass(frozen=True)
class Refs:
    """How references are written. The record's own resources are relative (`Patient/12`):
    in a Bundle they resolve against the entries' fullUrl base, so inside the Bundle. The
    directory's are relative in the API; in an export they are absolute (`directory_base` is
    the server's FHIR base), since the Bundle carries the record only and they are read there."""

    directory_base: str = ""

    def record(self, kind: str, pk: object, display: str | None = None) -> dict[str, str]:
        ref = {"reference": f"{kind}/{pk}"}
        return ref | {"display": display} if display else ref

    def directory(self, kind: str, pk: object, display: str | None = None) -> dict[str, str]:
        prefix = f"{self.directory_base}/" if self.directory_base else ""
        ref = {"reference": f"{prefix}{kind}/{pk}"}
        return ref | {"display": display} if display else ref


def body_site(area: str) -> dict[str, Any]:
    label = AREA_LABELS.get(area, area.replace("_", " ").capitalize())
    known = BODY_SITES.get(area)
    if known is None:
        return {"text": label}
    code, display = known
    coding = {"system": SNOMED, "code": code} | ({"display": display} if display else {})
    return {"coding": [coding], "text": label}


def patient(client: User) -> Resource:
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(client.pk),
        "active": client.is_active,
    }
    if client.full_name:
        resource["name"] = [{"text": client.full_name}]
    telecom = [{"system": "email", "value": client.email}]
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    resource["telecom"] = telecom
    return resource


def appointment_updated(item: Appointment) -> dt.datetime:
    """The latest moment the row records a change at: booking, cancellation, a rescreen's
    review. A move to completed or no-show is not timestamped in the model, so it is not seen."""
    return latest(item.created_at, item.cancelled_at, item.rescreen_reviewed_at)


def appointment(item: Appointment, refs: Refs) -> Resource:
    zone = _zone(item.location.timezone)
    practitioner = item.practitioner
    resource: Resource = {
        "resourceType": "Appointment",
        "id": str(item.pk),
        "meta": {"lastUpdated": instant(appointment_updated(item))},
        "status": APPOINTMENT_STATUS[Appointment.Status(item.status)],
        "serviceType": [{"text": item.service.name}],
        "description": _appointment_description(item),
        "start": instant(item.start, zone),
        "end": instant(item.end, zone),
        "minutesDuration": int((item.end - item.start).total_seconds() // 60),
        "created": instant(item.created_at),
        "participant": [
            {"actor": refs.record("Patient", item.client_id), "status": "accepted"},
            {
                "actor": refs.directory("Practitioner", practitioner.pk, practitioner.full_name),
                "status": "accepted",
            },
            {
                "actor": refs.directory("Location", item.location_id, item.location.name),
                "status": "accepted",
            },
        ],
    }
    if item.status == Appointment.Status.CANCELLED and item.cancel_reason:
        resource["cancelationReason"] = {"text": item.cancel_reason}
    if item.screening_id is not None:
        resource["supportingInformation"] = [
            refs.record("QuestionnaireResponse", item.screening_id, "Suitability screening")
        ]
    return resource


def _appointment_description(item: Appointment) -> str:
    text = f"Micro-needling with {item.practitioner.full_name}"
    if item.course_id is not None and item.course is not None:
        text += f", session {item.sequence} of {item.course.sessions} of a course"
    return text


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def consent(signed: SignedConsent, *, current: bool, refs: Refs) -> Resource:
    """A signature on one form version. Active while it is the clinic's current consent of its
    kind (the form not replaced, the health answers unchanged since); inactive after."""
    form = signed.form
    code, display = CONSENT_SCOPES[ConsentForm.Kind(form.kind)]
    text = form.text.encode()
    return {
        "resourceType": "Consent",
        "id": str(signed.pk),
        "meta": {"lastUpdated": instant(signed.signed_at)},
        "status": "active" if current else "inactive",
        "scope": {
            "coding": [{"system": CONSENT_SCOPE, "code": code, "display": display}],
            "text": form.get_kind_display(),
        },
        "category": [{"coding": [{"system": LOINC, "code": "59284-0"}], "text": form.title}],
        "patient": refs.record("Patient", signed.client_id),
        "dateTime": instant(signed.signed_at),
        "performer": [refs.record("Patient", signed.client_id, signed.typed_name)],
        "organization": [refs.directory("Organization", signed.clinic_id, signed.clinic.name)],
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(text).decode(),
            "hash": base64.b64encode(hashlib.sha1(text).digest()).decode(),
            "title": f"{form.title} (version {form.version})",
            "creation": instant(form.created_at),
        },
        "policyRule": {
            "text": f"{signed.clinic.name}: consent form '{form.title}', version {form.version}"
        },
        "provision": {"type": "permit", "period": {"start": instant(signed.signed_at)}},
    }


def procedure_updated(session: TreatmentSession) -> dt.datetime:
    amended = [a.created_at for a in session.amendments.all()]
    return latest(session.created_at, session.signed_at, *amended)


def _devices(session: TreatmentSession, refs: Refs) -> list[Resource]:
    lot = session.cartridge_lot
    pen = session.device
    return [
        {
            "resourceType": "Device",
            "id": "pen",
            "serialNumber": pen.serial,
            "deviceName": [{"name": pen.model, "type": "model-name"}],
            "type": {"text": "Micro-needling pen"},
            "owner": refs.directory("Organization", session.clinic_id),
        },
        {
            "resourceType": "Device",
            "id": "cartridge",
            "lotNumber": lot.lot_number,
            "expirationDate": lot.expires_on.isoformat(),
            "deviceName": [{"name": lot.brand, "type": "user-friendly-name"}],
            "type": {"text": f"Sterile single-use needle cartridge, {lot.needle_count} pins"},
        },
    ]


def _session_notes(session: TreatmentSession, now: dict[str, Any]) -> list[dict[str, str]]:
    """What the session reads as now (amendments applied), as plain notes: FHIR has no field
    for needle depth or passes, and a coded observation for each would be codes we lack."""
    notes = [
        f"{AREA_LABELS.get(area, area)}: {values['depth_mm']} mm needle depth, "
        f"{values['passes']} passes"
        for area, values in now["areas"].items()
    ]
    lot = session.cartridge_lot
    notes.append(
        f"Cartridge: {lot.brand}, lot {lot.lot_number}, expires {lot.expires_on:%Y-%m-%d}; "
        f"{session.cartridges_used} used. Pen: {session.device.model} ({session.device.serial})."
    )
    if now["anaesthetic_product"]:
        notes.append(f"Topical anaesthetic: {now['anaesthetic_product']}")
    notes.append(
        "Endpoint reached (uniform pinpoint bleeding)."
        if now["endpoint_reached"]
        else "Endpoint (uniform pinpoint bleeding) not recorded as reached."
    )
    for label, key in (
        ("Immediate reactions", "immediate_reactions"),
        ("Aftercare given", "aftercare_given"),
        ("Notes", "notes"),
    ):
        if now[key]:
            notes.append(f"{label}: {now[key]}")
    for amendment in session.amendments.all():
        notes.append(f"Amended {amendment.created_at:%Y-%m-%d}: {amendment.reason}")
    for score in session.outcome_scores.all():
        notes.append(f"Outcome ({score.scale}): {score.score}")
    if session.signed_at is None:
        notes.append("Draft: not yet signed by the practitioner.")
    return [{"text": text} for text in notes]


def procedure(session: TreatmentSession, now: dict[str, Any], refs: Refs) -> Resource:
    """One treatment session. `now` is the session as it reads with its amendments
    (record_selectors.effective). The pen and the cartridge lot are contained Devices in
    `usedReference`: they were used to perform it (focalDevice is for a device the procedure
    acts on, like an implant), and a contained Device has `lotNumber` as a field of its own."""
    user = session.practitioner
    profile = getattr(user, "practitioner", None)
    name = user.full_name or user.email
    actor = {"display": name}  # a user without a directory profile: named, not referenced
    if profile is not None:
        actor = refs.directory("Practitioner", profile.pk, name)
    clinic = refs.directory("Organization", session.clinic_id, session.clinic.name)
    resource: Resource = {
        "resourceType": "Procedure",
        "id": str(session.pk),
        "meta": {"lastUpdated": instant(procedure_updated(session))},
        "contained": _devices(session, refs),
        # Signed is a completed record; a draft is still being charted.
        "status": "completed" if session.signed_at is not None else "in-progress",
        "code": {"text": PROCEDURE_NAME},
        "subject": refs.record("Patient", session.client_id),
        "performedDateTime": instant(session.performed_at),
        "performer": [
            {
                "actor": actor,
                "onBehalfOf": clinic,
            }
        ],
        "bodySite": [body_site(area) for area in now["areas"]],
        "usedReference": [
            {"reference": "#pen", "display": f"{session.device.model} ({session.device.serial})"},
            {
                "reference": "#cartridge",
                "display": f"{session.cartridge_lot.brand} lot {session.cartridge_lot.lot_number}",
            },
        ],
        "note": _session_notes(session, now),
    }
    if session.appointment is not None:
        resource["location"] = refs.directory("Location", session.appointment.location_id)
    complications = [
        {"text": f"{event.kind.replace('_', ' ')}: {event.description}"}
        for event in session.adverse_events.all()
    ]
    if complications:
        resource["complication"] = complications
    return resource


def media(photo: Photo, *, url: str, refs: Refs) -> Resource:
    """A photo. Its bytes stay behind the photo route's access check (`url`), not inline: a
    course's photos are megabytes each, and each download is then checked and audited."""
    label = AREA_LABELS.get(photo.area, photo.area)
    resource: Resource = {
        "resourceType": "Media",
        "id": str(photo.pk),
        "meta": {"lastUpdated": instant(photo.uploaded_at)},
        "status": "completed",
        "type": {"coding": [{"system": MEDIA_TYPE, "code": "image", "display": "Image"}]},
        "subject": refs.record("Patient", photo.client_id),
        "createdDateTime": instant(photo.taken_at),
        "issued": instant(photo.uploaded_at),
        "bodySite": body_site(photo.area),
        "height": photo.height,
        "width": photo.width,
        "content": {
            "contentType": photo.content_type,
            "url": url,
            "size": photo.size_bytes,
            "title": f"{photo.get_stage_display()} treatment: {label}",
            "creation": instant(photo.taken_at),
        },
        "note": [{"text": f"SHA-256 of the stored file: {photo.sha256}"}],
    }
    if photo.session_id is not None:
        resource["partOf"] = [refs.record("Procedure", photo.session_id)]
    return resource


def collection(entries: list[tuple[str, Resource]], *, timestamp: dt.datetime) -> Resource:
    """A Bundle of type collection: (fullUrl, resource) pairs as given."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(timestamp),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }


def searchset(
    base: str, kind: str, resources: list[Resource], *, total: int, self_url: str, next_url: str
) -> Resource:
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {
                "fullUrl": f"{base}/{kind}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
    if next_url:
        bundle["link"].append({"relation": "next", "url": next_url})
    return bundle
