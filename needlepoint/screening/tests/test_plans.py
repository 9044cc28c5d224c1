"""Concern triage and plan defaults: figures from CLINICAL-FACTS §3 with sources, poor
responders sent to a doctor, gaps said plainly, and the booking gaps derived from the interval."""

from datetime import date

import pytest

from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.screening.plans import (
    PLANS,
    Plan,
    Suitability,
    depth_for_area,
    triage,
    triage_concern,
)
from needlepoint.screening.questions import validate_answers
from needlepoint.screening.sources import Cell, Reliability
from needlepoint.screening.tests.builders import quiet_with

TODAY = date(2026, 11, 25)


def cells_of(plan: Plan) -> list[Cell]:
    return [plan.sessions, plan.interval, plan.depth, plan.downtime, *plan.notes]


def test_every_concern_of_the_app_has_a_plan_entry() -> None:
    assert set(PLANS) == set(CONCERN_SLUGS)


@pytest.mark.parametrize("concern", [c for c, p in PLANS.items() if p], ids=str)
def test_every_plan_cell_has_a_source(concern: str) -> None:
    plan = PLANS[concern]
    assert plan is not None
    for cell in cells_of(plan):
        assert cell.sources
        assert all(s.citation.strip() for s in cell.sources)


@pytest.mark.parametrize(
    ("concern", "sessions", "interval_days", "depth_mm"),
    [
        ("scars", 3, 28, (1.5, 2.0)),
        ("wrinkles", 4, 30, (0.5, 1.0)),
        ("lines", 4, 30, (0.5, 1.0)),
        ("stretch-marks", 2, 30, (1.5, 2.0)),
        ("hyperpigmentation", 2, 30, (1.5, 1.5)),
    ],
)
def test_plan_defaults_are_section_3s_figures(
    concern: str, sessions: int, interval_days: int, depth_mm: tuple[float, float]
) -> None:
    plan = PLANS[concern]
    assert plan is not None
    assert (plan.default_sessions, plan.interval_days, plan.depth_mm) == (
        sessions,
        interval_days,
        depth_mm,
    )
    assert not any(cell.uncertain for cell in cells_of(plan))


def test_enlarged_pores_have_no_invented_figures() -> None:
    plan = PLANS["enlarged-pores"]
    assert plan is not None
    assert (plan.default_sessions, plan.interval_days, plan.depth_mm) == (None, None, None)
    assert plan.sessions.uncertain
    assert plan.interval.uncertain
    assert plan.depth.uncertain
    assert plan.sessions.sources[0].mark is Reliability.NOT_FOUND
    assert (plan.min_gap_days, plan.max_gap_days) == (None, None)


def test_sun_damage_borrows_the_rejuvenation_defaults_marked_uncertain() -> None:
    plan, rejuvenation = PLANS["sun-damage"], PLANS["wrinkles"]
    assert plan is not None
    assert rejuvenation is not None
    assert plan.default_sessions == rejuvenation.default_sessions
    assert plan.sessions.uncertain
    assert plan.interval.uncertain
    assert plan.depth.uncertain
    assert any("rejuvenation" in note.text for note in plan.notes)


@pytest.mark.parametrize(
    ("concern", "gaps"),
    [("scars", (28, 42)), ("wrinkles", (30, 45)), ("stretch-marks", (30, 45))],
)
def test_a_course_allows_gaps_from_the_interval_to_half_as_long_again(
    concern: str, gaps: tuple[int, int]
) -> None:
    plan = PLANS[concern]
    assert plan is not None
    assert (plan.min_gap_days, plan.max_gap_days) == gaps


@pytest.mark.parametrize(
    ("scar_type", "severity", "suitability", "has_plan"),
    [
        ("rolling", "mild", Suitability.GOOD_OPTION, True),
        ("boxcar", "moderate", Suitability.GOOD_OPTION, True),
        ("not_sure", "moderate", Suitability.POSSIBLE, True),
        ("icepick", "mild", Suitability.SEE_A_DOCTOR, False),
        ("rolling", "severe", Suitability.SEE_A_DOCTOR, False),
        ("boxcar", "severe", Suitability.SEE_A_DOCTOR, False),
    ],
)
def test_scars_are_triaged_by_type_and_severity(
    scar_type: str, severity: str, suitability: Suitability, has_plan: bool
) -> None:
    found = triage_concern("scars", severity, scar_type=scar_type)
    assert found.suitability is suitability
    assert (found.plan is not None) == has_plan
    assert found.reason.sources


