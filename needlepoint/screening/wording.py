"""What the screening pages say: the not-a-diagnosis statement, outcome headlines, next steps
and the outcome page built from an evaluated screening, in one place."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from needlepoint.directory.concerns import CONCERNS

from . import options, plans
from .choices import SCAR_TYPES, SEVERITIES
from .questions import QUESTIONS, TOPICS, Answers, AnswerValue, Kind, Question
from .rules import Outcome
from .sources import Cell, Reliability, Source

NOT_A_DIAGNOSIS = (
    "This screening is not a diagnosis. It says what your answers mean for micro-needling and "
    "when to see a doctor first; if in doubt, consult your doctor."
)

RELIABILITY = {
    Reliability.PR: "peer-reviewed",
    Reliability.REG: "regulator or public health body",
    Reliability.IFU: "manufacturer's instructions for use",
    Reliability.LOW: "clinic, trade or expert opinion: less reliable",
    Reliability.UNCITED: "stated without a primary source",
    Reliability.NOT_FOUND: "no figure found in the sources reviewed",
}

# A short label beside each reason: what that one answer means for booking.
OUTCOME_LABELS = {
    Outcome.PROCEED: "Nothing stops it",
    Outcome.PRECAUTIONS: "Precaution",
    Outcome.DEFER: "Wait",
    Outcome.REFER: "See a doctor first",
    Outcome.NOT_SUITABLE_IN_AREA: "Not in that area",
}

SUITABILITY = {
    plans.Suitability.GOOD_OPTION: "A good option",
    plans.Suitability.POSSIBLE: "Possible: your practitioner will advise",
    plans.Suitability.SEE_A_DOCTOR: "A doctor can suggest better options",
}

MARKETS = {"US": "United States (US$)"}

CONCERN_NAMES = dict(CONCERNS)
SEVERITY_NAMES = {c.value: c.label for c in SEVERITIES}
SCAR_TYPE_NAMES = {c.value: c.label for c in SCAR_TYPES}


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def headline(outcome: Outcome, bookable_from: date | None) -> str:
    """The outcome in plain words: what the answers mean for booking, never a diagnosis."""
    match outcome:
        case Outcome.PROCEED:
            return "You can go ahead and book micro-needling"
        case Outcome.PRECAUTIONS:
            return "You can book, with some precautions"
        case Outcome.DEFER if bookable_from:
            return f"Wait until {day(bookable_from)}, then you can book"
        case Outcome.DEFER:
            return "Wait for now, then take the check again"
        case Outcome.REFER:
            return "See a doctor first"
        case Outcome.NOT_SUITABLE_IN_AREA:
            return "Not suitable in that area for now"
    raise ValueError(outcome)


@dataclass(frozen=True)
class NextStep:
    text: str
    link_text: str = ""
    url: str = ""
    print_button: bool = False
    # The near-me search for this concern: the page asks where (the search needs a place), so
    # the step is a small form rather than a link.
    search_concern: str | None = None


def search_url(concern: str | None) -> str:
    query = f"?{urlencode({'concern': concern})}" if concern else ""
    return reverse("scheduling:search") + query


def _find_practitioner(text: str, concern: str | None) -> NextStep:
    return NextStep(text, "Find a practitioner", search_url(concern), search_concern=concern or "")


def next_steps(
    outcome: Outcome,
    *,
    bookable_from: date | None,
    defer_until: date | None,
    concern: str | None,
    continue_url: str,
) -> list[NextStep]:
    """What to do now, per outcome; `continue_url` is the booking the client came from."""
    retake = reverse("screening:start")
    if outcome <= Outcome.PRECAUTIONS:
        steps = []
        if outcome is Outcome.PRECAUTIONS:
            steps.append(NextStep("Tell your practitioner about the points below."))
        if continue_url:
            return [
                *steps,
                NextStep("Your booking is waiting.", "Continue to booking", continue_url),
            ]
        return [
            *steps,
            _find_practitioner("Choose a verified practitioner near you.", concern),
        ]
    if outcome is Outcome.DEFER and bookable_from:
        return [
            _find_practitioner(
                f"You can book from {day(bookable_from)}: you may already choose a practitioner "
                "and a date after it.",
                concern,
            )
        ]
    if outcome is Outcome.DEFER:
        steps = [
            NextStep(
                "Once what is explained below has passed (a sunburn has healed, for example), "
                "take the check again.",
                "Take the check again",
                retake,
            )
        ]
        if defer_until:
            steps.append(NextStep(f"Even then, treatment waits until {day(defer_until)}."))
        return steps
    if outcome is Outcome.REFER:
        steps = [
            NextStep(
                "See your doctor before you book. Print this page, or show it on your phone, so "
                "they can see your answers and our reasons.",
                print_button=True,
            )
        ]
        if defer_until:
            steps.append(
                NextStep(f"Even once a doctor agrees, treatment waits until {day(defer_until)}.")
            )
        return steps
    steps = [
        NextStep(
            "A practitioner may be able to treat another area: take the check again with that "
            "area, or once the skin there has cleared.",
            "Take the check again",
            retake,
        )
    ]
    if defer_until:
        steps.append(NextStep(f"Even then, treatment waits until {day(defer_until)}."))
    return steps


# --- Sourced statements as the pages show them ---------------------------------------------


@dataclass(frozen=True)
class Cited:
    citation: str
    mark: str
    meaning: str  # what the reliability mark means, for its tooltip and the legend


@dataclass(frozen=True)
class ShownCell:
    text: str
    uncertain: bool
    sources: tuple[Cited, ...]


def cited(sources: Sequence[Source]) -> tuple[Cited, ...]:
    return tuple(Cited(s.citation, s.mark.value, RELIABILITY[s.mark]) for s in sources)


def shown(cell: Cell) -> ShownCell:
    return ShownCell(cell.text, cell.uncertain, cited(cell.sources))


# --- The outcome page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    title: str
    label: str
    outcome: str
    text: str
    sources: tuple[Cited, ...]
    sources_disagree: bool
    defer_until: date | None


@dataclass(frozen=True)
class TriageShown:
    """One concern's triage, its names spelled out and every statement with its sources."""

    name: str
    severity: str
    suitability: str
    see_a_doctor: bool
    reason: ShownCell
    plan: tuple[tuple[str, ShownCell], ...]  # (what, figure), empty where there is no plan
    compare_url: str


