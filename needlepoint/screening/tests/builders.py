"""Answer sets for the screening tests: a quiet base that fires no rule, and random valid ones."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from needlepoint.screening.choices import NONE
from needlepoint.screening.questions import QUESTIONS, Kind, Question

# Every question asked, every answer the one that fires nothing.
QUIET: dict[str, Any] = {
    "concerns": ["scars"],
    "severity_scars": "moderate",
    "scar_types": ["rolling"],
    "treatment_areas": ["cheeks"],
    "fitzpatrick_type": "III",
    "active_infection_in_area": False,
    "cold_sore_history": False,
    "active_acne_in_area": False,
    "inflamed_skin_condition_in_area": [NONE],
    "sunburn_in_area": False,
    "skin_lesions_in_area": [NONE],
    "keloid_tendency": False,
    "new_scar_in_area": False,
    "surgery_in_area": False,
    "filler_in_area": False,
    "toxin_in_area": False,
    "deep_peel_in_area": False,
    "bleeding_disorder": False,
    "blood_thinners": False,
    "immunosuppressed": False,
    "bloodborne_infection": False,
    "diabetes": "no",
    "pregnant_or_breastfeeding": [NONE],
    "isotretinoin": "no",
    "cancer_treatment_or_steroids": "no",
    "anaesthetic_allergy": False,
    "metal_allergy": False,
}


def quiet_with(**changes: Any) -> dict[str, Any]:
    """The quiet base with some answers changed; a change to None removes the answer."""
    raw = {**QUIET, **changes}
    return {k: v for k, v in raw.items() if v is not None}


def _asked(question: Question, raw: Mapping[str, Any]) -> bool:
    if question.depends_on is None:
        return True
    parent = raw.get(question.depends_on.question)
    if isinstance(parent, list):
        return question.depends_on.value in parent
    return parent is not None and parent == question.depends_on.value


def _value(question: Question, today: date) -> st.SearchStrategy[Any]:
    match question.kind:
        case Kind.YES_NO:
            return st.booleans()
        case Kind.CHOICE:
            return st.sampled_from([c.value for c in question.choices])
        case Kind.DATE:
            return st.dates(min_value=today - timedelta(days=3 * 366), max_value=today)
        case Kind.MULTI_CHOICE:
            others = [c.value for c in question.choices if c.value != NONE]
            some = st.lists(st.sampled_from(others), min_size=1, unique=True)
            if len(others) < len(question.choices):
                return st.one_of(st.just([NONE]), some)
            return some


@st.composite
def answer_sets(
    draw: st.DrawFn, today: date, forced: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A valid raw answer set for `today`: every question that is asked gets an answer, and
    `forced` answers are given before the questions that depend on them are drawn.

    Each set has a noise level: from none (the quiet answers plus `forced`, so one rule is
    seen alone) to every answer random (many rules firing together)."""
    forced = forced or {}
    noise = draw(st.sampled_from([0, 1, 3, 10]))  # out of 10 answers
    raw: dict[str, Any] = {}
    for question in QUESTIONS:
        if not _asked(question, raw):
            continue
        if question.id in forced:
            raw[question.id] = forced[question.id]
        elif question.id in QUIET and draw(st.integers(0, 9)) >= noise:
            raw[question.id] = QUIET[question.id]
        else:
            raw[question.id] = draw(_value(question, today))
    return raw
