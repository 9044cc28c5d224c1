"""Concern triage and default treatment plans, from CLINICAL-FACTS.md §3 and §5 with sources.

How the brief's concerns map onto §3's rows:
- scars → "Acne scars" (the questionnaire asks about acne-scar types), triaged per type;
- lines and wrinkles → "Wrinkles / rejuvenation" (fine lines are the milder end of it);
- hyperpigmentation → "Melasma / hyper-pigmentation";
- stretch-marks → "Stretch marks";
- enlarged-pores → "Enlarged pores", which has no figures: the plan says so (⚠);
- sun-damage → no row of its own; the rejuvenation defaults are shown, every cell uncertain;
- acne → no row: the sources give figures for the scars acne leaves, not for acne itself,
  and inflamed acne is a reason not to treat (§2), so there is no default plan.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.screening.choices import SCAR_TYPES, SEVERITIES
from needlepoint.screening.questions import Answers
from needlepoint.screening.sources import Cell, Reliability, Source, not_found

PR, LOW = Reliability.PR, Reliability.LOW


class Suitability(StrEnum):
    GOOD_OPTION = "good_option"
    POSSIBLE = "possible"  # little evidence, or severe: a practitioner or doctor decides
    SEE_A_DOCTOR = "see_a_doctor"  # a poor responder: a doctor's consultation for other options


@dataclass(frozen=True)
class Plan:
    """Default course settings; the practitioner adjusts them at the consultation."""

    row: str  # the CLINICAL-FACTS §3 row the figures come from
    default_sessions: int | None
    sessions: Cell
    interval_days: int | None
    interval: Cell
    depth_mm: tuple[float, float] | None
    depth: Cell
    downtime: Cell
    notes: tuple[Cell, ...] = ()

    # The gaps a booked course allows between sessions. The shortest is the plan's interval
    # itself, not the shortest interval any trial used: a course is not booked tighter than
    # its default. The longest adds half an interval (28 → 42 days, 30 → 45) so a course can
    # go around holidays and full diaries. That slack is a scheduling convention, not a
    # clinical figure: no source gives a longest gap.
    @property
    def min_gap_days(self) -> int | None:
        return self.interval_days

    @property
    def max_gap_days(self) -> int | None:
        return None if self.interval_days is None else self.interval_days * 3 // 2


@dataclass(frozen=True)
class Triage:
    concern: str
    severity: str
    scar_type: str | None
    suitability: Suitability
    reason: Cell
    plan: Plan | None  # None where a plan would suggest booking a course we can't support


def _s(citation: str, mark: Reliability = PR) -> Source:
    return Source(citation, mark)


HARRIS = _s("Harris, Naidoo & Murrell, Int J Women's Dermatol 2015;1:77–81")
ACNE_SCAR_TRIALS = (
    HARRIS,
    _s("Alam et al., JAMA Dermatol 2014"),
    _s("Cachafeiro et al., Dermatol Surg 2016"),
    _s("El-Domyati et al., J Clin Aesthet Dermatol 2015"),
)
REJUVENATION_TRIALS = (
    _s("J Clin Aesthet Dermatol 2018 (PMC6122507)"),
    _s("Aesthet Surg J 2021 (PMID 33656167)"),
)
STRETCH_MARK_TRIALS = (
    _s("Alster & Li, Dermatol Surg 2020;46:459"),
    _s("Am J Clin Dermatol 2019"),
)
PIGMENT_TRIALS = (
    _s("Lima, An Bras Dermatol 2015"),
    _s("Lima, BMC Dermatol 2017;17:14"),
    _s("Ismail, J Cosmet Dermatol 2019"),
)
ALSTER = _s('Alster, "Microneedling", textbook chapter')
DEPTH_CHART = _s("Manufacturer's depth chart; no peer-reviewed table found", LOW)
GARG = _s("Garg, by scar type after 3 sessions (CLINICAL-FACTS §5)")
BRIEF = _s("Product brief the service was built from (CLINICAL-FACTS §1)", LOW)
ACNE_CONTRAINDICATION = (
    _s("J Drugs Dermatol 2024, review of microneedling for acne scars"),
    _s("Amiea Med Exceed instructions for use", Reliability.IFU),
)

DOWNTIME = Cell(
    "Redness and swelling for up to 7 days; most people are back to normal in 2–3 days.",
    (_s("Chu et al., systematic review, Dermatol Surg 2021"), ACNE_CONTRAINDICATION[0]),
)
# A month is counted as 30 days, as the §3 rows that give days do.
MONTH_DAYS = 30

ACNE_SCARS = Plan(
    row="Acne scars",
    default_sessions=3,
    sessions=Cell("Median 3 sessions (trials used 3–6).", ACNE_SCAR_TRIALS),
    interval_days=28,
    interval=Cell("Median 4 weeks between sessions (trials used 2–4 weeks).", ACNE_SCAR_TRIALS),
    depth_mm=(1.5, 2.0),
    depth=Cell("1.5–2.0 mm for scars (median 1.5 mm).", ACNE_SCAR_TRIALS),
    downtime=DOWNTIME,
)
REJUVENATION = Plan(
    row="Wrinkles / rejuvenation",
    default_sessions=4,
    sessions=Cell("4 sessions.", REJUVENATION_TRIALS),
    interval_days=30,
    interval=Cell("30 days between sessions.", REJUVENATION_TRIALS),
    depth_mm=(0.5, 1.0),
    depth=Cell("0.5–1.0 mm.", (_s("CLINICAL-FACTS §3: depth from a clinic source", LOW),)),
    downtime=DOWNTIME,
    notes=(
        Cell(
            "Upper-lip wrinkles: 2 sessions in one trial.",
            (_s("Fabbrocini et al., J Dermatol Treat 2012;23:144"),),
        ),
    ),
)
STRETCH_MARKS = Plan(
    row="Stretch marks",
    # The trials' mean was 1.8 sessions; 2 is that mean rounded, not a separate figure.
    default_sessions=2,
    sessions=Cell("1–3 sessions (mean 1.8); trials used up to 5.", STRETCH_MARK_TRIALS),
    interval_days=MONTH_DAYS,
    interval=Cell("Monthly.", STRETCH_MARK_TRIALS),
    depth_mm=(1.5, 2.0),
    depth=Cell("1.5–2.0 mm.", (_s("CLINICAL-FACTS §3: depth from a clinic source", LOW),)),
    downtime=DOWNTIME,
)
HYPERPIGMENTATION = Plan(
    row="Melasma / hyper-pigmentation",
    default_sessions=2,
    sessions=Cell("2 sessions.", PIGMENT_TRIALS),
    interval_days=30,
    interval=Cell("30 days between sessions.", PIGMENT_TRIALS),
    depth_mm=(1.5, 1.5),
    depth=Cell("1.5 mm.", PIGMENT_TRIALS),
    downtime=DOWNTIME,
    notes=(Cell("With vitamin C: up to 6 sessions, every 2 weeks.", PIGMENT_TRIALS),),
)
ENLARGED_PORES = Plan(
    row="Enlarged pores",
    default_sessions=None,
    sessions=not_found("the number of sessions for enlarged pores", "§3"),
    interval_days=None,
    interval=not_found("the interval for enlarged pores", "§3"),
    depth_mm=None,
    depth=not_found("the needle depth for enlarged pores", "§3"),
    downtime=DOWNTIME,
    notes=(Cell("Listed as treatable; your practitioner sets the plan.", (ALSTER,)),),
)


def _borrowed(plan: Plan, why: str) -> Plan:
    def uncertain(cell: Cell) -> Cell:
        return replace(cell, uncertain=True)

    return replace(
        plan,
        sessions=uncertain(plan.sessions),
        interval=uncertain(plan.interval),
        depth=uncertain(plan.depth),
        notes=(Cell(why, (_s("CLINICAL-FACTS §3: no row for this concern", LOW),), True),),
    )


SUN_DAMAGE = _borrowed(
    REJUVENATION, "No figures for sun damage itself: these are the rejuvenation defaults."
)

PLANS: dict[str, Plan | None] = {
    "lines": REJUVENATION,
    "wrinkles": REJUVENATION,
    "hyperpigmentation": HYPERPIGMENTATION,
    "enlarged-pores": ENLARGED_PORES,
    "acne": None,
    "scars": ACNE_SCARS,
    "sun-damage": SUN_DAMAGE,
    "stretch-marks": STRETCH_MARKS,
}

# Depth by treatment area (manufacturer's chart, CLINICAL-FACTS §3), for the practitioner.
AREA_DEPTHS_MM: dict[str, tuple[float, float]] = {
    "around_eyes": (0.25, 0.25),
    "forehead": (0.25, 0.75),
    "upper_lip": (0.25, 0.75),
    "cheeks": (0.5, 2.0),
    "chin_jawline": (0.5, 2.0),
}


def depth_for_area(area: str) -> Cell:
    depth = AREA_DEPTHS_MM.get(area)
    if depth is None:
        return not_found(f"the needle depth for {area.replace('_', ' ')}", "§3")
    low, high = depth
    text = f"{low} mm." if low == high else f"{low}–{high} mm."
    return Cell(text, (DEPTH_CHART,))


def triage_concern(
    concern: str, severity: str, *, scar_type: str | None = None, active_acne: bool = False
) -> Triage:
    """Whether micro-needling is a good option for one concern at one severity (and, for
    scars, one scar type), with the default plan where there is one."""
    if concern not in PLANS:
        raise ValueError(f"unknown concern {concern!r}")
    if severity not in {c.value for c in SEVERITIES}:
        raise ValueError(f"unknown severity {severity!r}")
    if (concern == "scars") != (scar_type in {c.value for c in SCAR_TYPES}):
        raise ValueError(f"scar type {scar_type!r}: scars need one, other concerns none")

    def verdict(suitability: Suitability, reason: Cell, plan: Plan | None) -> Triage:
        return Triage(concern, severity, scar_type, suitability, reason, plan)

    plan = PLANS[concern]
    if concern == "acne":
        if active_acne:
            return verdict(
                Suitability.SEE_A_DOCTOR,
                Cell(
                    "Micro-needling doesn't treat inflamed acne, and isn't done over it. A "
                    "doctor or pharmacist can treat the acne first.",
                    ACNE_CONTRAINDICATION,
                ),
                None,
            )
        return verdict(
            Suitability.POSSIBLE,
            Cell(
                "Our sources give figures for the scars acne leaves, not for acne itself. If "
                "your concern is acne scars, choose Scars (or Hyper-pigmentation for dark "
                "marks) to see a plan; otherwise your practitioner will advise.",
                (BRIEF, HARRIS),
                uncertain=True,
            ),
            None,
        )
    if scar_type == "icepick":
        return verdict(
            Suitability.SEE_A_DOCTOR,
            Cell(
                "Icepick scars respond poorly to micro-needling: in one study their scores fell "
                "by about 6% after 3 sessions, against 37% for rolling and 47% for boxcar "
                "scars. A doctor's consultation can explain more invasive options.",
                (GARG,),
            ),
            None,
        )
    if severity == "severe":
        if concern == "scars":
            return verdict(
                Suitability.SEE_A_DOCTOR,
                Cell(
                    "Deep scars respond poorly to micro-needling; it works best on milder "
                    "scarring. A doctor's consultation can explain more invasive options.",
                    (GARG, BRIEF),
                ),
                None,
            )
        return verdict(
            Suitability.POSSIBLE,
            Cell(
                "Micro-needling works best on milder problems; severe ones may need a more "
                "invasive treatment. A doctor's consultation can compare the options.",
                (BRIEF,),
                uncertain=True,  # the source says this of scarring; we apply it more widely
            ),
            plan,
        )
    if scar_type == "not_sure":
        return verdict(
            Suitability.POSSIBLE,
            Cell(
                "Rolling and boxcar scars respond well, icepick scars poorly: your practitioner "
                "will look at which kind you have.",
                (GARG,),
            ),
            plan,
        )
    if scar_type in ("rolling", "boxcar"):
        improvement = "37%" if scar_type == "rolling" else "47%"
        return verdict(
            Suitability.GOOD_OPTION,
            Cell(
                f"In one study, scores for {scar_type} scars fell by about {improvement} after "
                "3 sessions.",
                (GARG,),
            ),
            plan,
        )
    assert plan is not None  # every concern left has a plan (see PLANS)
    if concern in ("enlarged-pores", "sun-damage"):
        return verdict(
            Suitability.POSSIBLE,
            Cell(
                "Micro-needling is used for this, but our sources give no figures for it; "
                "the plan is your practitioner's.",
                (ALSTER,) if concern == "enlarged-pores" else (BRIEF,),
                uncertain=True,
            ),
            plan,
        )
    return verdict(
        Suitability.GOOD_OPTION,
        Cell(f"Studied in trials, which give the plan below ({plan.row}).", plan.sessions.sources),
        plan,
    )


def triage(answers: Answers) -> tuple[Triage, ...]:
    """One triage per chosen concern, and per scar type for scars, in questionnaire order."""
    chosen = answers.get("concerns")
    found: list[Triage] = []
    for concern in CONCERN_SLUGS:
        if not isinstance(chosen, frozenset) or concern not in chosen:
            continue
        severity = str(answers.get(f"severity_{concern.replace('-', '_')}"))
        if concern == "scars":
            types = answers.get("scar_types")
            for scar_type in (c.value for c in SCAR_TYPES):
                if isinstance(types, frozenset) and scar_type in types:
                    found.append(triage_concern(concern, severity, scar_type=scar_type))
        else:
            active = answers.get("active_acne_in_area") is True
            found.append(triage_concern(concern, severity, active_acne=active))
    return tuple(found)
