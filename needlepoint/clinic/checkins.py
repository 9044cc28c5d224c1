"""The check-ins after a session: the days, the questions in plain words, and the rules (data with
sources) that turn answers into adverse events for the practitioner to follow up.

The rules flag for follow-up; they never diagnose. What is expected after micro-needling is
CLINICAL-FACTS.md §3: redness and swelling up to 7 days, typical recovery 2–3 days."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from needlepoint.screening.sources import Reliability, Source

DAYS = (1, 3, 7)  # after the session


def due_after(day: int) -> dt.timedelta:
    return dt.timedelta(days=day)


def stale_after(day: int) -> dt.timedelta:
    """How long after the session an unsent day-`day` check-in is still worth sending: until
    the next one falls due (the client is asked once, about today), the last for a week more.
    A product choice, not a clinical figure."""
    later = [d for d in DAYS if d > day]
    return dt.timedelta(days=later[0] if later else day + 7)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question(
        "redness",
        "Is the treated skin still red?",
        "Some redness is expected for a few days after the session.",
    ),
    Question("pus", "Is there any pus, yellow crust or oozing from the treated skin?"),
    Question(
        "spreading",
        "Is redness, warmth or pain spreading, or getting worse instead of better?",
    ),
    Question("fever", "Have you had a fever, or felt hot and shivery?"),
    Question("darker", "Has any of the treated skin turned darker than your usual skin colour?"),
)
NOTE = Question(
    "note", "Anything else your practitioner should know?", "Optional. Up to 2,000 characters."
)
NOTE_MAX = 2000
BY_ID = {q.id: q for q in QUESTIONS}
YES, NO = "yes", "no"


def questions_for(day: int) -> tuple[Question, ...]:
    """Every day asks the same questions: each rule may fire on any day it allows."""
    if day not in DAYS:
        raise ValueError(f"no day-{day} check-in")
    return QUESTIONS


TYPICAL_RECOVERY = Source(
    "Chu et al., Dermatol Surg 2021 (systematic review); J Drugs Dermatol 2024 review: redness "
    "and swelling up to 7 days, typical recovery 2–3 days (CLINICAL-FACTS §3)",
    Reliability.PR,
)
INFECTION = Source(
    "Infection as a risk of skin puncture: J Drugs Dermatol 2024 review (active infection "
    "rules treatment out, CLINICAL-FACTS §2); CDC MMWR 2024;73(16):372–6 (infection traced to "
    "micro-needling, §7). The signs asked about are general first-aid wording, not from a "
    "cited source",
    Reliability.PR,
)
PIGMENTATION = Source(
    "Post-inflammatory hyper-pigmentation after skin procedures: Cachafeiro, Dermatol Surg "
    "2016; Cohen & Elbuluk, JAAD 2016;74:348 (CLINICAL-FACTS §6)",
    Reliability.PR,
)


@dataclass(frozen=True)
class Rule:
    """Fires when any question in `any_yes` is answered yes on day `from_day` or later."""

    id: str
    kind: str  # the AdverseEvent kind it raises
    title: str  # what the practitioner reads
    any_yes: tuple[str, ...]
    from_day: int
    why: str  # why this needs a follow-up, in plain words
    source: Source


RULES: tuple[Rule, ...] = (
    Rule(
        id="redness_past_72h",
        kind="persistent_redness",
        title="Redness past 72 hours",
        any_yes=("redness",),
        # Day 3 = 72 hours: the end of the typical 2–3 day recovery.
        from_day=3,
        why="Redness lasting beyond the typical 2–3 day recovery.",
        source=TYPICAL_RECOVERY,
    ),
    Rule(
        id="signs_of_infection",
        kind="possible_infection",
        title="Possible signs of infection",
        any_yes=("pus", "spreading", "fever"),
        from_day=1,
        why="Pus, spreading redness, warmth or pain, or a fever can be signs of infection.",
        source=INFECTION,
    ),
    Rule(
        id="darkening_skin",
        kind="hyperpigmentation",
        title="Darkening of the treated skin",
        any_yes=("darker",),
        from_day=1,
        why="Darkening can be post-inflammatory hyper-pigmentation.",
        source=PIGMENTATION,
    ),
)
MANUAL_KIND = "other"
KINDS: dict[str, str] = {rule.kind: rule.title for rule in RULES} | {MANUAL_KIND: "Other"}


@dataclass(frozen=True)
class Raised:
    """An adverse event that answers call for: what the event row records."""

    rule_id: str
    kind: str
    description: str
    source: Source


class AnswerError(ValueError):
    """A check-in answer that cannot be taken; `field` is the question's id."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def validate_answers(day: int, raw: Mapping[str, object]) -> dict[str, bool | str]:
    """{question id: True/False, "note": text} from form values "yes"/"no"; an AnswerError
    naming the first question left out or answered with something else."""
    answers: dict[str, bool | str] = {}
    for question in questions_for(day):
        value = str(raw.get(question.id) or "").strip().lower()
        if value not in (YES, NO):
            raise AnswerError(question.id, f"Please answer yes or no: {question.text}")
        answers[question.id] = value == YES
    note = str(raw.get(NOTE.id) or "").strip()
    if len(note) > NOTE_MAX:
        raise AnswerError(NOTE.id, f"Please keep the note under {NOTE_MAX:,} characters.")
    answers[NOTE.id] = note
    return answers


def readable(answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """Stored answers as (question, "Yes"/"No"/the note) in question order, for people."""
    shown = [
        (q.text, "Yes" if answers[q.id] is True else "No") for q in QUESTIONS if q.id in answers
    ]
    note = answers.get(NOTE.id)
    if note:
        shown.append((NOTE.text, str(note)))
    return shown


def evaluate(day: int, answers: Mapping[str, object]) -> list[Raised]:
    """The events validated `answers` raise, `day` whole days after the session."""
    raised = []
    for rule in RULES:
        yes = [q for q in rule.any_yes if answers.get(q) is True]
        if day < rule.from_day or not yes:
            continue
        said = "; ".join(f"“{BY_ID[q].text}” yes" for q in yes)
        raised.append(
            Raised(
                rule_id=rule.id,
                kind=rule.kind,
                description=(
                    f"Day-{day} check-in: {said}. {rule.why} Source: {rule.source.citation}."
                ),
                source=rule.source,
            )
        )
    return raised
