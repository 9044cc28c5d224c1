"""Searching a patient's resources over HTTP: a searchset Bundle, `_lastUpdated` and `date`
with prefixes, status tokens, paging with `_count`, and bad parameters as a 400
OperationOutcome naming the parameter (never a 500, never silently ignored)."""

import datetime as dt

import pytest
from django.utils import timezone

from needlepoint.clinic.models import TreatmentSession
from needlepoint.scheduling.models import Appointment
from needlepoint.tests.matrix_cast import Cast, make_cast

from .fhir_record_helpers import R4, ask, validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def search(cast: Cast, query: str, role: str = "client_a") -> dict:
    response = ask(cast, role, f"{R4}/{query}")
    assert response.status_code == 200, response.content
    bundle = response.json()
    validate(bundle)
    assert bundle["type"] == "searchset"
    return bundle


def ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


def day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def test_last_updated_filters_with_its_prefix(cast: Cast) -> None:
    a = cast.client_a.pk
    every = search(cast, f"Procedure?patient={a}")
    assert every["total"] == 2
    assert {e["fullUrl"] for e in every["entry"]} == {
        f"http://testserver/fhir/R4/Procedure/{pk}" for pk in ids(every)
    }
    tomorrow = day(timezone.now() + dt.timedelta(days=1))
    assert search(cast, f"Procedure?patient={a}&_lastUpdated=ge{tomorrow}")["total"] == 0
    assert search(cast, f"Procedure?patient={a}&_lastUpdated=lt{tomorrow}")["total"] == 2
    # The draft was started three days ago and not touched since (a signed session is locked
    # by the database: the signed one here was written today).
    draft = cast.unsigned_session
    TreatmentSession.objects.filter(pk=draft.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    today = day(timezone.now())
    assert ids(search(cast, f"Procedure?patient={a}&_lastUpdated=ge{today}")) == [
        str(cast.session.pk)
    ]
    assert ids(search(cast, f"Procedure?patient={a}&_lastUpdated=lt{today}")) == [str(draft.pk)]


def test_date_reads_when_it_was_done_or_starts(cast: Cast) -> None:
    a = cast.client_a.pk
    performed = day(cast.session.performed_at)
    assert ids(search(cast, f"Procedure?patient={a}&date={performed}")) == [str(cast.session.pk)]
    starts = day(cast.setting.appointment.start)
    found = ids(search(cast, f"Appointment?patient={a}&date={starts}"))
    assert found == [str(cast.setting.appointment.pk)]


def test_status_tokens_use_fhir_codes(cast: Cast) -> None:
    a = cast.client_a.pk
    booked = search(cast, f"Appointment?patient={a}&status=booked")["total"]
    assert booked == Appointment.objects.filter(client=cast.client_a).count()
    Appointment.objects.filter(pk=cast.setting.appointment.pk).update(
        status=Appointment.Status.NO_SHOW
    )
    assert ids(search(cast, f"Appointment?patient={a}&status=noshow")) == [
        str(cast.setting.appointment.pk)
    ]
    assert search(cast, f"Appointment?patient={a}&status=no_show")["total"] == 0
    assert search(cast, f"Consent?patient={a}&status=active,inactive")["total"] == 1
    assert search(cast, f"Procedure?patient={a}&status=in-progress")["total"] == 1


def test_count_pages_with_a_next_link(cast: Cast) -> None:
    a = cast.client_a.pk
    first = search(cast, f"Appointment?patient={a}&_count=2")
    assert len(first["entry"]) == 2
    assert first["total"] > 2
    [following] = [link["url"] for link in first["link"] if link["relation"] == "next"]
    rest = ask(cast, "client_a", following.removeprefix("http://testserver")).json()
    assert set(ids(rest)).isdisjoint(ids(first))
    assert len(ids(first)) + len(ids(rest)) == min(first["total"], 4)


def test_a_client_searches_their_own_record_without_naming_it(cast: Cast) -> None:
    assert search(cast, "Consent")["total"] == 1
    refused = ask(cast, "practitioner_x", f"{R4}/Consent")
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["patient"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("Procedure?patient={a}&_lastUpdated=yesterday", "_lastUpdated"),
        ("Procedure?patient={a}&_lastUpdated=2026-01-01T10:00:00", "_lastUpdated"),
        ("Procedure?patient={a}&date=sa2026", "date"),
        ("Procedure?patient={a}&code=123", "code"),
        ("Consent?patient={a}&date=2026", "date"),
        ("Appointment?patient=Practitioner/1", "patient"),
        ("Appointment?patient={a}&_count=many", "_count"),
        ("QuestionnaireResponse?patient={a}&_offset=-1", "_offset"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(cast: Cast, query: str, parameter: str) -> None:
    response = ask(cast, "client_a", f"{R4}/{query.format(a=cast.client_a.pk)}")
    assert response.status_code == 400
    outcome = response.json()
    validate(outcome)
    assert outcome["issue"][0]["expression"] == [parameter]


def test_questionnaire_responses_search_by_questionnaire(cast: Cast) -> None:
    a = cast.client_a.pk
    mine = search(cast, f"QuestionnaireResponse?patient={a}")["total"]
    assert mine >= 1
    named = f"QuestionnaireResponse?patient={a}&questionnaire=Questionnaire/suitability"
    assert search(cast, named)["total"] == mine
    other = f"QuestionnaireResponse?patient={a}&questionnaire=Questionnaire/other"
    assert search(cast, other)["total"] == 0
    form = search(cast, "Questionnaire?_id=suitability", role="anonymous")
    assert ids(form) == ["suitability"]
    assert search(cast, "Questionnaire?_id=nope", role="anonymous")["total"] == 0


def test_count_zero_gives_the_total_and_no_next_page(cast: Cast) -> None:
    bundle = search(cast, f"Appointment?patient={cast.client_a.pk}&_count=0")
    assert bundle["total"] > 0
    assert "entry" not in bundle or bundle["entry"] == []
    assert [link["relation"] for link in bundle["link"]] == ["self"]


@pytest.mark.parametrize(
    "path", ["Procedure/not-a-number", "Patient/" + "9" * 30, "Questionnaire/a.b", "Consent/1/"]
)
def test_an_id_no_row_can_have_is_a_fhir_404(cast: Cast, path: str) -> None:
    response = ask(cast, "client_a", f"{R4}/{path}")
    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"
