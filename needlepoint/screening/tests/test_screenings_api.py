"""POST /api/v1/screenings and the readable rule set: outcomes with reasons and sources, kept
immutably for signed-in clients, and bad input naming the question."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.models import ApiToken, User
from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.rules import RULESET_VERSION

from .builders import quiet_with

pytestmark = pytest.mark.django_db


def bearer(email: str) -> dict[str, str]:
    user = User.objects.create_user(email, "a long passphrase")
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def screen(client: Client, answers: dict, **headers: str):
    return client.post(
        "/api/v1/screenings", {"answers": answers}, content_type="application/json", **headers
    )


def test_quiet_answers_proceed_and_a_client_s_screening_is_kept(client: Client) -> None:
    response = screen(client, quiet_with(), **bearer("ada@example.test"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "proceed"
    assert body["stored"] is True
    assert body["ruleset_version"] == RULESET_VERSION
    assert body["bookable_from"] == str(timezone.localdate())
    assert "not a diagnosis" in body["statement"]
    record = ScreeningRecord.objects.get(pk=body["id"])
    assert record.outcome == "proceed"
    assert record.answers["active_acne_in_area"] is False


def test_an_active_contraindication_comes_back_with_its_reason_and_source(client: Client) -> None:
    body = screen(client, quiet_with(active_acne_in_area=True)).json()
    assert body["outcome"] == "not_suitable_in_area"
    fired = body["fired"][0]
    assert fired["rule_id"] == "active-acne-in-area"
    assert fired["client_reason"]
    assert fired["sources"]
    assert body["bookable_from"] is None


def test_a_defer_computes_the_date_from_the_answer(client: Client) -> None:
    stopped = timezone.localdate() - dt.timedelta(days=30)
    body = screen(
        client, quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=str(stopped))
    ).json()
    assert body["outcome"] == "defer"
    assert body["defer_until"] > str(timezone.localdate())
    assert body["bookable_from"] == body["defer_until"]


def test_an_anonymous_visitor_is_answered_and_nothing_is_kept(client: Client) -> None:
    response = screen(client, quiet_with())
    assert response.status_code == 200
    assert response.json()["stored"] is False
    assert response.json()["id"] is None
    assert not ScreeningRecord.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        (quiet_with(favourite_colour="blue"), "favourite_colour", "unknown_question"),
        (quiet_with(active_acne_in_area=None), "active_acne_in_area", "missing_required"),
        (quiet_with(keloid_tendency="perhaps"), "keloid_tendency", "wrong_type"),
        (
            quiet_with(isotretinoin="stopped", isotretinoin_stopped_on="2999-01-01"),
            "isotretinoin_stopped_on",
            "date_in_future",
        ),
        (
            quiet_with(isotretinoin="no", isotretinoin_stopped_on="2020-01-01"),
            "isotretinoin_stopped_on",
            "contradiction",
        ),
    ],
)
def test_bad_answers_get_422_naming_the_question(
    client: Client, answers: dict, field: str, code: str
) -> None:
    response = screen(client, answers, **bearer("bob@example.test"))
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["code"] == code
    assert not ScreeningRecord.objects.exists()


def test_an_unknown_token_is_401_not_an_anonymous_screening(client: Client) -> None:
    response = screen(client, quiet_with(), HTTP_AUTHORIZATION="Bearer np_nope")
    assert response.status_code == 401
    assert not ScreeningRecord.objects.exists()


def test_a_stored_screening_is_readable_by_its_client_only_and_never_changes(
    client: Client,
) -> None:
    mine = bearer("ada@example.test")
    screening_id = screen(client, quiet_with(), **mine).json()["id"]
    assert client.get(f"/api/v1/screenings/{screening_id}", **mine).json()["outcome"] == "proceed"
    other = bearer("eve@example.test")
    assert client.get(f"/api/v1/screenings/{screening_id}", **other).status_code == 404
    record = ScreeningRecord.objects.get(pk=screening_id)
    record.outcome = "refer"
    with pytest.raises(ValueError, match="never changed"):
        record.save()


def test_the_rule_set_and_questions_are_readable_with_their_version(client: Client) -> None:
    rules = client.get("/api/v1/screening/rules").json()
    assert rules["version"] == RULESET_VERSION
    assert all(rule["sources"] for rule in rules["rules"])
    questions = client.get("/api/v1/screening/questions").json()
    ids = {q["id"] for q in questions["questions"]}
    assert {"active_acne_in_area", "isotretinoin_stopped_on", "fitzpatrick_type"} <= ids


def test_the_comparison_sources_every_cell_and_follows_the_skin_type(client: Client) -> None:
    light = client.get("/api/v1/screening/options", {"concern": "scars", "skin_type": "II"})
    dark = client.get("/api/v1/screening/options", {"concern": "scars", "skin_type": "V"})
    assert light.status_code == 200, light.content
    rows = light.json()["rows"]
    assert [row["option"] for row in rows] == [
        "microneedling",
        "home_roller",
        "non_ablative_laser",
        "ablative_laser",
        "superficial_peel",
        "medium_deep_peel",
        "dermabrasion",
        "subcision",
        "punch_excision",
    ]
    for row in rows:
        for column in ("invasiveness", "downtime", "pigmentation_risk", "typical_sessions"):
            assert row[column]["sources"] or row[column]["uncertain"], (row["option"], column)
    risk = {r["option"]: r["pigmentation_risk"] for r in rows}
    dark_risk = {r["option"]: r["pigmentation_risk"] for r in dark.json()["rows"]}
    assert risk != dark_risk
    assert "not a diagnosis" in light.json()["statement"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"concern": "baldness", "skin_type": "II"}, "concern"),
        ({"concern": "scars", "skin_type": "VII"}, "skin_type"),
    ],
)
def test_the_comparison_rejects_unknown_concerns_and_skin_types(
    client: Client, params: dict, field: str
) -> None:
    response = client.get("/api/v1/screening/options", params)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_the_demo_client_gets_a_current_proceed_screening_once() -> None:
    from needlepoint.screening.demo import ensure_demo_screening

    assert ensure_demo_screening() is None  # no demo client yet
    User.objects.create_user("client@demo.test", "needlepoint-demo")
    record = ensure_demo_screening()
    assert record is not None
    assert record.outcome == "proceed"
    assert record.evaluated_on == timezone.localdate()
    assert ensure_demo_screening() == record
    assert ScreeningRecord.objects.count() == 1
    # Weeks later the demo screens again rather than keep a stale one.
    ScreeningRecord.objects.filter(pk=record.pk).update(
        evaluated_on=timezone.localdate() - dt.timedelta(days=31)
    )
    assert ensure_demo_screening() != record
    assert ScreeningRecord.objects.count() == 2