def test_icepick_scars_point_to_a_doctor_with_the_garg_figures() -> None:
    found = triage_concern("scars", "mild", scar_type="icepick")
    assert "6%" in found.reason.text
    assert "doctor" in found.reason.text
    assert any("Garg" in s.citation for s in found.reason.sources)


@pytest.mark.parametrize(
    ("concern", "severity", "suitability"),
    [
        ("wrinkles", "mild", Suitability.GOOD_OPTION),
        ("lines", "moderate", Suitability.GOOD_OPTION),
        ("hyperpigmentation", "moderate", Suitability.GOOD_OPTION),
        ("stretch-marks", "mild", Suitability.GOOD_OPTION),
        ("wrinkles", "severe", Suitability.POSSIBLE),
        ("enlarged-pores", "mild", Suitability.POSSIBLE),
        ("sun-damage", "mild", Suitability.POSSIBLE),
        ("acne", "mild", Suitability.POSSIBLE),
    ],
)
def test_other_concerns_are_triaged_by_severity(
    concern: str, severity: str, suitability: Suitability
) -> None:
    assert triage_concern(concern, severity).suitability is suitability


def test_a_severe_concern_is_pointed_to_a_doctor_for_other_options() -> None:
    found = triage_concern("stretch-marks", "severe")
    assert "doctor" in found.reason.text
    assert found.reason.uncertain  # the source says it of scarring only


def test_active_acne_is_sent_to_a_doctor_without_a_plan() -> None:
    found = triage_concern("acne", "moderate", active_acne=True)
    assert found.suitability is Suitability.SEE_A_DOCTOR
    assert found.plan is None


def test_acne_without_active_spots_has_no_plan_of_its_own() -> None:
    found = triage_concern("acne", "mild")
    assert found.plan is None
    assert found.reason.uncertain


@pytest.mark.parametrize(
    ("concern", "severity", "scar_type"),
    [
        ("freckles", "mild", None),
        ("wrinkles", "extreme", None),
        ("scars", "mild", None),
        ("wrinkles", "mild", "rolling"),
        ("scars", "mild", "keloid"),
    ],
)
def test_triage_refuses_what_the_questionnaire_cannot_produce(
    concern: str, severity: str, scar_type: str | None
) -> None:
    with pytest.raises(ValueError, match=r"."):
        triage_concern(concern, severity, scar_type=scar_type)


def test_triage_of_answers_gives_one_result_per_concern_and_scar_type_in_order() -> None:
    answers = validate_answers(
        quiet_with(
            concerns=["stretch-marks", "scars", "acne"],
            severity_scars="moderate",
            scar_types=["icepick", "rolling"],
            severity_acne="mild",
            severity_stretch_marks="mild",
            active_acne_in_area=True,
        ),
        TODAY,
    )
    found = [(t.concern, t.scar_type, t.suitability) for t in triage(answers)]
    assert found == [
        ("acne", None, Suitability.SEE_A_DOCTOR),
        ("scars", "rolling", Suitability.GOOD_OPTION),
        ("scars", "icepick", Suitability.SEE_A_DOCTOR),
        ("stretch-marks", None, Suitability.GOOD_OPTION),
    ]


def test_depth_by_area_comes_from_the_manufacturers_chart_or_says_there_is_none() -> None:
    cheeks = depth_for_area("cheeks")
    assert cheeks.text == "0.5–2.0 mm."
    assert cheeks.sources[0].mark is Reliability.LOW
    assert depth_for_area("around_eyes").text == "0.25 mm."
    neck = depth_for_area("neck")
    assert neck.uncertain
    assert neck.sources[0].mark is Reliability.NOT_FOUND
