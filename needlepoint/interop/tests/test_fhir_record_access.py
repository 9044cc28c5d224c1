"""Who may read the record through FHIR: the client, their clinic's practitioners and managers,
platform staff under a chart grant; 404 for everyone else, 401 for nobody signed in; by
session or bearer token alike. Staff see only their clinics' part. Every read is audited."""

import pytest
from django.test import Client

from needlepoint.accounts.models import AuditEvent, User
from needlepoint.accounts.tests.helpers import give_authenticator, next_code
from needlepoint.clinic.tests.factories import PASSWORD
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.tests.factories import bearer, local
from needlepoint.tests.matrix_cast import Cast, make_cast

from .fhir_record_helpers import R4, ask

pytestmark = pytest.mark.django_db

MAY_READ = {"client_a", "practitioner_x", "manager_x", "auditor"}
ROLES = ("client_a", "client_b", "practitioner_x", "practitioner_y", "manager_x", "staff")


def urls(cast: Cast) -> dict[str, str]:
    """Route name -> URL of one of client A's things at clinic X."""
    a = cast.client_a.pk
    return {
        "fhir-patient": f"{R4}/Patient/{a}",
        "fhir-patient-search": f"{R4}/Patient?_id={a}",
        "fhir-patient-everything": f"{R4}/Patient/{a}/$everything",
        "fhir-appointment": f"{R4}/Appointment/{cast.setting.appointment.pk}",
        "fhir-appointment-search": f"{R4}/Appointment?patient={a}",
        "fhir-consent": f"{R4}/Consent/{cast.setting.consent.pk}",
        "fhir-consent-search": f"{R4}/Consent?patient={a}",
        "fhir-procedure": f"{R4}/Procedure/{cast.session.pk}",
        "fhir-procedure-search": f"{R4}/Procedure?patient={a}",
        "fhir-questionnaireresponse": f"{R4}/QuestionnaireResponse/{cast.screening.pk}",
        "fhir-questionnaireresponse-search": f"{R4}/QuestionnaireResponse?patient={a}",
    }


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def as_role(cast: Cast, role: str, url: str, *, token: bool = False):  # type: ignore[no-untyped-def]
    if role != "auditor":
        return ask(cast, role, url, token=token)
    auditor = cast.grant.staff
    if token:
        return Client().get(url, **bearer(auditor))
    browser = Client()
    browser.force_login(auditor)
    return browser.get(url)


@pytest.mark.parametrize("token", [False, True], ids=["session", "bearer"])
def test_each_route_answers_each_role(cast: Cast, token: bool) -> None:
    problems = []
    for name, url in urls(cast).items():
        for role in (*ROLES, "auditor"):
            response = as_role(cast, role, url, token=token)
            expected = 200 if role in MAY_READ else 404
            if response.status_code != expected:
                problems.append(f"{name} as {role}: {response.status_code}, not {expected}")
            elif expected == 404:
                assert response.json()["resourceType"] == "OperationOutcome"
                assert response.json()["issue"][0]["code"] == "not-found"
    assert not problems, "\n".join(problems)


def test_nobody_signed_in_gets_401_and_a_bad_token_too(cast: Cast) -> None:
    for url in urls(cast).values():
        for response in (
            Client().get(url),
            Client().get(url, HTTP_AUTHORIZATION="Bearer np_not-a-token"),
        ):
            assert response.status_code == 401, url
            outcome = response.json()
            assert outcome["resourceType"] == "OperationOutcome"
            assert outcome["issue"][0]["code"] == "login"


def test_a_grant_reads_only_and_only_while_it_lasts(cast: Cast) -> None:
    url = urls(cast)["fhir-procedure"]
    browser = Client()
    browser.force_login(cast.grant.staff)
    assert browser.post(url).status_code == 405  # nothing here writes
    cast.grant.revoked_at = cast.grant.created_at
    cast.grant.save()
    assert browser.get(url).status_code == 404


def test_staff_see_only_their_clinics_part(cast: Cast) -> None:
    """Client A books at clinic Y too: Y's practitioner now reads A's record, but only what
    happened at Y; X's team does not see Y's appointment; A sees both."""
    elsewhere = scheduling_services.book_appointment(
        client=cast.client_a, practitioner_id=cast.practitioner_y.pk, start=local(6, 11)
    )
    search = f"{R4}/Appointment?patient={cast.client_a.pk}"

    def ids(role: str) -> set[str]:
        response = ask(cast, role, search)
        assert response.status_code == 200
        return {entry["resource"]["id"] for entry in response.json().get("entry", [])}

    assert ids("practitioner_y") == {str(elsewhere.pk)}
    assert str(elsewhere.pk) not in ids("practitioner_x")
    assert {str(elsewhere.pk), str(cast.setting.appointment.pk)} <= ids("client_a")
    assert ask(cast, "practitioner_x", f"{R4}/Appointment/{elsewhere.pk}").status_code == 404
    assert ask(cast, "practitioner_y", f"{R4}/Procedure/{cast.session.pk}").status_code == 404
    procedures = ask(cast, "practitioner_y", f"{R4}/Procedure?patient={cast.client_a.pk}")
    assert procedures.json()["total"] == 0


def test_a_patient_is_a_client(cast: Cast) -> None:
    practitioner: User = cast.setting.practitioner
    assert ask(cast, "practitioner_x", f"{R4}/Patient/{practitioner.pk}").status_code == 404
    assert ask(cast, "client_a", f"{R4}/Patient/{10**17}").status_code == 404


@pytest.mark.parametrize("role", ["client_a", "practitioner_x", "auditor"])
def test_every_route_writes_its_audit_entry(cast: Cast, role: str) -> None:
    reader = cast.grant.staff if role == "auditor" else cast.user(role)
    for name, url in urls(cast).items():
        before = AuditEvent.objects.count()
        assert as_role(cast, role, url).status_code == 200
        events = AuditEvent.objects.order_by("pk")[before:]
        mine = [e for e in events if e.route == f"interop:{name}"]
        assert mine, f"{name} wrote no audit entry"
        for event in mine:
            assert event.user == reader
            assert event.client_id == cast.client_a.pk
            assert event.method == "GET"
        expected = "export" if name == "fhir-patient-everything" else "read"
        assert expected in {e.action for e in mine}, name


def test_a_refused_read_writes_no_read_of_the_record(cast: Cast) -> None:
    for url in urls(cast).values():
        assert ask(cast, "practitioner_y", url).status_code == 404
    assert not AuditEvent.objects.filter(user=cast.setting.other_practitioner).exists()


def test_a_token_from_the_api_reads_the_record(cast: Cast) -> None:
    """The whole way an API client goes: a token from POST /api/v1/auth/token (with the
    practitioner's second factor), then FHIR reads with it."""
    practitioner = cast.setting.practitioner
    device = give_authenticator(practitioner)
    issued = Client().post(
        "/api/v1/auth/token",
        {"email": practitioner.email, "password": PASSWORD, "otp": next_code(device)},
        content_type="application/json",
    )
    assert issued.status_code == 200, issued.content
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.json()['token']}"}
    procedure = Client().get(f"{R4}/Procedure/{cast.session.pk}", **headers)
    assert procedure.status_code == 200
    assert procedure.json()["resourceType"] == "Procedure"
    event = AuditEvent.objects.get(route="interop:fhir-procedure", object_type="session")
    assert event.user == practitioner
