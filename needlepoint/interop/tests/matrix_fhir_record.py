"""The authorization matrix's rows for the client's record in FHIR and its download.

FHIR routes answer 401 (an OperationOutcome) to anonymous requests and 405 to a POST before
anything else; the record is the client's own and their clinic team's (clinic X), 404 for
everyone else, platform staff included (the cast's staff member holds no grant)."""

from needlepoint.tests.matrix_cast import Cast
from needlepoint.tests.matrix_rows import LOGIN, NOT_ALLOWED, POST_ONLY, PUBLIC, Page, every, row

R4 = "/fhir/R4"
RECORD = row(401, 200, 404, 200, 404, 200, 404)  # client A and clinic X's team
OWN_RECORD_ONLY = row(LOGIN, 200, 200, 404, 404, 404, 404)  # every client their own


def _patient(c: Cast) -> int:
    return c.client_a.pk


PAGES: dict[str, Page] = {
    "interop:fhir-patient": Page(lambda c: f"{R4}/Patient/{_patient(c)}", RECORD, NOT_ALLOWED),
    "interop:fhir-patient-search": Page(
        lambda c: f"{R4}/Patient?_id={_patient(c)}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-patient-everything": Page(
        lambda c: f"{R4}/Patient/{_patient(c)}/$everything", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-appointment": Page(
        lambda c: f"{R4}/Appointment/{c.setting.appointment.pk}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-appointment-search": Page(
        lambda c: f"{R4}/Appointment?patient={_patient(c)}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-consent": Page(
        lambda c: f"{R4}/Consent/{c.setting.consent.pk}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-consent-search": Page(
        lambda c: f"{R4}/Consent?patient=Patient/{_patient(c)}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-procedure": Page(lambda c: f"{R4}/Procedure/{c.session.pk}", RECORD, NOT_ALLOWED),
    "interop:fhir-procedure-search": Page(
        lambda c: f"{R4}/Procedure?patient={_patient(c)}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-media": Page(lambda c: f"{R4}/Media/{c.photo.pk}", RECORD, NOT_ALLOWED),
    "interop:fhir-questionnaireresponse": Page(
        lambda c: f"{R4}/QuestionnaireResponse/{c.screening.pk}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-questionnaireresponse-search": Page(
        lambda c: f"{R4}/QuestionnaireResponse?patient={_patient(c)}", RECORD, NOT_ALLOWED
    ),
    "interop:fhir-questionnaire": Page(
        lambda c: f"{R4}/Questionnaire/suitability", PUBLIC, NOT_ALLOWED
    ),
    "interop:fhir-questionnaire-search": Page(
        lambda c: f"{R4}/Questionnaire?_id=suitability", PUBLIC, NOT_ALLOWED
    ),
    "interop:fhir-record-not-found": Page(
        lambda c: f"{R4}/Procedure/not-a-number", every(404), NOT_ALLOWED
    ),
    "interop:my-data-export-fhir": Page(
        lambda c: "/me/data/export.fhir.json", OWN_RECORD_ONLY, POST_ONLY
    ),
}