@dataclass(frozen=True)
class AnswerShown:
    question: str
    answer: str


@dataclass(frozen=True)
class OutcomePage:
    outcome: str
    headline: str
    statement: str
    evaluated_on: date
    ruleset_version: str
    bookable: bool  # online booking is open now or from a known date
    reasons: tuple[Reason, ...]
    next_steps: tuple[NextStep, ...]
    triages: tuple[TriageShown, ...]
    compare_url: str
    answers: tuple[tuple[str, tuple[AnswerShown, ...]], ...]  # by topic title


def answer_label(question: Question, value: AnswerValue) -> str:
    match question.kind:
        case Kind.YES_NO:
            return "Yes" if value else "No"
        case Kind.DATE:
            return day(value) if isinstance(value, date) else str(value)
        case Kind.MULTI_CHOICE:
            chosen = value if isinstance(value, frozenset) else frozenset()
            return ", ".join(c.label for c in question.choices if c.value in chosen)
    return next((c.label for c in question.choices if c.value == value), str(value))


def answers_summary(answers: Answers) -> tuple[tuple[str, tuple[AnswerShown, ...]], ...]:
    by_topic = []
    for topic in TOPICS:
        answered = tuple(
            AnswerShown(q.text, answer_label(q, value))
            for q in QUESTIONS
            if q.topic == topic.id and (value := answers.get(q.id)) is not None
        )
        if answered:
            by_topic.append((topic.title, answered))
    return tuple(by_topic)


def compare_url(concern: str | None, skin_type: str | None) -> str:
    query = {k: v for k, v in (("concern", concern), ("skin_type", skin_type)) if v}
    return reverse("screening:compare") + (f"?{urlencode(query)}" if query else "")


def _plan(plan: plans.Plan | None) -> tuple[tuple[str, ShownCell], ...]:
    if plan is None:
        return ()
    cells = [
        ("Sessions", plan.sessions),
        ("Between sessions", plan.interval),
        ("Needle depth", plan.depth),
        ("Downtime", plan.downtime),
        *(("Note", note) for note in plan.notes),
    ]
    return tuple((what, shown(cell)) for what, cell in cells)


