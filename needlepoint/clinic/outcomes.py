"""The outcome scales a practitioner grades a session on, the client's own rating, and their checks.

Every scale and grade wording is CLINICAL-FACTS.md §4 with its source. Left out on purpose: the
Goodman & Baron quantitative score and ECCA (their point tables are marked unverified there) and
the Fitzpatrick wrinkle classes (sub-scores unverified): a grade nobody can check is no grade.
Every scale here reads "lower is better", so a falling line on the progress chart is progress.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from needlepoint.screening.sources import Reliability, Source


@dataclass(frozen=True)
class Grade:
    value: int
    label: str
    meaning: str  # in plain words, what the practitioner sees at this grade


@dataclass(frozen=True)
class Scale:
    id: str
    name: str
    minimum: int
    maximum: int
    lower_is_better: bool
    grades: tuple[Grade, ...]  # empty: a numeric total, explained by `how`
    how: str  # how to score, one sentence
    concerns: frozenset[str]  # the screening's concern slugs it fits
    source: Source

    def grade(self, value: int) -> Grade | None:
        return next((g for g in self.grades if g.value == value), None)

    def describe(self, value: int) -> str:
        """'3 (moderate)' where grades have names, else the number."""
        grade = self.grade(value)
        return f"{value} ({grade.label.lower()})" if grade else str(value)


ALL_CONCERNS = frozenset(
    {
        "lines",
        "wrinkles",
        "hyperpigmentation",
        "enlarged-pores",
        "acne",
        "scars",
        "sun-damage",
        "stretch-marks",
    }
)

GOODMAN_BARON = Scale(
    id="goodman_baron",
    name="Goodman & Baron qualitative acne-scar grade",
    minimum=1,
    maximum=4,
    lower_is_better=True,
    grades=(
        Grade(1, "Macular", "A change of colour, not of contour."),
        Grade(2, "Mild", "Not obvious from 50 cm or more away; make-up covers it."),
        Grade(
            3, "Moderate", "Obvious from 50 cm or more away; flattens when the skin is stretched."
        ),
        Grade(4, "Severe", "Obvious; does not flatten when the skin is stretched."),
    ),
    how="The worst grade seen in the treated area.",
    # The screening's "acne" concern is about the scars acne leaves (plans.py says so).
    concerns=frozenset({"scars", "acne"}),
    source=Source("Goodman & Baron, Dermatol Surg 2006 (CLINICAL-FACTS §4)", Reliability.PR),
)

GLOGAU = Scale(
    id="glogau",
    name="Glogau photo-ageing type",
    minimum=1,
    maximum=4,
    lower_is_better=True,
    grades=(
        Grade(1, "Type I, mild", "Mild photo-ageing."),
        Grade(2, "Type II, moderate", "Wrinkles in motion."),
        Grade(3, "Type III, advanced", "Wrinkles at rest."),
        Grade(4, "Type IV, severe", "Only wrinkles."),
    ),
    how="Types I–IV are recorded as 1–4.",
    concerns=frozenset({"lines", "wrinkles", "sun-damage"}),
    # The facts sheet gives author and year only, no journal: shown as uncertain.
    source=Source(
        "Glogau photo-ageing classification, 1996 (CLINICAL-FACTS §4)", Reliability.UNCITED
    ),
)

POSAS_OBSERVER = Scale(
    id="posas_observer",
    name="POSAS observer scale (total)",
    minimum=6,
    maximum=60,
    lower_is_better=True,
    grades=(),
    how=(
        "The sum of the 6 observer items, each scored 1 (like normal skin) to 10 (the worst "
        "imaginable scar); the overall opinion is not added."
    ),
    concerns=frozenset({"scars", "acne"}),
    source=Source("Draaijers et al., Plast Reconstr Surg 2004 (CLINICAL-FACTS §4)", Reliability.PR),
)

GLOBAL_IMPROVEMENT = Scale(
    id="gais",
    name="Global Aesthetic Improvement Scale",
    minimum=1,
    maximum=5,
    lower_is_better=True,
    grades=(
        # Plain restatements only: the facts sheet gives no wording to explain them further.
        Grade(1, "Very much improved", "Very much better than before the course."),
        Grade(2, "Much improved", "Much better than before the course."),
        Grade(3, "Improved", "Better than before the course."),
        Grade(4, "No change", "The same as before the course."),
        Grade(5, "Worse", "Worse than before the course."),
    ),
    how="Compared with the photographs from before the first session.",
    concerns=ALL_CONCERNS,
    # The facts sheet names the scale without a primary citation or grade wording; the five
    # grades are its usual published form. Shown as uncertain until a source is added there.
    source=Source(
        "Global Aesthetic Improvement Scale, named in CLINICAL-FACTS §4 (grade wording not "
        "given there)",
        Reliability.UNCITED,
    ),
)

SCALES: tuple[Scale, ...] = (GOODMAN_BARON, GLOGAU, POSAS_OBSERVER, GLOBAL_IMPROVEMENT)
BY_ID = {scale.id: scale for scale in SCALES}


@dataclass(frozen=True)
class RatingRange:
    field: str
    label: str
    minimum: int
    maximum: int
    anchors: str  # what the ends mean, shown beside the input
    source: Source


# The 0–10 form follows the patient-reported 0–10 scale of §4; satisfaction 1–5 is the model's
# own short form (ClientRating), not a published scale, and is marked so.
IMPROVEMENT = RatingRange(
    "improvement",
    "How much better does your skin look?",
    0,
    10,
    "0 no better at all – 10 the best you could imagine",
    Source("Patient-reported 0–10 rating (CLINICAL-FACTS §4)", Reliability.UNCITED),
)
SATISFACTION = RatingRange(
    "satisfaction",
    "How happy are you with this session?",
    1,
    5,
    "1 very unhappy – 5 very happy",
    Source("Needlepoint's own five-point question, not a published scale", Reliability.LOW),
)


class OutcomeError(ValueError):
    """Bad input for a grade or a rating; `field` names the input, `message` is for people."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def scales_for(concerns: Iterable[str]) -> tuple[Scale, ...]:
    """The scales fitting any of the client's concerns, in SCALES order; all when none known."""
    chosen = set(concerns)
    fitting = tuple(scale for scale in SCALES if scale.concerns & chosen)
    return fitting or SCALES


