"""The comparison of options: every cell sourced, uncertain figures marked, pigmentation risk
by skin type, indicative costs per market."""

import json
from dataclasses import fields

import pytest

from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.screening.options import (
    INDICATIVE_COSTS,
    NOTES,
    OPTIONS,
    Comparison,
    ComparisonRow,
    IndicativeCost,
    compare,
)
from needlepoint.screening.plans import PLANS
from needlepoint.screening.sources import WEAK_MARKS, Cell, Reliability, Source

SKIN_TYPES = ["I", "II", "III", "IV", "V", "VI"]
CELL_COLUMNS = [f.name for f in fields(ComparisonRow) if f.type == "Cell" or f.type is Cell]


def row(comparison: Comparison, option: str) -> ComparisonRow:
    return next(r for r in comparison.rows if r.option == option)


def test_all_nine_options_are_compared_in_order() -> None:
    assert [o.id for o in OPTIONS] == [
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


def test_a_row_has_every_column_of_the_issue() -> None:
    assert CELL_COLUMNS == [
        "invasiveness",
        "downtime",
        "pigmentation_risk",
        "typical_sessions",
        "indicative_cost",
        "effectiveness",
    ]


@pytest.mark.parametrize("concern", CONCERN_SLUGS)
@pytest.mark.parametrize("skin_type", SKIN_TYPES)
def test_every_cell_has_a_source_and_every_unsourced_cell_is_uncertain(
    concern: str, skin_type: str
) -> None:
    for compared in compare(concern, skin_type).rows:
        for column in CELL_COLUMNS:
            cell: Cell = getattr(compared, column)
            assert cell.text.strip(), (compared.option, column)
            assert cell.sources, (compared.option, column)
            assert all(s.citation.strip() for s in cell.sources)
            if all(s.mark in WEAK_MARKS for s in cell.sources):
                assert cell.uncertain, (compared.option, column)


def test_a_cell_without_a_citation_cannot_be_shown_as_certain() -> None:
    with pytest.raises(ValueError, match="uncertain"):
        Cell("None.", (Source("somewhere", Reliability.UNCITED),))
    with pytest.raises(ValueError, match="source"):
        Cell("None.", ())


def test_darker_skin_gets_the_higher_risk_laser_and_peel_cells() -> None:
    light, dark = compare("scars", "II"), compare("scars", "V")
    for option in ("non_ablative_laser", "ablative_laser", "medium_deep_peel", "dermabrasion"):
        assert row(light, option).pigmentation_risk != row(dark, option).pigmentation_risk
    assert "92% of type IV" in row(dark, "ablative_laser").pigmentation_risk.text
    assert "92%" not in row(light, "ablative_laser").pigmentation_risk.text
    assert "IV–VI" in row(dark, "dermabrasion").pigmentation_risk.text
    assert row(light, "dermabrasion").pigmentation_risk.uncertain


def test_microneedling_for_darker_skin_cites_the_skin_of_colour_evidence() -> None:
    cell = row(compare("scars", "VI"), "microneedling").pigmentation_risk
    assert any("Cohen & Elbuluk" in s.citation for s in cell.sources)


@pytest.mark.parametrize(("lighter", "darker"), [("I", "IV"), ("III", "VI")])
def test_types_split_at_iv(lighter: str, darker: str) -> None:
    assert compare("wrinkles", lighter).rows == compare("wrinkles", "III").rows
    assert compare("wrinkles", darker).rows == compare("wrinkles", "V").rows


def test_the_comparison_says_no_per_type_tables_exist() -> None:
    assert any("No per-skin-type (I–VI) tables exist" in note for note in NOTES)
    assert any("III–V" in note for note in compare("acne", "IV").notes)


def test_us_costs_are_indicative_uncertain_and_never_quotes() -> None:
    for compared in compare("scars", "III", market="US").rows:
        cost = compared.indicative_cost
        assert cost.uncertain
        assert "indicative" in cost.text or "No figure" in cost.text or "no figure" in cost.text
    assert row(compare("scars", "III"), "microneedling").indicative_cost.text.startswith(
        "US$200–700"
    )
    assert INDICATIVE_COSTS["US"]["microneedling"].low == 200


def test_a_market_without_configured_costs_shows_no_other_markets_figures() -> None:
    for compared in compare("scars", "III", market="GB").rows:
        assert "US$" not in compared.indicative_cost.text
        assert compared.indicative_cost.uncertain


def test_costs_are_configurable_per_market() -> None:
    pounds = Cell(
        "£150–300 per session (indicative).", (Source("A UK survey", Reliability.LOW),), True
    )
    costs = {"GB": {"microneedling": IndicativeCost(150, 300, pounds)}}
    compared = compare("scars", "III", market="GB", costs=costs)
    assert row(compared, "microneedling").indicative_cost == pounds
    assert row(compared, "dermabrasion").indicative_cost.uncertain


@pytest.mark.parametrize("concern", CONCERN_SLUGS)
def test_microneedling_sessions_come_from_the_plan_for_the_concern(concern: str) -> None:
    cell = row(compare(concern, "III"), "microneedling").typical_sessions
    plan = PLANS[concern]
    if plan is None:
        assert cell.uncertain
    else:
        assert cell == plan.sessions


def test_effectiveness_is_for_the_chosen_concern() -> None:
    scars = row(compare("scars", "III"), "microneedling").effectiveness
    wrinkles = row(compare("wrinkles", "III"), "microneedling").effectiveness
    assert "boxcar" in scars.text
    assert "density" in wrinkles.text
    assert row(compare("acne", "III"), "microneedling").effectiveness.text.startswith("Not")
    assert row(compare("wrinkles", "III"), "punch_excision").effectiveness.uncertain


@pytest.mark.parametrize(("concern", "skin_type"), [("freckles", "III"), ("scars", "VII")])
def test_compare_refuses_unknown_concerns_and_skin_types(concern: str, skin_type: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        compare(concern, skin_type)


def test_the_comparison_serialises_to_json() -> None:
    data = json.loads(json.dumps(compare("stretch-marks", "IV").as_json()))
    assert data["rows"][0]["pigmentation_risk"]["sources"][0]["mark"] == "PR"
    assert data["rows"][1]["downtime"]["uncertain"] is True
