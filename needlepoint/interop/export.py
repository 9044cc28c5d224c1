"""The client's whole record as one FHIR R4 Bundle (type collection): the Patient, their
appointments, consents, screenings (QuestionnaireResponses, with the Questionnaire they answer),
treatment sessions (Procedures) and photos (Media), as far as the reader's scope reaches.

Each entry's fullUrl is the resource's absolute URL on this server, so the record's relative
references (`Patient/12`, `Procedure/7`) resolve to entries of the Bundle; the directory's
resources (practitioners, locations, clinics) are not in it and are referenced absolutely."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from needlepoint.clinic.record_selectors import effective

from . import fhir_questionnaire, fhir_record, record_selectors
from .fhir_record import Refs, Resource
from .record_selectors import Scope


def record_bundle(scope: Scope, *, base: str, photo_url: Callable[[int], str]) -> Resource:
    """`base` is the server's FHIR base URL (https://host/fhir/R4); `photo_url` gives the
    absolute address of a photo's access-checked file route."""
    refs = Refs(directory_base=base)
    entries: list[tuple[str, Resource]] = []

    def add(resource: Resource) -> None:
        entries.append((f"{base}/{resource['resourceType']}/{resource['id']}", resource))

    add(fhir_record.patient(scope.client))
    for appointment in record_selectors.appointments(scope):
        add(fhir_record.appointment(appointment, refs))
    for signed, current in record_selectors.consents(scope):
        add(fhir_record.consent(signed, current=current, refs=refs))
    screenings = record_selectors.screenings(scope)
    if screenings:
        add(fhir_questionnaire.questionnaire(base))
    for screening in screenings:
        add(questionnaire_response(screening, base=base, refs=refs))
    for session in record_selectors.procedures(scope):
        add(fhir_record.procedure(session, effective(session), refs))
    for photo in record_selectors.photos(scope):
        add(fhir_record.media(photo, url=photo_url(photo.pk), refs=refs))
    return fhir_record.collection(entries, timestamp=timezone.now())


def questionnaire_response(screening: Any, *, base: str, refs: Refs) -> Resource:
    return fhir_questionnaire.questionnaire_response(
        screening,
        base=base,
        patient=refs.record("Patient", screening.client_id),
        last_updated=fhir_record.instant(screening.created_at),
    )
