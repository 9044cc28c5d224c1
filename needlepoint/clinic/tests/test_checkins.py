"""The check-in questions and rules as data: every rule firing and not firing, the answers'
validation naming the question, and when a check-in is due and stale. No database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinic import checkins

ALL_NO = {q.id: False for q in checkins.QUESTIONS} | {"note": ""}


def fired(day: int, **yes: bool) -> list[str]:
    return [r.rule_id for r in checkins.evaluate(day, ALL_NO | yes)]


def test_all_clear_raises_nothing_on_any_day() -> None:
    for day in range(0, 15):
        assert fired(day) == []


@pytest.mark.parametrize(
    ("day", "expected"), [(1, []), (2, []), (3, ["redness_past_72h"]), (7, ["redness_past_72h"])]
)
def test_redness_is_expected_until_72_hours_and_raised_after(day, expected) -> None:
    assert fired(day, redness=True) == expected


@pytest.mark.parametrize("sign", ["pus", "spreading", "fever"])
@pytest.mark.parametrize("day", checkins.DAYS)
def test_any_sign_of_infection_raises_on_every_day(sign, day) -> None:
    assert fired(day, **{sign: True}) == ["signs_of_infection"]


def test_several_signs_raise_one_infection_event_naming_each() -> None:
    (raised,) = checkins.evaluate(1, ALL_NO | {"pus": True, "fever": True})
    assert raised.kind == "possible_infection"
    assert "pus" in raised.description
    assert "fever" in raised.description
    assert checkins.BY_ID["spreading"].text not in raised.description


@pytest.mark.parametrize("day", checkins.DAYS)
def test_darkening_skin_raises_on_every_day(day) -> None:
    assert fired(day, darker=True) == ["darkening_skin"]


def test_each_raised_event_carries_its_source_and_the_day() -> None:
    raised = checkins.evaluate(3, ALL_NO | {"redness": True, "pus": True, "darker": True})
    assert [r.kind for r in raised] == [
        "persistent_redness",
        "possible_infection",
        "hyperpigmentation",
    ]
    for event in raised:
        assert event.description.startswith("Day-3 check-in:")
        assert event.source.citation in event.description
    assert "Chu et al., Dermatol Surg 2021" in raised[0].source.citation
    assert "Cohen & Elbuluk" in raised[2].source.citation


def test_a_string_yes_is_not_an_answer_the_rules_read() -> None:
    """Rules read validated answers only: an unvalidated "yes" raises nothing."""
    assert checkins.evaluate(3, {"redness": "yes"}) == []


@given(
    day=st.sampled_from(checkins.DAYS),
    yes=st.sets(st.sampled_from([q.id for q in checkins.QUESTIONS])),
)
def test_a_rule_fires_exactly_when_one_of_its_questions_is_yes_on_its_days(day, yes) -> None:
    answers = ALL_NO | dict.fromkeys(yes, True)
    expected = [r.id for r in checkins.RULES if day >= r.from_day and set(r.any_yes) & yes]
    assert [r.rule_id for r in checkins.evaluate(day, answers)] == expected


def test_answers_are_validated_and_the_missing_question_is_named() -> None:
    raw = {q.id: "no" for q in checkins.QUESTIONS} | {"redness": "YES", "note": "  itchy  "}
    answers = checkins.validate_answers(3, raw)
    assert answers["redness"] is True
    assert answers["pus"] is False
    assert answers["note"] == "itchy"
    del raw["fever"]
    with pytest.raises(checkins.AnswerError, match="Have you had a fever") as caught:
        checkins.validate_answers(3, raw)
    assert caught.value.field == "fever"


def test_an_answer_other_than_yes_or_no_is_refused() -> None:
    raw = {q.id: "no" for q in checkins.QUESTIONS} | {"pus": "maybe"}
    with pytest.raises(checkins.AnswerError, match="yes or no: Is there any pus"):
        checkins.validate_answers(1, raw)


def test_a_long_note_is_refused() -> None:
    raw = {q.id: "no" for q in checkins.QUESTIONS} | {"note": "x" * 2001}
    with pytest.raises(checkins.AnswerError, match="under 2,000 characters") as caught:
        checkins.validate_answers(1, raw)
    assert caught.value.field == "note"


def test_there_is_no_day_two_check_in() -> None:
    with pytest.raises(ValueError, match="no day-2 check-in"):
        checkins.questions_for(2)


def test_an_unsent_check_in_goes_stale_when_the_next_falls_due() -> None:
    assert checkins.due_after(1) == dt.timedelta(days=1)
    assert [checkins.stale_after(d).days for d in checkins.DAYS] == [3, 7, 14]


def test_stored_answers_read_back_as_questions() -> None:
    shown = checkins.readable(ALL_NO | {"redness": True, "note": "better today"})
    assert shown[0] == ("Is the treated skin still red?", "Yes")
    assert shown[-1] == ("Anything else your practitioner should know?", "better today")