def _whole_number(raw: object, field: str, what: str, low: int, high: int) -> int:
    text = str(raw).strip() if raw is not None else ""
    # ASCII digits only, and few of them: "²", "--1" or a 5,000-digit string is not a grade.
    if isinstance(raw, bool) or not re.fullmatch(r"-?[0-9]{1,4}", text, flags=re.ASCII):
        raise OutcomeError(field, f"{what}: enter a whole number from {low} to {high}.")
    value = int(text)
    if not low <= value <= high:
        raise OutcomeError(field, f"{what}: {value} is outside the range {low}–{high}.")
    return value


def validate_score(scale: str, raw: object) -> int:
    """The grade as an int on `scale` (an id), or OutcomeError naming what is wrong."""
    found = BY_ID.get(scale)
    if found is None:
        raise OutcomeError("scale", f"There is no outcome scale called {scale!r}.")
    return _whole_number(raw, "score", found.name, found.minimum, found.maximum)


def validate_rating(improvement: object, satisfaction: object) -> tuple[int, int]:
    return (
        _whole_number(
            improvement, IMPROVEMENT.field, "Improvement", IMPROVEMENT.minimum, IMPROVEMENT.maximum
        ),
        _whole_number(
            satisfaction,
            SATISFACTION.field,
            "Satisfaction",
            SATISFACTION.minimum,
            SATISFACTION.maximum,
        ),
    )
