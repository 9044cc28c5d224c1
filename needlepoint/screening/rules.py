"""Suitability rules as versioned data, and their evaluation into one screening outcome."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from needlepoint.screening.conditions import (
    Condition,
    DateWithin,
    Period,
    RuleSetError,
    parse_condition,
    parse_period,
)
from needlepoint.screening.questions import Answers
from needlepoint.screening.ruleset_data import RULES, RULESET_VERSION
from needlepoint.screening.sources import Reliability, Source, jsonable

__all__ = [
    "RULESET",
    "RULESET_VERSION",
    "FiredRule",
    "Outcome",
    "Rule",
    "RuleSet",
    "Screening",
    "Wait",
    "evaluate",
]


@functools.total_ordering
class Outcome(Enum):
    """Ordered from least to most restrictive; a screening's outcome is its most restrictive
    fired rule.

    The order measures how far the treatment the client asked for is from being bookable:
    - PROCEED and PRECAUTIONS: bookable now (precautions put a note in front of the
      practitioner, and sometimes a question to a doctor or pharmacist, as for antivirals).
    - DEFER: bookable automatically from a computed date, or after a new screening once
      something has healed; no one else has to decide.
    - REFER: bookable only after a doctor has cleared it; we cannot say when, or whether.
    - NOT_SUITABLE_IN_AREA: the treatment asked for, in that area, is not bookable by any
      path here: no date and no doctor's note turns micro-needling over skin cancer or an
      active infection into a booking; the client must change the request (another area) or
      wait for the condition to clear and screen again.
    Both REFER and NOT_SUITABLE_IN_AREA block online booking. The last two are ordered this
    way because a refer can end in "yes" without any change to the request, a not-suitable
    cannot. The headline is only the worst reason: every fired rule is returned, so a refer
    reason is still shown beside a not-suitable one, and a defer date is kept under either.
    """

    PROCEED = "proceed"
    PRECAUTIONS = "precautions"
    DEFER = "defer"
    REFER = "refer"
    NOT_SUITABLE_IN_AREA = "not_suitable_in_area"

    @property
    def rank(self) -> int:
        return list(Outcome).index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.rank < other.rank


@dataclass(frozen=True)
class Wait:
    """A defer that ends on a date: `period` after the date answered to `answer`."""

    answer: str
    period: Period

    def until(self, answers: Answers) -> date | None:
        given = answers.get(self.answer)
        return self.period.after(given) if isinstance(given, date) else None


@dataclass(frozen=True)
class Rule:
    id: str
    covers: str  # the CLINICAL-FACTS.md §2 row this rule encodes
    title: str
    condition: Condition
    outcome: Outcome
    wait: Wait | None  # DEFER only; None there means "until it has healed": no date exists
    client_reason: str
    practitioner_note: str
    sources: tuple[Source, ...]
    sources_disagree: bool

    def __post_init__(self) -> None:
        where = f"rule {self.id!r}"
        if not self.sources:
            raise RuleSetError(f"{where}: every rule needs a source")
        if not (self.client_reason.strip() and self.practitioner_note.strip()):
            raise RuleSetError(f"{where}: needs a client reason and a practitioner note")
        if self.wait and self.outcome is not Outcome.DEFER:
            raise RuleSetError(f"{where}: only a defer has a wait")
        # The date must be the one the condition tested, or a rule could fire and report a
        # date already past, or stop firing while its date is still ahead.
        if self.wait and DateWithin(self.wait.answer, self.wait.period) not in (
            self.condition.walk()
        ):
            raise RuleSetError(f"{where}: its wait must match a date_within of its condition")

    def as_json(self) -> dict[str, Any]:
        wait = {"answer": self.wait.answer, **self.wait.period.as_json()} if self.wait else None
        return {
            "id": self.id,
            "covers": self.covers,
            "title": self.title,
            "when": self.condition.as_json(),
            "outcome": self.outcome.value,
            "defer_until": wait,
            "client_reason": self.client_reason,
            "practitioner_note": self.practitioner_note,
            "sources": jsonable(self.sources),
            "sources_disagree": self.sources_disagree,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Rule":
        where = f"rule {data.get('id')!r}"
        try:
            wait_data = data["defer_until"]
            return cls(
                id=data["id"],
                covers=data["covers"],
                title=data["title"],
                condition=parse_condition(data["when"], f"{where}.when"),
                outcome=Outcome(data["outcome"]),
                wait=Wait(*parse_period(wait_data, f"{where}.defer_until")) if wait_data else None,
                client_reason=data["client_reason"],
                practitioner_note=data["practitioner_note"],
                sources=tuple(
                    Source(s["citation"], Reliability(s["mark"])) for s in data["sources"]
                ),
                sources_disagree=bool(data["sources_disagree"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RuleSetError(f"{where}: {error}") from error


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise RuleSetError(f"rule set {self.version}: rule ids must be unique")

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "rules": [rule.as_json() for rule in self.rules]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RuleSet":
        return cls(str(data["version"]), tuple(Rule.from_json(r) for r in data["rules"]))


@dataclass(frozen=True)
class FiredRule:
    rule_id: str
    title: str
    outcome: Outcome
    client_reason: str
    practitioner_note: str
    sources: tuple[Source, ...]
    sources_disagree: bool
    defer_until: date | None  # the first day treatment may take place; None if undated


@dataclass(frozen=True)
class Screening:
    """One screening as it will be stored: never edited, only replaced by a new screening."""

    ruleset_version: str
    evaluated_on: date
    answers: Answers
    outcome: Outcome
    fired: tuple[FiredRule, ...]  # most restrictive first, then in rule-set order
    # The latest date of all dated defers, kept under a refer or not-suitable too: once a
    # doctor clears the client, the wait still applies.
    defer_until: date | None

    @property
    def bookable_from(self) -> date | None:
        """The first day online booking may take place, or None while it needs a doctor, a
        change of area or a new screening (a defer "until healed" has no date)."""
        if self.outcome <= Outcome.PRECAUTIONS:
            return self.evaluated_on
        defers = [f for f in self.fired if f.outcome is Outcome.DEFER]
        if self.outcome is Outcome.DEFER and all(f.defer_until for f in defers):
            return self.defer_until
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "ruleset_version": self.ruleset_version,
            "evaluated_on": self.evaluated_on.isoformat(),
            "answers": self.answers.as_json(),
            "outcome": self.outcome.value,
            "defer_until": jsonable(self.defer_until),
            "bookable_from": jsonable(self.bookable_from),
            "fired": jsonable(self.fired),
        }


RULESET = RuleSet.from_json({"version": RULESET_VERSION, "rules": RULES})


def evaluate(answers: Answers, today: date, ruleset: RuleSet = RULESET) -> Screening:
    fired = [
        FiredRule(
            rule_id=rule.id,
            title=rule.title,
            outcome=rule.outcome,
            client_reason=rule.client_reason,
            practitioner_note=rule.practitioner_note,
            sources=rule.sources,
            sources_disagree=rule.sources_disagree,
            defer_until=rule.wait.until(answers) if rule.wait else None,
        )
        for rule in ruleset.rules
        if rule.condition.holds(answers, today)
    ]
    fired.sort(key=lambda f: f.outcome, reverse=True)  # stable: rule-set order within a level
    dates = [f.defer_until for f in fired if f.defer_until]
    return Screening(
        ruleset_version=ruleset.version,
        evaluated_on=today,
        answers=answers,
        outcome=max((f.outcome for f in fired), default=Outcome.PROCEED),
        fired=tuple(fired),
        defer_until=max(dates, default=None),
    )
