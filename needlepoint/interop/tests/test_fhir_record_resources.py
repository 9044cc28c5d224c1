"""Each record resource, read through its route: valid R4 (the R4B models), and what those
models do not check: statuses from FHIR's value sets, the invariants (Consent ppc-1/ppc-5,
Appointment app-1/app-2, contained resources referenced), codes only where certain."""

import base64
import datetime as dt

import pytest
from django.utils import timezone

from needlepoint.clinic.models import Amendment, ConsentForm, SessionArea
from needlepoint.clinic.tests.factories import charted_session, sign
from needlepoint.interop import fhir_record
from needlepoint.scheduling.models import Appointment
from needlepoint.tests.matrix_cast import Cast, make_cast

from .fhir_record_helpers import R4, ask, references, validate

pytestmark = pytest.mark.django_db

# The R4 value sets (hl7.org/fhir/R4/valueset-*.html).
APPOINTMENT_STATUSES = {
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
}
PARTICIPATION_STATUSES = {"accepted", "declined", "tentative", "needs-action"}
CONSENT_STATUSES = {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
EVENT_STATUSES = {
    "preparation",
    "in-progress",
    "not-done",
    "on-hold",
    "stopped",
    "completed",
    "entered-in-error",
    "unknown",
}
CONSENT_SCOPES = {"adr", "research", "patient-privacy", "treatment"}


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def read(cast: Cast, url: str, role: str = "client_a") -> dict:
    response = ask(cast, role, url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    private = "public" not in response["Cache-Control"]
    assert private == ("/Questionnaire/" not in url)
    if private:
        assert "no-store" in response["Cache-Control"]
    resource = response.json()
    validate(resource)
    return resource


def test_the_patient_is_the_client(cast: Cast) -> None:
    patient = read(cast, f"{R4}/Patient/{cast.client_a.pk}")
    assert patient["id"] == str(cast.client_a.pk)
    assert patient["name"] == [{"text": "Cora Client"}]
    assert {"system": "email", "value": "client@example.test"} in patient["telecom"]


def test_an_appointment_keeps_fhir_statuses_and_invariants(cast: Cast) -> None:
    assert set(fhir_record.APPOINTMENT_STATUS) == set(Appointment.Status)
    assert set(fhir_record.APPOINTMENT_STATUS.values()) <= APPOINTMENT_STATUSES
    item = cast.setting.appointment
    resource = read(cast, f"{R4}/Appointment/{item.pk}")
    assert resource["status"] == "booked"
    # app-2 / app-3: a booked appointment has both start and end; with offsets (instants).
    assert dt.datetime.fromisoformat(resource["start"]) == item.start
    assert dt.datetime.fromisoformat(resource["end"]) == item.end
    for participant in resource["participant"]:
        assert participant["status"] in PARTICIPATION_STATUSES
        assert "actor" in participant or "type" in participant  # app-1
    actors = [p["actor"]["reference"] for p in resource["participant"]]
    assert actors == [
        f"Patient/{cast.client_a.pk}",
        f"Practitioner/{item.practitioner_id}",
        f"Location/{item.location_id}",
    ]
    # A second later than the booking, whatever the clock says: lastUpdated has whole seconds.
    cancelled_at = max(timezone.now(), item.created_at + dt.timedelta(seconds=1))
    Appointment.objects.filter(pk=item.pk).update(
        status=Appointment.Status.CANCELLED, cancelled_at=cancelled_at, cancel_reason="Ill"
    )
    cancelled = read(cast, f"{R4}/Appointment/{item.pk}")
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelationReason"] == {"text": "Ill"}
    assert cancelled["meta"]["lastUpdated"] > resource["meta"]["lastUpdated"]


def test_a_consent_is_active_until_its_form_is_replaced(cast: Cast) -> None:
    signed = cast.setting.consent
    resource = read(cast, f"{R4}/Consent/{signed.pk}")
    assert resource["status"] == "active"
    assert resource["status"] in CONSENT_STATUSES
    assert resource["policy"] if "policy" in resource else resource["policyRule"]  # ppc-1
    [scope] = resource["scope"]["coding"]
    assert scope["code"] == "treatment"
    assert scope["code"] in CONSENT_SCOPES
    assert resource["patient"] == {"reference": f"Patient/{cast.client_a.pk}"}  # ppc-5
    text = base64.b64decode(resource["sourceAttachment"]["data"]).decode()
    assert text == signed.form.text
    ConsentForm.objects.create(
        clinic=cast.setting.clinic,
        kind=ConsentForm.Kind.TREATMENT,
        version=signed.form.version + 1,
        title=signed.form.title,
        body=signed.form.body + "\n\nA new paragraph.",
    )
    assert read(cast, f"{R4}/Consent/{signed.pk}")["status"] == "inactive"


def test_a_procedure_names_the_lot_areas_and_status(cast: Cast) -> None:
    session = cast.session
    resource = read(cast, f"{R4}/Procedure/{session.pk}", role="practitioner_x")
    assert resource["status"] == "completed"
    assert resource["status"] in EVENT_STATUSES
    assert resource["code"] == {"text": fhir_record.PROCEDURE_NAME}  # no invented code
    assert resource["subject"] == {"reference": f"Patient/{cast.client_a.pk}"}
    assert dt.datetime.fromisoformat(resource["performedDateTime"]) == session.performed_at.replace(
        microsecond=0
    )
    [performer] = resource["performer"]
    assert performer["actor"]["reference"] == f"Practitioner/{cast.practitioner_x.pk}"
    assert performer["onBehalfOf"]["reference"] == f"Organization/{cast.setting.clinic.pk}"
    # The cartridge lot is a contained Device, used in the procedure (dom-3: referenced).
    contained = {d["id"]: d for d in resource["contained"]}
    assert contained["cartridge"]["lotNumber"] == cast.setting.lot.lot_number
    assert contained["pen"]["serialNumber"] == cast.setting.device.serial
    inner = {r for r in references(resource) if r.startswith("#")}
    assert inner == {f"#{key}" for key in contained}
    sites = {s["text"]: s for s in resource["bodySite"]}
    assert sites["Cheeks"]["coding"] == [
        {"system": fhir_record.SNOMED, "code": "60819002", "display": "Buccal region of face"}
    ]
    assert sites["Forehead"]["coding"][0]["code"] == "52795006"
    assert any("Cheeks: 1.00 mm needle depth, 2 passes" in n["text"] for n in resource["note"])
    assert resource["complication"] == [{"text": "persistent redness: Still red on day 3."}]
    draft = read(cast, f"{R4}/Procedure/{cast.unsigned_session.pk}")
    assert draft["status"] == "in-progress"


def test_an_area_without_a_certain_code_is_text_only(cast: Cast) -> None:
    session = charted_session(cast.setting, areas=(("around_eyes", "0.25", 1),))
    [site] = read(cast, f"{R4}/Procedure/{session.pk}")["bodySite"]
    assert site == {"text": "Around the eyes"}
    for code, _ in fhir_record.BODY_SITES.values():
        assert code.isdigit()


def test_an_amended_session_reads_as_amended(cast: Cast) -> None:
    session = cast.session
    before = read(cast, f"{R4}/Procedure/{session.pk}")
    Amendment.objects.create(
        session=session,
        author=cast.setting.practitioner,
        reason="Neck was treated too.",
        changes=[{"field": "area:neck", "before": None, "after": {"depth_mm": "0.5", "passes": 1}}],
    )
    after = read(cast, f"{R4}/Procedure/{session.pk}")
    assert "Neck" in {s["text"] for s in after["bodySite"]}
    assert "Neck" not in {s["text"] for s in before["bodySite"]}
    assert after["meta"]["lastUpdated"] >= before["meta"]["lastUpdated"]
    # The signed original is untouched: the amendment is read over it.
    assert not SessionArea.objects.filter(session=session, area="neck").exists()


def test_a_screening_is_a_response_to_the_public_questionnaire(cast: Cast) -> None:
    form = read(cast, f"{R4}/Questionnaire/suitability", role="anonymous")
    response = read(cast, f"{R4}/QuestionnaireResponse/{cast.screening.pk}")
    assert response["questionnaire"] == form["url"]
    assert response["status"] == "completed"
    assert response["subject"] == {"reference": f"Patient/{cast.client_a.pk}"}
    link_ids = set()
    stack = list(form["item"])
    while stack:
        item = stack.pop()
        link_ids.add(item["linkId"])
        stack += item.get("item", [])
    answered = [i["linkId"] for g in response["item"] for i in g["item"]]
    assert answered
    assert set(answered) <= link_ids
    assert ask(cast, "anonymous", f"{R4}/Questionnaire/other").status_code == 404


def test_a_photo_consent_is_a_privacy_consent(cast: Cast) -> None:
    signed = sign(cast.client_a, cast.setting.clinic, ConsentForm.Kind.PHOTO)
    resource = read(cast, f"{R4}/Consent/{signed.pk}", role="manager_x")
    [scope] = resource["scope"]["coding"]
    assert scope["code"] == "patient-privacy"
    assert resource["status"] == "active"
    assert resource["patient"] == {"reference": f"Patient/{cast.client_a.pk}"}  # ppc-2
