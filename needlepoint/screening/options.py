"""Micro-needling compared with the alternatives (CLINICAL-FACTS.md §6), every cell sourced.

No per-skin-type (I–VI) tables exist: the pigmentation figures are study-level, mostly from
types III–V. Types IV–VI are shown the cells with the type-IV-and-above evidence and warnings;
types I–III the study-level figures. Costs are indicative ranges per market, never quotes.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.screening.choices import FITZPATRICK_TYPES
from needlepoint.screening.plans import (
    ACNE_CONTRAINDICATION,
    ALSTER,
    BRIEF,
    DOWNTIME,
    GARG,
    PIGMENT_TRIALS,
    PLANS,
    REJUVENATION_TRIALS,
    STRETCH_MARK_TRIALS,
)
from needlepoint.screening.sources import Cell, Reliability, Source, jsonable, not_found

PR, LOW, UNCITED = Reliability.PR, Reliability.LOW, Reliability.UNCITED


class SkinGroup(StrEnum):
    I_TO_III = "I-III"
    IV_TO_VI = "IV-VI"  # the types the sources warn about for lasers, deeper peels, dermabrasion


def skin_group(skin_type: str) -> SkinGroup:
    if skin_type not in {c.value for c in FITZPATRICK_TYPES}:
        raise ValueError(f"unknown Fitzpatrick type {skin_type!r}")
    return SkinGroup.IV_TO_VI if skin_type in ("IV", "V", "VI") else SkinGroup.I_TO_III


CACHAFEIRO = Source("Cachafeiro et al., Dermatol Surg 2016", PR)
COHEN_ELBULUK = Source("Cohen & Elbuluk, J Am Acad Dermatol 2016;74:348", PR)
ALAJLAN = Source("Alajlan, Lasers Surg Med 2011", PR)
MANUSKIATTI = Source("Manuskiatti et al., J Am Acad Dermatol 2010", PR)
PEEL_CHAPTER = Source("Textbook chapter on chemical peels (not named in CLINICAL-FACTS §6)", LOW)
DERMABRASION_EXPERTS = Source("Expert opinion (CLINICAL-FACTS §6)", LOW)
LOW_DOWNTIME = Source("Clinic sources (CLINICAL-FACTS §6)", LOW)
SECTION_6 = Source("CLINICAL-FACTS §6, no primary source given", UNCITED)
DEFINITION = Source("What the procedure is; our sources grade no invasiveness", UNCITED)
DOVER = Source("Dover, J Dermatol Res Skin Care 2025 (low-quality opinion piece)", LOW)


def _definition(text: str) -> Cell:
    return Cell(text, (DEFINITION,), uncertain=True)


@dataclass(frozen=True)
class TreatmentOption:
    id: str
    name: str
    invasiveness: Cell
    downtime: Cell
    pigmentation: Mapping[SkinGroup, Cell]
    effectiveness: Mapping[str, Cell]  # by concern; a concern missing here has no figure


def _same_for_all(cell: Cell) -> dict[str, Cell]:
    return dict.fromkeys(CONCERN_SLUGS, cell)


def _pigmentation_not_found() -> dict[SkinGroup, Cell]:
    return dict.fromkeys(SkinGroup, not_found("pigmentation changes", "§6"))


_REJUVENATION_EFFECT = (
    "After 4 monthly sessions, skin density rose about 102% and elasticity 28% at 3 months; "
    "in 480 patients, people rated their improvement at 60–80%."
)
_REJUVENATION_EVIDENCE = (
    REJUVENATION_TRIALS[1],
    Source("Aust et al., Plast Reconstr Surg 2008;121:1421–9", PR),
)

OPTIONS: tuple[TreatmentOption, ...] = (
    TreatmentOption(
        "microneedling",
        "Micro-needling",
        Cell("Minimally invasive: fine needles make tiny, controlled wounds.", (BRIEF,)),
        DOWNTIME,
        {
            SkinGroup.I_TO_III: Cell(
                "No darkening after treatment (0%) in a trial where a 1340 nm laser caused it "
                "in 13.6%.",
                (CACHAFEIRO,),
            ),
            SkinGroup.IV_TO_VI: Cell(
                "Favourable for darker skin (types IV–VI); no darkening (0%) against 13.6% with "
                "a 1340 nm laser in one trial.",
                (COHEN_ELBULUK, CACHAFEIRO),
            ),
        },
        {
            "scars": Cell(
                "Scar scores fell by about 47% (boxcar), 37% (rolling) and 6% (icepick) after 3 "
                "sessions; about as effective as a 1340 nm non-ablative laser; a scar score "
                "3.4 points lower at 6 months in a randomised trial.",
                (GARG, CACHAFEIRO, Source("Alam et al., JAMA Dermatol 2014", PR)),
            ),
            "lines": Cell(_REJUVENATION_EFFECT, _REJUVENATION_EVIDENCE),
            "wrinkles": Cell(_REJUVENATION_EFFECT, _REJUVENATION_EVIDENCE),
            "sun-damage": Cell(
                f"{_REJUVENATION_EFFECT} These are skin-rejuvenation figures, not figures for "
                "sun damage itself.",
                _REJUVENATION_EVIDENCE,
                uncertain=True,
            ),
            "hyperpigmentation": Cell(
                "Studied in trials; our sources give no size of effect.", PIGMENT_TRIALS
            ),
            "stretch-marks": Cell(
                "Studied in trials; our sources give no size of effect.", STRETCH_MARK_TRIALS
            ),
            "enlarged-pores": Cell("Listed as treatable; no figures.", (ALSTER,), uncertain=True),
            "acne": Cell(
                "Not a treatment for inflamed acne, and not done over it.", ACNE_CONTRAINDICATION
            ),
        },
    ),
    TreatmentOption(
        "home_roller",
        "At-home roller",
        Cell(
            "Minimally invasive, with shorter needles: manufacturers suggest 1.0 mm or less "
            "for home use.",
            (Source("Manufacturers (CLINICAL-FACTS §5)", LOW),),
        ),
        Cell("None.", (SECTION_6,), uncertain=True),
        _pigmentation_not_found(),
        {
            **_same_for_all(Cell("Less effective than professional micro-needling.", (BRIEF,))),
            "acne": not_found("home rollers on acne", "§6"),
        },
    ),
    TreatmentOption(
        "non_ablative_laser",
        "Non-ablative fractional laser",
        _definition("Heats columns of skin while leaving its surface in place."),
        Cell("2–3 days.", (LOW_DOWNTIME,)),
        {
            SkinGroup.I_TO_III: Cell(
                "Darkening after treatment in 13.6% (1340 nm) to 17% (1550 nm) of patients.",
                (CACHAFEIRO, ALAJLAN),
            ),
            SkinGroup.IV_TO_VI: Cell(
                "Higher risk for darker skin: darkening in 17% with 1550 nm in a mostly type IV "
                "group, and 13.6% with 1340 nm.",
                (ALAJLAN, CACHAFEIRO, BRIEF),
            ),
        },
        {
            "scars": Cell(
                "For acne scars, a 1340 nm laser did about as well as micro-needling.",
                (CACHAFEIRO,),
            )
        },
    ),
    TreatmentOption(
        "ablative_laser",
        "Ablative fractional laser (CO₂ or Er:YAG)",
        _definition("Removes columns of skin, surface included."),
        Cell("About 2 weeks (CO₂) or about 1 week (Er:YAG).", (LOW_DOWNTIME,)),
        {
            SkinGroup.I_TO_III: Cell("Darkening after treatment in 14% of patients.", (ALAJLAN,)),
            SkinGroup.IV_TO_VI: Cell(
                "High risk for darker skin: darkening in 92% of type IV patients, fading in "
                "about 5 weeks; 14% across all patients in another study.",
                (MANUSKIATTI, ALAJLAN),
            ),
        },
        {},
    ),
    TreatmentOption(
        "superficial_peel",
        "Superficial chemical peel",
        _definition("An acid removes the outermost layer of skin."),
        not_found("downtime after a superficial peel", "§6"),
        _pigmentation_not_found(),
        {},
    ),
    TreatmentOption(
        "medium_deep_peel",
        "Medium or deep chemical peel",
        _definition("An acid removes deeper layers of skin."),
        Cell("About 1 week (medium) or 2–4 weeks (deep).", (LOW_DOWNTIME,)),
        {
            SkinGroup.I_TO_III: Cell(
                "Loss of colour (hypopigmentation) reported after 35% TCA peels.", (PEEL_CHAPTER,)
            ),
            SkinGroup.IV_TO_VI: Cell(
                "Higher risk of complications in types IV–VI; loss of colour reported after "
                "35% TCA peels.",
                (PEEL_CHAPTER,),
            ),
        },
        {},
    ),
    TreatmentOption(
        "dermabrasion",
        "Dermabrasion",
        _definition("The top layers of skin are sanded away."),
        Cell("Longer than after peels.", (SECTION_6,), uncertain=True),
        {
            SkinGroup.I_TO_III: not_found("pigmentation changes in types I–III", "§6"),
            SkinGroup.IV_TO_VI: Cell(
                "Substantial risk of uneven colour and of keloid scars in types IV–VI.",
                (DERMABRASION_EXPERTS,),
            ),
        },
        {},
    ),
    TreatmentOption(
        "subcision",
        "Subcision",
        _definition("A needle under the skin frees scars from the tissue pulling them down."),
        Cell("Bruising for 4–7 days.", (SECTION_6,), uncertain=True),
        _pigmentation_not_found(),
        {},
    ),
    TreatmentOption(
        "punch_excision",
        "Punch excision",
        _definition("Each scar is cut out and the skin stitched."),
        Cell("Stitches out after 5–10 days.", (SECTION_6,), uncertain=True),
        _pigmentation_not_found(),
        {},
    ),
)
OPTIONS_BY_ID: Mapping[str, TreatmentOption] = {o.id: o for o in OPTIONS}


@dataclass(frozen=True)
class IndicativeCost:
    low: int | None  # per session, in the market's currency; None where no figure exists
    high: int | None  # None with a low: "over low"
    cell: Cell


def _costs(
    symbol: str, source: Source, ranges: Mapping[str, tuple[int | None, int | None, str]]
) -> dict[str, IndicativeCost]:
    def text(low: int | None, high: int | None, note: str) -> str:
        if low is None:
            return note
        price = f"{symbol}{low:,}–{high:,}" if high else f"over {symbol}{low:,}"
        return f"{price} per session{note} (indicative, never a quote)."

    return {
        option: IndicativeCost(low, high, Cell(text(low, high, note), (source,), uncertain=True))
        for option, (low, high, note) in ranges.items()
    }


# Per market: option id → (low, high, note). Add a market by adding an entry; a market without
# one shows "no indicative prices" rather than another market's figures.
INDICATIVE_COSTS: dict[str, dict[str, IndicativeCost]] = {
    "US": {
        **_costs(
            "US$",
            DOVER,
            {
                "microneedling": (200, 700, ""),
                "non_ablative_laser": (1000, 2500, ""),
                "ablative_laser": (2000, 4000, ""),
                "superficial_peel": (150, 300, ""),
                "medium_deep_peel": (
                    3000,
                    None,
                    " for a deep (phenol) peel; none given for medium",
                ),
                "dermabrasion": (1500, 2000, ""),
            },
        ),
        **_costs(
            "US$", Source("Clinic source (CLINICAL-FACTS §6)", LOW), {"subcision": (400, 2500, "")}
        ),
        **_costs(
            "US$",
            SECTION_6,
            {"home_roller": (None, None, "The cheapest option; no figure in our sources.")},
        ),
    },
}


@dataclass(frozen=True)
class ComparisonRow:
    option: str
    name: str
    invasiveness: Cell
    downtime: Cell
    pigmentation_risk: Cell
    typical_sessions: Cell
    indicative_cost: Cell
    effectiveness: Cell


@dataclass(frozen=True)
class Comparison:
    concern: str
    skin_type: str
    market: str
    rows: tuple[ComparisonRow, ...]
    notes: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return dict(jsonable(self))


NOTES = (
    "No per-skin-type (I–VI) tables exist: pigmentation figures are study-level, mostly from "
    "skin types III–V.",
    "Costs are indicative ranges per session, never quotes; ask the clinic for its price.",
)


def compare(
    concern: str,
    skin_type: str,
    market: str = "US",
    costs: Mapping[str, Mapping[str, IndicativeCost]] = INDICATIVE_COSTS,
) -> Comparison:
    if concern not in CONCERN_SLUGS:
        raise ValueError(f"unknown concern {concern!r}")
    group = skin_group(skin_type)
    market_costs = costs.get(market)
    plan = PLANS[concern]
    rows = []
    for option in OPTIONS:
        if option.id == "microneedling" and plan is not None:
            sessions = plan.sessions
        else:
            sessions = not_found(f"typical sessions of {option.name.lower()}", "§3 and §6")
        if market_costs is None:
            cost = not_found(f"prices in market {market!r} (none configured)", "§6")
        elif option.id in market_costs:
            cost = market_costs[option.id].cell
        else:
            cost = not_found(f"the cost of {option.name.lower()}", "§6")
        rows.append(
            ComparisonRow(
                option=option.id,
                name=option.name,
                invasiveness=option.invasiveness,
                downtime=option.downtime,
                pigmentation_risk=option.pigmentation[group],
                typical_sessions=sessions,
                indicative_cost=cost,
                effectiveness=option.effectiveness.get(concern)
                or not_found(f"how well {option.name.lower()} works for {concern}", "§5 and §6"),
            )
        )
    return Comparison(concern, skin_type, market, tuple(rows), NOTES)
