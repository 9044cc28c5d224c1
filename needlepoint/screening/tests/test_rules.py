"""Screening rules: each fires and stays quiet, combinations take the most restrictive outcome,
waits end on the right day across month ends and leap years, and the rule set is data."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.screening.conditions import RuleSetError, add_months, parse_condition
from needlepoint.screening.questions import validate_answers
from needlepoint.screening.rules import (
    RULESET,
    RULESET_VERSION,
    Outcome,
    Rule,
    RuleSet,
    Screening,
    evaluate,
)
from needlepoint.screening.sources import Reliability
from needlepoint.screening.tests.builders import QUIET, answer_sets, quiet_with

TODAY = date(2026, 11, 25)
RULES_BY_ID = {rule.id: rule for rule in RULESET.rules}


def screen(raw: dict[str, Any], today: date = TODAY) -> Screening:
    return evaluate(validate_answers(raw, today), today)


def fired_ids(screening: Screening) -> set[str]:
    return {f.rule_id for f in screening.fired}


# rule id → (answers that fire it, the defer date they give or None, a near miss that doesn't).
# A dated near miss is the first day the wait is over.
CASES: dict[str, tuple[dict[str, Any], date | None, dict[str, Any]]] = {
    "active-infection-in-area": (
        {"active_infection_in_area": True},
        None,
        {"cold_sore_history": True},
    ),
    "cold-sore-history": (
        {"cold_sore_history": True},
        None,
        {"active_infection_in_area": True},
    ),
    "active-acne-in-area": (
        {"active_acne_in_area": True},
        None,
        {"concerns": ["acne"], "severity_acne": "mild", "scar_types": None, "severity_scars": None},
    ),
    "inflamed-skin-condition-in-area": (
        {"inflamed_skin_condition_in_area": ["rosacea"]},
        None,
        {"inflamed_skin_condition_in_area": ["none"]},
    ),
    "skin-lesion-in-area": (
        {"skin_lesions_in_area": ["raised_moles"]},
        None,
        {"skin_lesions_in_area": ["none"]},
    ),
    "sunburn-in-area": ({"sunburn_in_area": True}, None, {"sunburn_in_area": False}),
    "keloid-tendency": ({"keloid_tendency": True}, None, {"new_scar_in_area": False}),
    "bleeding-disorder": ({"bleeding_disorder": True}, None, {"blood_thinners": True}),
    "blood-thinners": ({"blood_thinners": True}, None, {"bleeding_disorder": True}),
    "uncontrolled-diabetes": ({"diabetes": "not_sure"}, None, {"diabetes": "controlled"}),
    "immunosuppression": ({"immunosuppressed": True}, None, {"bloodborne_infection": True}),
    "bloodborne-infection": ({"bloodborne_infection": True}, None, {"immunosuppressed": True}),
    "cancer-treatment-or-steroids-now": (
        {"cancer_treatment_or_steroids": "current_or_planned"},
        None,
        {
            "cancer_treatment_or_steroids": "finished",
            "cancer_treatment_or_steroids_ended_on": "2025-11-25",
        },
    ),
    "cancer-treatment-or-steroids-within-12-months": (
        {
            "cancer_treatment_or_steroids": "finished",
            "cancer_treatment_or_steroids_ended_on": "2025-11-26",
        },
        date(2026, 11, 26),
        {
            "cancer_treatment_or_steroids": "finished",
            "cancer_treatment_or_steroids_ended_on": "2025-11-25",
        },
    ),
    "isotretinoin-now": (
        {"isotretinoin": "taking"},
        None,
        {"isotretinoin": "stopped", "isotretinoin_stopped_on": "2020-01-01"},
    ),
    "isotretinoin-within-6-months": (
        {"isotretinoin": "stopped", "isotretinoin_stopped_on": "2026-05-26"},
        date(2026, 11, 26),
        {"isotretinoin": "stopped", "isotretinoin_stopped_on": "2026-05-25"},
    ),
    "new-scar-in-area": (
        {"new_scar_in_area": True, "new_scar_wound_on": "2026-05-26"},
        date(2026, 11, 26),
        {"new_scar_in_area": True, "new_scar_wound_on": "2026-05-25"},
    ),
    "surgery-in-area": (
        {"surgery_in_area": True, "surgery_in_area_on": "2025-11-26"},
        date(2026, 11, 26),
        {"surgery_in_area": True, "surgery_in_area_on": "2025-11-25"},
    ),
    "filler-in-area": (
        {"filler_in_area": True, "filler_last_on": "2025-11-26"},
        date(2026, 11, 26),
        {"filler_in_area": True, "filler_last_on": "2025-11-25"},
    ),
    "toxin-in-area": (
        {"toxin_in_area": True, "toxin_last_on": "2026-08-26"},
        date(2026, 11, 26),
        {"toxin_in_area": True, "toxin_last_on": "2026-08-25"},
    ),
    "deep-peel-in-area": (
        {"deep_peel_in_area": True, "deep_peel_last_on": "2026-10-27"},
        date(2026, 11, 26),
        {"deep_peel_in_area": True, "deep_peel_last_on": "2026-10-26"},
    ),
    "pregnancy-or-breastfeeding": (
        {"pregnant_or_breastfeeding": ["breastfeeding"]},
        None,
        {"pregnant_or_breastfeeding": ["none"]},
    ),
    "anaesthetic-allergy": ({"anaesthetic_allergy": True}, None, {"metal_allergy": True}),
    "metal-allergy": ({"metal_allergy": True}, None, {"anaesthetic_allergy": True}),
}
RULE_IDS = [rule.id for rule in RULESET.rules]


def test_every_rule_has_a_test_case_and_every_case_a_rule() -> None:
    assert set(CASES) == set(RULE_IDS)


def test_the_quiet_answers_proceed_with_nothing_fired() -> None:
    screening = screen(QUIET)
    assert screening.outcome is Outcome.PROCEED
    assert screening.fired == ()
    assert screening.bookable_from == TODAY


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_fires_alone_with_its_outcome_and_date(rule_id: str) -> None:
    fires, until, _ = CASES[rule_id]  # a rule added without a case fails here
    screening = screen(quiet_with(**fires))
    assert fired_ids(screening) == {rule_id}
    rule = RULES_BY_ID[rule_id]
    assert screening.outcome is rule.outcome
    (fired,) = screening.fired
    assert (fired.client_reason, fired.sources) == (rule.client_reason, rule.sources)
    assert fired.defer_until == until == screening.defer_until


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_stays_quiet_on_its_near_miss(rule_id: str) -> None:
    _, _, near_miss = CASES[rule_id]
    assert rule_id not in fired_ids(screen(quiet_with(**near_miss)))


def test_every_row_of_clinical_facts_section_2_is_covered() -> None:
    section_2 = {
        "Active infection in area",
        "Active inflammatory acne in area",
        "Eczema, psoriasis, rash, rosacea in area",
        "Keloid / hypertrophic scarring tendency",
        "Bleeding disorder; anticoagulants (warfarin, heparin, aspirin)",
        "Uncontrolled diabetes",
        "Immunosuppression; systemic infection (HBV, HCV, HIV)",
        "Chemotherapy, radiotherapy, high-dose corticosteroids",
        "Isotretinoin (oral)",
        "Skin cancer, solar keratoses, warts, raised moles in area",
        "Scar younger than 6 months; plastic surgery in area",
        "Dermal filler / botulinum toxin in area",
        "Allergy to the topical anaesthetic",
        "Metal allergy",
        "Recent sun exposure / sunburn in area",
        "Pregnancy, breastfeeding",
        "Deep chemical peel recently",
    }
    assert {rule.covers for rule in RULESET.rules} == section_2


@pytest.mark.parametrize("rule", RULESET.rules, ids=RULE_IDS)
def test_every_rule_has_a_source_with_a_reliability_mark(rule: Rule) -> None:
    assert rule.sources
    for source in rule.sources:
        assert source.citation.strip()
        assert source.mark in {Reliability.PR, Reliability.REG, Reliability.IFU, Reliability.LOW}


@pytest.mark.parametrize(
    "rule", [r for r in RULESET.rules if r.sources_disagree], ids=lambda rule: rule.id
)
def test_a_rule_whose_sources_disagree_says_so_in_its_note(rule: Rule) -> None:
    assert "disagree" in rule.practitioner_note


def test_where_ifu_says_no_treatment_and_clinics_say_ask_a_doctor_the_rule_refers() -> None:
    for rule_id in ("bleeding-disorder", "blood-thinners", "keloid-tendency"):
        assert RULES_BY_ID[rule_id].outcome is Outcome.REFER
        assert RULES_BY_ID[rule_id].sources_disagree


def test_filler_seven_months_ago_still_defers_past_the_ifus_six_months() -> None:
    screening = screen(quiet_with(filler_in_area=True, filler_last_on="2026-04-25"))
    assert screening.outcome is Outcome.DEFER
    assert screening.defer_until == date(2027, 4, 25)


# --- combinations ---------------------------------------------------------------------------


def test_outcomes_are_ordered_from_proceed_to_not_suitable() -> None:
    assert sorted(Outcome, reverse=True) == [
        Outcome.NOT_SUITABLE_IN_AREA,
        Outcome.REFER,
        Outcome.DEFER,
        Outcome.PRECAUTIONS,
        Outcome.PROCEED,
    ]


def test_a_refer_outranks_a_defer_and_a_precaution_and_keeps_the_defer_date() -> None:
    screening = screen(
        quiet_with(
            metal_allergy=True,
            isotretinoin="stopped",
            isotretinoin_stopped_on="2026-09-30",
            bleeding_disorder=True,
        )
    )
    assert screening.outcome is Outcome.REFER
    assert [f.rule_id for f in screening.fired] == [
        "bleeding-disorder",
        "isotretinoin-within-6-months",
        "metal-allergy",
    ]
    assert screening.defer_until == date(2027, 3, 30)
    assert screening.bookable_from is None


def test_not_suitable_in_area_outranks_refer() -> None:
    screening = screen(quiet_with(skin_lesions_in_area=["warts"], blood_thinners=True))
    assert screening.outcome is Outcome.NOT_SUITABLE_IN_AREA
    assert fired_ids(screening) == {"skin-lesion-in-area", "blood-thinners"}


def test_several_defers_wait_for_the_latest_date() -> None:
    screening = screen(
        quiet_with(
            toxin_in_area=True,
            toxin_last_on="2026-11-01",  # until 2027-02-01
            isotretinoin="stopped",
            isotretinoin_stopped_on="2026-10-31",  # until 2027-04-30
            deep_peel_in_area=True,
            deep_peel_last_on="2026-11-20",  # until 2026-12-20
        )
    )
    assert screening.outcome is Outcome.DEFER
    assert screening.defer_until == date(2027, 4, 30)
    assert screening.bookable_from == date(2027, 4, 30)


def test_a_defer_until_healed_leaves_booking_to_a_new_screening_even_with_a_dated_defer() -> None:
    screening = screen(
        quiet_with(sunburn_in_area=True, toxin_in_area=True, toxin_last_on="2026-11-01")
    )
    assert screening.outcome is Outcome.DEFER
    assert screening.defer_until == date(2027, 2, 1)
    assert screening.bookable_from is None


def test_precautions_alone_are_bookable_today() -> None:
    screening = screen(quiet_with(cold_sore_history=True, anaesthetic_allergy=True))
    assert screening.outcome is Outcome.PRECAUTIONS
    assert screening.bookable_from == TODAY


def test_a_screening_keeps_its_answers_version_and_outcome_unchangeable() -> None:
    screening = screen(quiet_with(metal_allergy=True))
    assert screening.ruleset_version == RULESET_VERSION == "2026-11-25.1"
    stored = screening.as_json()
    assert stored["answers"]["metal_allergy"] is True
    assert stored["outcome"] == "precautions"
    with pytest.raises(AttributeError):
        screening.outcome = Outcome.PROCEED  # type: ignore[misc]
    with pytest.raises(TypeError):
        screening.answers.values["metal_allergy"] = False  # type: ignore[index]
    json.dumps(stored)


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # into a leap February
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # from a leap day
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),  # across a year end
        (date(2026, 10, 15), 3, date(2027, 1, 15)),
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
    ],
)
def test_adding_months_clamps_to_the_end_of_the_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 240))
def test_adding_months_keeps_the_day_unless_the_month_is_shorter(start: date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    # Either the same day of the month, or an earlier one because the month ends sooner.
    assert end.day == start.day or (end.day < start.day and (end + timedelta(1)).day == 1)


@pytest.mark.parametrize(
    ("stopped_on", "today", "until"),
    [
        ("2025-08-31", date(2026, 2, 27), date(2026, 2, 28)),
        ("2023-08-31", date(2024, 2, 28), date(2024, 2, 29)),
    ],
)
def test_isotretinoin_stopped_on_31_august_waits_to_the_end_of_february(
    stopped_on: str, today: date, until: date
) -> None:
    answers = quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=stopped_on)
    assert screen(answers, today).defer_until == until
    assert screen(answers, until).outcome is Outcome.PROCEED


def test_surgery_on_a_leap_day_waits_until_28_february_next_year() -> None:
    answers = quiet_with(surgery_in_area=True, surgery_in_area_on="2024-02-29")
    assert screen(answers, date(2025, 2, 27)).defer_until == date(2025, 2, 28)
    assert screen(answers, date(2025, 2, 28)).outcome is Outcome.PROCEED


@pytest.mark.parametrize(
    ("peel", "until"),
    [("2024-02-10", date(2024, 3, 11)), ("2025-02-10", date(2025, 3, 12))],
)
def test_thirty_days_after_a_peel_counts_the_leap_day(peel: str, until: date) -> None:
    answers = quiet_with(deep_peel_in_area=True, deep_peel_last_on=peel)
    assert screen(answers, date.fromisoformat(peel)).defer_until == until


# --- properties -----------------------------------------------------------------------------

ACTIVE_CONTRAINDICATIONS: list[dict[str, Any]] = [
    {"active_infection_in_area": True},
    {"active_acne_in_area": True},
    *({"inflamed_skin_condition_in_area": [c]} for c in ("eczema", "psoriasis", "rosacea")),
    {"inflamed_skin_condition_in_area": ["other_rash"]},
    *({"skin_lesions_in_area": [c]} for c in ("skin_cancer", "solar_keratoses", "warts")),
    {"skin_lesions_in_area": ["raised_moles"]},
    {"sunburn_in_area": True},
    {"isotretinoin": "taking"},
    {"cancer_treatment_or_steroids": "current_or_planned"},
    {"pregnant_or_breastfeeding": ["pregnant"]},
    {"pregnant_or_breastfeeding": ["breastfeeding"]},
]
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@pytest.mark.parametrize("active", ACTIVE_CONTRAINDICATIONS, ids=lambda a: str(a))
def test_an_active_contraindication_alone_blocks_booking_today(active: dict[str, Any]) -> None:
    screening = screen(quiet_with(**active))
    assert screening.outcome >= Outcome.DEFER
    assert screening.bookable_from is None


@settings(max_examples=300)
@given(data=st.data(), today=days, active=st.sampled_from(ACTIVE_CONTRAINDICATIONS))
def test_no_answer_set_with_an_active_contraindication_ever_proceeds(
    data: st.DataObject, today: date, active: dict[str, Any]
) -> None:
    raw = data.draw(answer_sets(today, forced=active))
    screening = screen(raw, today)
    assert screening.outcome is not Outcome.PROCEED
    assert screening.outcome >= Outcome.DEFER  # and never merely "precautions"
    assert screening.bookable_from is None or screening.bookable_from > today


@settings(max_examples=200)
@given(data=st.data(), today=days)
def test_the_outcome_is_the_most_restrictive_fired_rule_and_the_date_the_latest(
    data: st.DataObject, today: date
) -> None:
    screening = screen(data.draw(answer_sets(today)), today)
    outcomes = [f.outcome for f in screening.fired]
    assert screening.outcome is max(outcomes, default=Outcome.PROCEED)
    assert outcomes == sorted(outcomes, reverse=True)
    dated = [f.defer_until for f in screening.fired if f.defer_until]
    assert screening.defer_until == max(dated, default=None)
    assert all(d > today for d in dated)


SERVED = RuleSet.from_json(json.loads(json.dumps(RULESET.as_json())))


def test_the_rule_set_survives_json_unchanged() -> None:
    assert SERVED == RULESET
    assert SERVED.as_json() == RULESET.as_json()


@settings(max_examples=100)
@given(data=st.data(), today=days)
def test_the_rule_set_read_back_from_json_screens_the_same(
    data: st.DataObject, today: date
) -> None:
    answers = validate_answers(data.draw(answer_sets(today)), today)
    assert evaluate(answers, today, SERVED) == evaluate(answers, today)


# --- loading a rule set ---------------------------------------------------------------------


def _rule_json(rule_id: str, **changes: Any) -> dict[str, Any]:
    return {**RULES_BY_ID[rule_id].as_json(), **changes}


def _load(*rules: dict[str, Any]) -> RuleSet:
    return RuleSet.from_json({"version": "test", "rules": list(rules)})


def test_a_well_formed_rule_loads() -> None:
    assert _load(_rule_json("metal-allergy"), _rule_json("toxin-in-area")).version == "test"


@pytest.mark.parametrize(
    "when",
    [
        pytest.param({"answer": "favourite_colour", "is": True}, id="unknown-question"),
        pytest.param({"answer": "diabetes", "is": "sometimes"}, id="unknown-choice"),
        pytest.param({"answer": "metal_allergy", "is": "yes"}, id="yes-is-not-true"),
        pytest.param({"answer": "metal_allergy", "equals": True}, id="unknown-operator"),
        pytest.param({"answer": "metal_allergy", "is": True, "in": [True]}, id="two-operators"),
        pytest.param({"answer": "concerns", "is": "scars"}, id="is-on-a-multi-choice"),
        pytest.param({"all": []}, id="empty-all"),
        pytest.param({"date_within": {"answer": "diabetes", "days": 3}}, id="not-a-date"),
        pytest.param({"date_within": {"answer": "toxin_last_on"}}, id="no-period"),
    ],
)
def test_a_malformed_condition_fails_when_the_rule_set_is_loaded(when: dict[str, Any]) -> None:
    with pytest.raises(RuleSetError):
        _load(_rule_json("metal-allergy", when=when))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"defer_until": {"answer": "toxin_last_on", "months": 6}}, id="wait-mismatch"),
        pytest.param({"outcome": "refer"}, id="wait-on-a-refer"),
        pytest.param({"outcome": "maybe"}, id="unknown-outcome"),
        pytest.param({"sources": []}, id="no-source"),
        pytest.param({"sources": [{"citation": "x", "mark": "blog"}]}, id="unknown-mark"),
        pytest.param({"client_reason": " "}, id="no-client-reason"),
    ],
)
def test_a_malformed_rule_fails_when_the_rule_set_is_loaded(changes: dict[str, Any]) -> None:
    with pytest.raises(RuleSetError):
        _load(_rule_json("toxin-in-area", **changes))


def test_two_rules_with_one_id_fail_to_load() -> None:
    with pytest.raises(RuleSetError):
        _load(_rule_json("metal-allergy"), _rule_json("metal-allergy"))


def test_conditions_nest() -> None:
    condition = parse_condition(
        {
            "any": [
                {
                    "all": [
                        {"answer": "metal_allergy", "is": True},
                        {"answer": "diabetes", "in": ["no"]},
                    ]
                },
                {"answer": "skin_lesions_in_area", "includes_any": ["warts"]},
            ]
        }
    )
    answers = validate_answers(quiet_with(metal_allergy=True), TODAY)
    assert condition.holds(answers, TODAY)
    assert not condition.holds(validate_answers(QUIET, TODAY), TODAY)
