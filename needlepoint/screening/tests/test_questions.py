"""The questionnaire as data, and validate_answers: typed answers, or an error naming the
question for unknown questions, wrong types, future dates, missing and contradictory answers."""

import re
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.errors import ApiError
from needlepoint.screening.questions import (
    QUESTIONS,
    QUESTIONS_BY_ID,
    TOPICS,
    AnswerError,
    Kind,
    validate_answers,
)
from needlepoint.screening.tests.builders import QUIET, answer_sets, quiet_with

TODAY = date(2026, 11, 25)


def test_question_ids_are_unique_stable_snake_case() -> None:
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", qid) for qid in ids)


def test_every_question_is_on_a_known_screen_and_every_screen_has_questions() -> None:
    topics = [t.id for t in TOPICS]
    assert {q.topic for q in QUESTIONS} == set(topics)


def test_a_question_depends_only_on_an_earlier_one_and_on_a_value_it_can_take() -> None:
    seen: dict[str, Any] = {}
    for question in QUESTIONS:
        if question.depends_on:
            parent = seen[question.depends_on.question]
            possible = (
                {True, False} if parent.kind is Kind.YES_NO else {c.value for c in parent.choices}
            )
            assert question.depends_on.value in possible
        seen[question.id] = question


def test_choices_belong_to_choice_questions_only() -> None:
    for question in QUESTIONS:
        has_choices = question.kind in (Kind.CHOICE, Kind.MULTI_CHOICE)
        assert bool(question.choices) == has_choices, question.id


def test_every_date_is_asked_only_after_the_answer_that_makes_it_relevant() -> None:
    assert all(q.depends_on for q in QUESTIONS if q.kind is Kind.DATE)


def test_the_fitzpatrick_helper_explains_each_type_from_i_to_vi_in_plain_words() -> None:
    question = QUESTIONS_BY_ID["fitzpatrick_type"]
    assert [c.value for c in question.choices] == ["I", "II", "III", "IV", "V", "VI"]
    assert all(len(c.help) > 20 for c in question.choices)
    assert question.source is not None


def test_each_concern_has_a_severity_and_scars_a_type() -> None:
    for slug in CONCERN_SLUGS:
        severity = QUESTIONS_BY_ID[f"severity_{slug.replace('-', '_')}"]
        assert severity.depends_on is not None
        assert (severity.depends_on.question, severity.depends_on.value) == ("concerns", slug)
    scar_types = {c.value for c in QUESTIONS_BY_ID["scar_types"].choices}
    assert {"rolling", "boxcar", "icepick"} <= scar_types


def test_every_item_of_clinical_facts_section_2_is_asked() -> None:
    # §2 item → the questions that ask about it
    asked = {
        "active infection or cold sores": ["active_infection_in_area", "cold_sore_history"],
        "active acne": ["active_acne_in_area"],
        "eczema, psoriasis, rosacea": ["inflamed_skin_condition_in_area"],
        "keloid tendency": ["keloid_tendency"],
        "bleeding disorder, anticoagulants": ["bleeding_disorder", "blood_thinners"],
        "isotretinoin and when it stopped": ["isotretinoin", "isotretinoin_stopped_on"],
        "pregnancy or breastfeeding": ["pregnant_or_breastfeeding"],
        "immunosuppression, systemic infection": ["immunosuppressed", "bloodborne_infection"],
        "diabetes control": ["diabetes"],
        "chemotherapy, radiotherapy, steroids and dates": [
            "cancer_treatment_or_steroids",
            "cancer_treatment_or_steroids_ended_on",
        ],
        "skin cancer or raised moles": ["skin_lesions_in_area"],
        "recent scars or surgery": [
            "new_scar_in_area",
            "new_scar_wound_on",
            "surgery_in_area",
            "surgery_in_area_on",
        ],
        "filler or toxin and dates": [
            "filler_in_area",
            "filler_last_on",
            "toxin_in_area",
            "toxin_last_on",
        ],
        "recent sunburn": ["sunburn_in_area"],
        "anaesthetic and metal allergy": ["anaesthetic_allergy", "metal_allergy"],
        "recent deep peel": ["deep_peel_in_area", "deep_peel_last_on"],
        "concerns, severity, type, areas, skin type": [
            "concerns",
            "scar_types",
            "treatment_areas",
            "fitzpatrick_type",
        ],
    }
    for item, question_ids in asked.items():
        for qid in question_ids:
            assert qid in QUESTIONS_BY_ID, item


# --- typed answers --------------------------------------------------------------------------


def test_valid_answers_come_back_typed() -> None:
    answers = validate_answers(
        quiet_with(
            bleeding_disorder="no",
            metal_allergy="yes",
            isotretinoin="stopped",
            isotretinoin_stopped_on="2026-03-01",
            filler_in_area=True,
            filler_last_on=date(2026, 11, 25),  # today is not in the future
        ),
        TODAY,
    )
    assert answers.get("bleeding_disorder") is False
    assert answers.get("metal_allergy") is True
    assert answers.get("isotretinoin_stopped_on") == date(2026, 3, 1)
    assert answers.get("filler_last_on") == TODAY
    assert answers.get("treatment_areas") == frozenset({"cheeks"})
    assert answers.get("severity_acne") is None  # not asked


def test_unanswered_questions_that_were_not_asked_may_be_sent_empty() -> None:
    answers = validate_answers(quiet_with(isotretinoin_stopped_on=None, severity_acne=""), TODAY)
    assert "severity_acne" not in answers.values


