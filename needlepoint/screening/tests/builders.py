"""Answer sets for the screening tests: a quiet base that fires no rule, and random valid ones."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from needlepoint.screening.choices import NONE
from needlepoint.screening.demo import DEMO_ANSWERS
from needlepoint.screening.questions import QUESTIONS, Kind, Question

# Every question asked, every answer the one that fires nothing: the demo client's answers.
QUIET: dict[str, Any] = dict(DEMO_ANSWERS)


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
