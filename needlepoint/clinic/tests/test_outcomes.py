"""The outcome scales and the client's rating as data: ranges, grade wording, sources, and the
checks that refuse a grade or a rating off its scale. No database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinic import outcomes
from needlepoint.screening.sources import Reliability


@pytest.mark.parametrize("scale", outcomes.SCALES, ids=lambda s: s.id)
def test_every_scale_cites_the_facts_sheet_and_reads_lower_is_better(scale) -> None:
    assert "CLINICAL-FACTS §4" in scale.source.citation
    assert scale.lower_is_better
    assert scale.minimum < scale.maximum
    if scale.grades:
        assert [g.value for g in scale.grades] == list(range(scale.minimum, scale.maximum + 1))
        assert all(g.meaning for g in scale.grades)


def test_the_goodman_baron_grades_are_the_published_ones() -> None:
    grades = {g.value: g.label for g in outcomes.GOODMAN_BARON.grades}
    assert grades == {1: "Macular", 2: "Mild", 3: "Moderate", 4: "Severe"}
    assert outcomes.GOODMAN_BARON.source.mark is Reliability.PR
    assert outcomes.GOODMAN_BARON.describe(3) == "3 (moderate)"


def test_posas_is_a_total_of_six_items_scored_one_to_ten() -> None:
    assert (outcomes.POSAS_OBSERVER.minimum, outcomes.POSAS_OBSERVER.maximum) == (6, 60)
    assert outcomes.POSAS_OBSERVER.describe(18) == "18"


def test_scales_without_a_full_citation_are_marked_uncertain() -> None:
    assert outcomes.GLOGAU.source.mark is Reliability.UNCITED
    assert outcomes.GLOBAL_IMPROVEMENT.source.mark is Reliability.UNCITED


@pytest.mark.parametrize(
    ("concerns", "expected"),
    [
        (["scars"], ["goodman_baron", "posas_observer", "gais"]),
        (["wrinkles"], ["glogau", "gais"]),
        (["sun-damage", "acne"], ["goodman_baron", "glogau", "posas_observer", "gais"]),
        (["stretch-marks"], ["gais"]),
        ([], ["goodman_baron", "glogau", "posas_observer", "gais"]),
    ],
)
def test_the_scales_offered_fit_the_clients_concerns(concerns, expected) -> None:
    assert [s.id for s in outcomes.scales_for(concerns)] == expected


@given(scale=st.sampled_from(outcomes.SCALES), value=st.integers(-100, 200))
def test_a_grade_is_taken_exactly_when_it_is_on_the_scale(scale, value) -> None:
    inside = scale.minimum <= value <= scale.maximum
    if inside:
        assert outcomes.validate_score(scale.id, str(value)) == value
    else:
        with pytest.raises(outcomes.OutcomeError, match="outside the range") as caught:
            outcomes.validate_score(scale.id, str(value))
        assert caught.value.field == "score"


@pytest.mark.parametrize("raw", ["", None, "2.5", "three", True, " "])
def test_a_grade_must_be_a_whole_number(raw) -> None:
    with pytest.raises(outcomes.OutcomeError, match="whole number from 1 to 4"):
        outcomes.validate_score("goodman_baron", raw)


def test_an_unknown_scale_is_refused_by_name() -> None:
    with pytest.raises(outcomes.OutcomeError, match="no outcome scale called 'ecca'") as caught:
        outcomes.validate_score("ecca", "3")
    assert caught.value.field == "scale"


def test_a_rating_is_zero_to_ten_and_satisfaction_one_to_five() -> None:
    assert outcomes.validate_rating("0", "1") == (0, 1)
    assert outcomes.validate_rating(" 10 ", 5) == (10, 5)
    with pytest.raises(outcomes.OutcomeError, match="Improvement: 11 is outside the range 0–10"):
        outcomes.validate_rating("11", "3")
    with pytest.raises(outcomes.OutcomeError, match="Improvement: -1 is outside the range 0–10"):
        outcomes.validate_rating("-1", "3")
    for satisfaction in ("0", "6"):
        with pytest.raises(outcomes.OutcomeError, match="Satisfaction") as caught:
            outcomes.validate_rating("5", satisfaction)
        assert caught.value.field == "satisfaction"
