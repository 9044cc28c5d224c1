"""Routes of the public FHIR directory, free time and the SMART Scheduling Links feed.

The last route answers every other resource type under /fhir/R4/ with a 404 OperationOutcome;
it leaves alone the clinical types, whose routes are in record_urls.py (included after this
module), and `$` operations."""

from django.urls import path, re_path

from . import bulk_publish, directory_views
from .fhir import RECORD_TYPES

CLINICAL = "|".join(RECORD_TYPES)

urlpatterns = [
    path("fhir/R4/metadata", directory_views.metadata, name="fhir-metadata"),
    path(
        "fhir/R4/Organization", directory_views.organization_search, name="fhir-organization-search"
    ),
    path(
        "fhir/R4/Organization/<id:pk>",
        directory_views.organization_read,
        name="fhir-organization-read",
    ),
    path("fhir/R4/Location", directory_views.location_search, name="fhir-location-search"),
    path("fhir/R4/Location/<id:pk>", directory_views.location_read, name="fhir-location-read"),
    path(
        "fhir/R4/Practitioner", directory_views.practitioner_search, name="fhir-practitioner-search"
    ),
    path(
        "fhir/R4/Practitioner/<id:pk>",
        directory_views.practitioner_read,
        name="fhir-practitioner-read",
    ),
    path(
        "fhir/R4/PractitionerRole",
        directory_views.practitioner_role_search,
        name="fhir-practitionerrole-search",
    ),
    path(
        "fhir/R4/PractitionerRole/<id:pk>",
        directory_views.practitioner_role_read,
        name="fhir-practitionerrole-read",
    ),
    path(
        "fhir/R4/HealthcareService",
        directory_views.healthcare_service_search,
        name="fhir-healthcareservice-search",
    ),
    path(
        "fhir/R4/HealthcareService/<id:pk>",
        directory_views.healthcare_service_read,
        name="fhir-healthcareservice-read",
    ),
    path("fhir/R4/Schedule", directory_views.schedule_search, name="fhir-schedule-search"),
    path("fhir/R4/Schedule/<str:rid>", directory_views.schedule_read, name="fhir-schedule-read"),
    path("fhir/R4/Slot", directory_views.slot_search, name="fhir-slot-search"),
    path("fhir/R4/Slot/<str:rid>", directory_views.slot_read, name="fhir-slot-read"),
    path("fhir/R4/$bulk-publish", bulk_publish.manifest, name="fhir-bulk-publish"),
    path(
        "fhir/R4/$bulk-publish/<str:kind>/<str:country>.ndjson",
        bulk_publish.ndjson_file,
        name="fhir-bulk-file",
    ),
    re_path(
        rf"^fhir/R4/(?P<kind>(?!(?:{CLINICAL})(?:/|$))[A-Za-z]+)(?:/(?P<rid>[^/]+))?/?$",
        directory_views.unknown,
        name="fhir-unknown",
    ),
]