def test_answers_cannot_be_changed_after_validation() -> None:
    answers = validate_answers(QUIET, TODAY)
    with pytest.raises(TypeError):
        answers.values["metal_allergy"] = True  # type: ignore[index]


@given(data=st.data())
def test_stored_answers_validate_back_to_the_same_answers(data: st.DataObject) -> None:
    answers = validate_answers(data.draw(answer_sets(TODAY)), TODAY)
    assert validate_answers(answers.as_json(), TODAY) == answers


# --- bad input ------------------------------------------------------------------------------

TOMORROW = "2026-11-26"

BAD_INPUT = [
    # (case, changes to the quiet answers, question named, code)
    ("unknown question", {"favourite_colour": "blue"}, "favourite_colour", "unknown_question"),
    ("yes/no as a word", {"bleeding_disorder": "maybe"}, "bleeding_disorder", "wrong_type"),
    ("yes/no as a number", {"metal_allergy": 1}, "metal_allergy", "wrong_type"),
    ("choice not listed", {"diabetes": "sometimes"}, "diabetes", "invalid_choice"),
    ("choice as a list", {"diabetes": ["no"]}, "diabetes", "wrong_type"),
    ("multi-choice as a string", {"treatment_areas": "cheeks"}, "treatment_areas", "wrong_type"),
    (
        "multi-choice item unknown",
        {"treatment_areas": ["ears"]},
        "treatment_areas",
        "invalid_choice",
    ),
    (
        "date not ISO",
        {"isotretinoin": "stopped", "isotretinoin_stopped_on": "31/08/2025"},
        "isotretinoin_stopped_on",
        "wrong_type",
    ),
    (
        "date with a time",
        {"isotretinoin": "stopped", "isotretinoin_stopped_on": datetime(2025, 8, 31, 9)},
        "isotretinoin_stopped_on",
        "wrong_type",
    ),
    (
        "date that does not exist",
        {"toxin_in_area": True, "toxin_last_on": "2025-02-29"},
        "toxin_last_on",
        "wrong_type",
    ),
    (
        "stopped-on date in the future",
        {"isotretinoin": "stopped", "isotretinoin_stopped_on": TOMORROW},
        "isotretinoin_stopped_on",
        "date_in_future",
    ),
    (
        "last treatment in the future",
        {"filler_in_area": True, "filler_last_on": date(2027, 1, 1)},
        "filler_last_on",
        "date_in_future",
    ),
    ("required answer missing", {"metal_allergy": None}, "metal_allergy", "missing_required"),
    ("required list empty", {"treatment_areas": []}, "treatment_areas", "missing_required"),
    ("required set empty", {"concerns": set()}, "concerns", "missing_required"),
    ("blank choice", {"diabetes": ""}, "diabetes", "missing_required"),
    ("concerns missing", {"concerns": None}, "concerns", "missing_required"),
    (
        "date missing after yes",
        {"surgery_in_area": True},
        "surgery_in_area_on",
        "missing_required",
    ),
    (
        "stop date missing",
        {"isotretinoin": "stopped"},
        "isotretinoin_stopped_on",
        "missing_required",
    ),
    (
        "severity missing for a chosen concern",
        {"concerns": ["scars", "wrinkles"]},
        "severity_wrinkles",
        "missing_required",
    ),
    (
        "isotretinoin no, with a stop date",
        {"isotretinoin": "no", "isotretinoin_stopped_on": "2026-01-01"},
        "isotretinoin_stopped_on",
        "contradiction",
    ),
    (
        "isotretinoin taken now, with a stop date",
        {"isotretinoin": "taking", "isotretinoin_stopped_on": "2026-01-01"},
        "isotretinoin_stopped_on",
        "contradiction",
    ),
    (
        "no filler, with a filler date",
        {"filler_in_area": False, "filler_last_on": "2026-01-01"},
        "filler_last_on",
        "contradiction",
    ),
    (
        "no chemotherapy, with an end date",
        {
            "cancer_treatment_or_steroids": "no",
            "cancer_treatment_or_steroids_ended_on": "2026-01-01",
        },
        "cancer_treatment_or_steroids_ended_on",
        "contradiction",
    ),
    (
        "pregnant and neither",
        {"pregnant_or_breastfeeding": ["pregnant", "none"]},
        "pregnant_or_breastfeeding",
        "contradiction",
    ),
    (
        "a mole and none of these",
        {"skin_lesions_in_area": ["none", "raised_moles"]},
        "skin_lesions_in_area",
        "contradiction",
    ),
    (
        "scar types without scars",
        {"concerns": ["wrinkles"], "severity_wrinkles": "mild", "severity_scars": None},
        "scar_types",
        "contradiction",
    ),
    (
        "severity for a concern not chosen",
        {"severity_acne": "mild"},
        "severity_acne",
        "contradiction",
    ),
]


@pytest.mark.parametrize(
    ("changes", "question_id", "code"),
    [pytest.param(changes, qid, code, id=case) for case, changes, qid, code in BAD_INPUT],
)
def test_bad_input_names_the_question(changes: dict[str, Any], question_id: str, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answers(quiet_with(**changes), TODAY)
    assert (caught.value.question_id, caught.value.code) == (question_id, code)
    assert caught.value.message


def test_an_answer_error_becomes_the_apis_422_with_the_question_as_field() -> None:
    with pytest.raises(ApiError) as caught:
        validate_answers(quiet_with(bleeding_disorder=None), TODAY)
    assert caught.value.status == 422
    assert caught.value.body() == {
        "error": {
            "code": "missing_required",
            "message": "Please answer this question.",
            "field": "bleeding_disorder",
        }
    }
