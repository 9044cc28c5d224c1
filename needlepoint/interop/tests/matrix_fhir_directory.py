"""The authorization matrix's rows for the public FHIR directory, free time and the SMART
Scheduling Links feed: everyone may read them, as everyone may search the directory; every
route answers 405 to a POST; unknown resource types are 404 for all."""

from django.utils import timezone

from needlepoint.directory.models import Service
from needlepoint.interop.fhir_directory import slot_id
from needlepoint.scheduling.selectors import next_free_slots
from needlepoint.tests.matrix_cast import Cast
from needlepoint.tests.matrix_rows import NOT_ALLOWED, PUBLIC, Page, every

R4 = "/fhir/R4"


def _clinic(c: Cast) -> int:
    return c.practitioner_x.clinic_id


def _service(c: Cast) -> int:
    return (
        Service.objects.filter(clinic_id=_clinic(c)).order_by("pk").values_list("pk", flat=True)[0]
    )


def _schedule(c: Cast) -> str:
    return f"{c.practitioner_x.pk}-{c.location_x.pk}"


def _slot(c: Cast) -> str:
    (first,) = next_free_slots([c.practitioner_x], now=timezone.now(), days=14, count=1)[
        c.practitioner_x.pk
    ]
    return slot_id(c.practitioner_x.pk, first.location.pk, first.start)


def _public(url) -> Page:  # type: ignore[no-untyped-def]
    return Page(url, PUBLIC, NOT_ALLOWED)


PAGES: dict[str, Page] = {
    "interop:fhir-metadata": _public(lambda c: f"{R4}/metadata"),
    "interop:fhir-organization-search": _public(lambda c: f"{R4}/Organization"),
    "interop:fhir-organization-read": _public(lambda c: f"{R4}/Organization/{_clinic(c)}"),
    "interop:fhir-location-search": _public(lambda c: f"{R4}/Location?near=53.8|-1.55|10|km"),
    "interop:fhir-location-read": _public(lambda c: f"{R4}/Location/{c.location_x.pk}"),
    "interop:fhir-practitioner-search": _public(lambda c: f"{R4}/Practitioner"),
    "interop:fhir-practitioner-read": _public(lambda c: f"{R4}/Practitioner/{c.practitioner_x.pk}"),
    "interop:fhir-practitionerrole-search": _public(
        lambda c: f"{R4}/PractitionerRole?location=Location/{c.location_x.pk}"
    ),
    "interop:fhir-practitionerrole-read": _public(
        lambda c: f"{R4}/PractitionerRole/{c.practitioner_x.pk}"
    ),
    "interop:fhir-healthcareservice-search": _public(lambda c: f"{R4}/HealthcareService"),
    "interop:fhir-healthcareservice-read": _public(
        lambda c: f"{R4}/HealthcareService/{_service(c)}"
    ),
    "interop:fhir-schedule-search": _public(lambda c: f"{R4}/Schedule"),
    "interop:fhir-schedule-read": _public(lambda c: f"{R4}/Schedule/{_schedule(c)}"),
    "interop:fhir-slot-search": _public(
        lambda c: f"{R4}/Slot?schedule=Schedule/{_schedule(c)}&status=free&_count=5"
    ),
    "interop:fhir-slot-read": _public(lambda c: f"{R4}/Slot/{_slot(c)}"),
    "interop:fhir-bulk-publish": _public(lambda c: f"{R4}/$bulk-publish"),
    "interop:fhir-bulk-file": _public(lambda c: f"{R4}/$bulk-publish/Slot/GB.ndjson"),
    "interop:fhir-unknown": Page(lambda c: f"{R4}/Banana/1", every(404), NOT_ALLOWED),
}
