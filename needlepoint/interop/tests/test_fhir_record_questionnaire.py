"""The suitability questionnaire as a FHIR Questionnaire, and screenings as responses to it:
valid R4, every question once, follow-ups with enableWhen, answers of the item's type, no
answer to a question its enableWhen switches off. Built without a database."""

from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from needlepoint.interop.fhir_questionnaire import (
    ITEM_TYPES,
    questionnaire,
    questionnaire_response,
    response_items,
)
from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.questions import QUESTIONS, QUESTIONS_BY_ID

BASE = "https://needlepoint.test/fhir/R4"
ANSWER_KEYS = {"boolean": "valueBoolean", "date": "valueDate", "choice": "valueCoding"}


def items(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in resource.get("item", []):
        found.append(item)
        found += items(item)
    return found


def test_the_questionnaire_is_valid_r4_with_every_question_once() -> None:
    form = questionnaire(BASE)
    Questionnaire.model_validate(form)
    questions = [i for i in items(form) if i["type"] not in ("group", "display")]
    assert [q["linkId"] for q in questions] == [q.id for q in QUESTIONS]
    link_ids = [i["linkId"] for i in items(form)]
    assert len(link_ids) == len(set(link_ids))
    assert form["url"] == f"{BASE}/Questionnaire/suitability"


def test_follow_up_questions_are_enabled_by_their_parent_answer() -> None:
    by_id = {i["linkId"]: i for i in items(questionnaire(BASE))}
    followed = [q for q in QUESTIONS if q.depends_on is not None]
    assert followed, "the questionnaire has follow-up questions"
    for question in followed:
        assert question.depends_on is not None
        [when] = by_id[question.id]["enableWhen"]
        assert when["question"] == question.depends_on.question
        assert when["question"] in by_id
        parent = by_id[when["question"]]
        if parent["type"] == "boolean":
            assert when["answerBoolean"] is question.depends_on.value
        else:
            codes = {o["valueCoding"]["code"] for o in parent["answerOption"]}
            assert when["answerCoding"]["code"] in codes
    for question in QUESTIONS:
        if question.depends_on is None:
            assert "enableWhen" not in by_id[question.id]


def test_multi_choice_questions_repeat() -> None:
    by_id = {i["linkId"]: i for i in items(questionnaire(BASE))}
    for question in QUESTIONS:
        assert by_id[question.id]["type"] == ITEM_TYPES[question.kind]
        assert by_id[question.id].get("repeats", False) == (question.kind == "multi_choice")


ANSWERS = {
    "concerns": ["scars"],
    "severity_scars": "moderate",
    "scar_types": ["boxcar", "rolling"],
    "treatment_areas": ["cheeks"],
    "fitzpatrick_type": "III",
    "active_infection_in_area": False,
    "filler_in_area": True,
    "filler_last_on": "2026-01-31",
    "isotretinoin": "no",
    "pregnant_or_breastfeeding": ["none"],
}


def enabled(item: dict[str, Any], given: dict[str, list[dict[str, Any]]]) -> bool:
    for when in item.get("enableWhen", []):
        answers = given.get(when["question"], [])
        wanted = when.get("answerBoolean", when.get("answerCoding", {}).get("code"))
        values = [a.get("valueBoolean", a.get("valueCoding", {}).get("code")) for a in answers]
        if wanted not in values:
            return False
    return True


def test_a_screening_answers_the_questionnaire_with_typed_answers() -> None:
    record = ScreeningRecord(pk=5, client_id=9, answers=ANSWERS)
    resource = questionnaire_response(
        record,
        base=BASE,
        patient={"reference": "Patient/9"},
        last_updated="2026-02-01T10:00:00+00:00",
    )
    QuestionnaireResponse.model_validate(resource)
    form = {i["linkId"]: i for i in items(questionnaire(BASE))}
    answered = {i["linkId"]: i["answer"] for i in items(resource) if "answer" in i}
    assert set(answered) == set(ANSWERS)
    for link_id, answers in answered.items():
        item = form[link_id]
        assert all(ANSWER_KEYS[item["type"]] in a for a in answers), link_id
        assert enabled(item, answered), f"{link_id} answered while switched off"
        if not item.get("repeats"):
            assert len(answers) == 1
    assert [a["valueCoding"]["code"] for a in answered["scar_types"]] == ["boxcar", "rolling"]
    assert answered["filler_last_on"] == [{"valueDate": "2026-01-31"}]
    # Groups follow the form's: each answered item sits in its question's topic.
    for group in resource["item"]:
        for item in group["item"]:
            assert f"topic-{QUESTIONS_BY_ID[item['linkId']].topic}" == group["linkId"]


@pytest.mark.parametrize("stored", [{"fitzpatrick_type": "VII"}, {"filler_last_on": "soon"}])
def test_a_value_the_form_does_not_know_is_kept_as_text(stored: dict[str, Any]) -> None:
    [group] = response_items(stored)
    [item] = group["item"]
    assert item["answer"] == [{"valueString": next(iter(stored.values()))}]
