"""Routes of the client's record in FHIR R4 (reads, searches, `$everything`), the public
suitability Questionnaire, and the client's download of their record as a FHIR Bundle."""

from django.urls import URLPattern, path, re_path

from . import record_views as views
from .fhir import RECORD_TYPES

R4 = "fhir/R4"

urlpatterns: list[URLPattern] = [
    path(f"{R4}/Patient", views.patient_search, name="fhir-patient-search"),
    path(f"{R4}/Patient/<id:patient_id>", views.patient, name="fhir-patient"),
    path(
        f"{R4}/Patient/<id:patient_id>/$everything",
        views.everything,
        name="fhir-patient-everything",
    ),
    path(f"{R4}/Appointment", views.appointment_search, name="fhir-appointment-search"),
    path(f"{R4}/Appointment/<id:appointment_id>", views.appointment, name="fhir-appointment"),
    path(f"{R4}/Consent", views.consent_search, name="fhir-consent-search"),
    path(f"{R4}/Consent/<id:consent_id>", views.consent, name="fhir-consent"),
    path(f"{R4}/Procedure", views.procedure_search, name="fhir-procedure-search"),
    path(f"{R4}/Procedure/<id:procedure_id>", views.procedure, name="fhir-procedure"),
    path(
        f"{R4}/QuestionnaireResponse",
        views.questionnaire_response_search,
        name="fhir-questionnaireresponse-search",
    ),
    path(
        f"{R4}/QuestionnaireResponse/<id:response_id>",
        views.questionnaire_response,
        name="fhir-questionnaireresponse",
    ),
    path(f"{R4}/Media/<id:media_id>", views.media, name="fhir-media"),
    path(f"{R4}/Questionnaire", views.questionnaire_search, name="fhir-questionnaire-search"),
    path(
        f"{R4}/Questionnaire/<slug:questionnaire_id>",
        views.questionnaire,
        name="fhir-questionnaire",
    ),
    # Any other id of these types (ids are digits; the questionnaire's a slug): an
    # OperationOutcome, not the site's HTML 404 page.
    re_path(
        rf"^{R4}/(?P<kind>{'|'.join(RECORD_TYPES)})/(?P<rid>[^/]+)/?$",
        views.not_a_record_id,
        name="fhir-record-not-found",
    ),
    path("me/data/export.fhir.json", views.my_record_fhir, name="my-data-export-fhir"),
]