def triage_shown(triage: plans.Triage, skin_type: str | None) -> TriageShown:
    name = CONCERN_NAMES.get(triage.concern, triage.concern)
    if triage.scar_type:
        name = f"{name}: {SCAR_TYPE_NAMES[triage.scar_type].lower()}"
    return TriageShown(
        name=name,
        severity=SEVERITY_NAMES.get(triage.severity, triage.severity),
        suitability=SUITABILITY[triage.suitability],
        see_a_doctor=triage.suitability is plans.Suitability.SEE_A_DOCTOR,
        reason=shown(triage.reason),
        plan=_plan(triage.plan),
        compare_url=compare_url(triage.concern, skin_type),
    )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _reason(fired: Mapping[str, Any]) -> Reason:
    outcome = Outcome(fired["outcome"])
    return Reason(
        title=fired["title"],
        label=OUTCOME_LABELS[outcome],
        outcome=outcome.value,
        text=fired["client_reason"],
        sources=cited([Source(s["citation"], Reliability(s["mark"])) for s in fired["sources"]]),
        sources_disagree=bool(fired["sources_disagree"]),
        defer_until=_date(fired.get("defer_until")),
    )


def outcome_page(
    result: Mapping[str, Any], answers: Answers | None, *, continue_url: str
) -> OutcomePage:
    """The page for a screening as it was evaluated: `result` is its JSON as stored (the same
    shape for a result not stored), `answers` its typed answers, or None where today's
    questionnaire can no longer read them (the reasons still show, from the stored result)."""
    outcome = Outcome(result["outcome"])
    defer_until = _date(result.get("defer_until"))
    bookable_from = _date(result.get("bookable_from"))
    triages = plans.triage(answers) if answers is not None else ()
    skin_type = answers.get("fitzpatrick_type") if answers is not None else None
    skin_type = skin_type if isinstance(skin_type, str) else None
    first_concern = triages[0].concern if triages else None
    return OutcomePage(
        outcome=outcome.value,
        headline=headline(outcome, bookable_from),
        statement=NOT_A_DIAGNOSIS,
        evaluated_on=date.fromisoformat(result["evaluated_on"]),
        ruleset_version=result["ruleset_version"],
        bookable=bookable_from is not None,
        reasons=tuple(_reason(f) for f in result["fired"]),
        next_steps=tuple(
            next_steps(
                outcome,
                bookable_from=bookable_from,
                defer_until=defer_until,
                concern=first_concern,
                continue_url=continue_url,
            )
        ),
        triages=tuple(triage_shown(t, skin_type) for t in triages),
        compare_url=compare_url(first_concern, skin_type),
        answers=answers_summary(answers) if answers is not None else (),
    )


# --- The comparison page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonLine:
    option: str
    name: str
    cells: tuple[tuple[str, ShownCell], ...]  # (column heading, cell), in the table's order


@dataclass(frozen=True)
class ComparisonTable:
    caption: str
    headings: tuple[str, ...]
    lines: tuple[ComparisonLine, ...]


def comparison_table(comparison: options.Comparison) -> ComparisonTable:
    """One line per option, each cell under its heading."""
    concern = CONCERN_NAMES[comparison.concern].lower()
    headings = (
        "Invasiveness",
        "Downtime",
        f"Pigmentation risk for skin type {comparison.skin_type}",
        "Typical sessions",
        f"Indicative cost ({MARKETS.get(comparison.market, comparison.market)})",
        f"How well it works for {concern}",
    )

    def line(row: options.ComparisonRow) -> ComparisonLine:
        cells = (
            row.invasiveness,
            row.downtime,
            row.pigmentation_risk,
            row.typical_sessions,
            row.indicative_cost,
            row.effectiveness,
        )
        shown_cells = tuple(zip(headings, map(shown, cells), strict=True))
        return ComparisonLine(row.option, row.name, shown_cells)

    return ComparisonTable(
        f"Options for {concern}, skin type {comparison.skin_type}",
        headings,
        tuple(line(row) for row in comparison.rows),
    )
