"""The small language rule conditions are written in, and the date arithmetic of waits.

A condition is plain JSON, so a rule set can be stored, versioned, shown and served as is:

    {"answer": "active_acne_in_area", "is": true}
    {"answer": "diabetes", "in": ["not_controlled", "not_sure"]}
    {"answer": "skin_lesions_in_area", "includes_any": ["warts", "raised_moles"]}
    {"date_within": {"answer": "isotretinoin_stopped_on", "months": 6}}
    {"all": [...]}   {"any": [...]}

Parsing checks every condition against the questionnaire, so a rule that names a renamed
question or a choice that no longer exists fails when the rule set is loaded, not when a
client happens to give that answer.
"""

import calendar
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from needlepoint.screening.questions import QUESTIONS_BY_ID, Answers, Kind, Question


class RuleSetError(ValueError):
    """A rule set that cannot be loaded: malformed, or out of step with the questionnaire."""


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the month's end: 31 August plus 6
    months is 28 February, or 29 in a leap year (the calendar convention people expect)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if self.months < 0 or self.days < 0 or not (self.months or self.days):
            raise RuleSetError(f"a period must be positive: {self}")

    def after(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(days=self.days)

    def as_json(self) -> dict[str, int]:
        return {k: v for k, v in (("months", self.months), ("days", self.days)) if v}


class Condition(ABC):
    @abstractmethod
    def holds(self, answers: Answers, today: date) -> bool: ...

    @abstractmethod
    def as_json(self) -> dict[str, Any]: ...

    def walk(self) -> "list[Condition]":
        return [self]


@dataclass(frozen=True)
class AnswerIs(Condition):
    answer: str
    value: bool | str

    def holds(self, answers: Answers, today: date) -> bool:
        given = answers.get(self.answer)
        # bool is an int, and "True == 1": compare types too, so a yes never matches a choice.
        return type(given) is type(self.value) and given == self.value

    def as_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "is": self.value}


@dataclass(frozen=True)
class AnswerIn(Condition):
    answer: str
    values: tuple[str, ...]

    def holds(self, answers: Answers, today: date) -> bool:
        given = answers.get(self.answer)
        return isinstance(given, str) and given in self.values

    def as_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "in": list(self.values)}


@dataclass(frozen=True)
class IncludesAny(Condition):
    answer: str
    values: tuple[str, ...]

    def holds(self, answers: Answers, today: date) -> bool:
        given = answers.get(self.answer)
        return isinstance(given, frozenset) and not given.isdisjoint(self.values)

    def as_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "includes_any": list(self.values)}


@dataclass(frozen=True)
class DateWithin(Condition):
    """The answered date is less than `period` ago: on the day the period ends, the wait is
    over and the condition no longer holds."""

    answer: str
    period: Period

    def holds(self, answers: Answers, today: date) -> bool:
        given = answers.get(self.answer)
        return isinstance(given, date) and today < self.period.after(given)

    def as_json(self) -> dict[str, Any]:
        return {"date_within": {"answer": self.answer, **self.period.as_json()}}


@dataclass(frozen=True)
class AllOf(Condition):
    conditions: tuple[Condition, ...]

    def holds(self, answers: Answers, today: date) -> bool:
        return all(c.holds(answers, today) for c in self.conditions)

    def as_json(self) -> dict[str, Any]:
        return {"all": [c.as_json() for c in self.conditions]}

    def walk(self) -> list[Condition]:
        return [self, *(node for c in self.conditions for node in c.walk())]


@dataclass(frozen=True)
class AnyOf(Condition):
    conditions: tuple[Condition, ...]

    def holds(self, answers: Answers, today: date) -> bool:
        return any(c.holds(answers, today) for c in self.conditions)

    def as_json(self) -> dict[str, Any]:
        return {"any": [c.as_json() for c in self.conditions]}

    def walk(self) -> list[Condition]:
        return [self, *(node for c in self.conditions for node in c.walk())]


def parse_period(data: Mapping[str, Any], where: str) -> tuple[str, Period]:
    """`{"answer": <date question>, "months": n, "days": n}` as (question id, period)."""
    _keys(data, {"answer"}, {"months", "days"}, where)
    question = _question(data["answer"], (Kind.DATE,), where)
    months, days = data.get("months", 0), data.get("days", 0)
    if not (isinstance(months, int) and isinstance(days, int)):
        raise RuleSetError(f"{where}: months and days must be whole numbers")
    return question.id, Period(months, days)


def parse_condition(data: object, where: str = "condition") -> Condition:
    if not isinstance(data, Mapping):
        raise RuleSetError(f"{where}: a condition is a JSON object, not {data!r}")
    if "all" in data or "any" in data:
        key = "all" if "all" in data else "any"
        _keys(data, {key}, set(), where)
        parts = data[key]
        if not isinstance(parts, list) or not parts:
            raise RuleSetError(f"{where}: {key!r} needs a non-empty list of conditions")
        parsed = tuple(parse_condition(p, f"{where}.{key}[{i}]") for i, p in enumerate(parts))
        return AllOf(parsed) if key == "all" else AnyOf(parsed)
    if "date_within" in data:
        _keys(data, {"date_within"}, set(), where)
        return DateWithin(*parse_period(data["date_within"], f"{where}.date_within"))
    for operator, kinds in (
        ("is", (Kind.YES_NO, Kind.CHOICE)),
        ("in", (Kind.CHOICE,)),
        ("includes_any", (Kind.MULTI_CHOICE,)),
    ):
        if operator in data:
            _keys(data, {"answer", operator}, set(), where)
            question = _question(data["answer"], kinds, where)
            value = data[operator]
            if operator == "is":
                _check_value(question, value, where)
                return AnswerIs(question.id, value)
            if not isinstance(value, list) or not value:
                raise RuleSetError(f"{where}: {operator!r} needs a non-empty list of choices")
            for item in value:
                _check_value(question, item, where)
            values = tuple(value)
            return (
                AnswerIn(question.id, values)
                if operator == "in"
                else IncludesAny(question.id, values)
            )
    raise RuleSetError(f"{where}: unknown condition {dict(data)!r}")


def _keys(data: Mapping[str, Any], required: set[str], optional: set[str], where: str) -> None:
    keys = set(data)
    if not required <= keys or not keys <= required | optional:
        raise RuleSetError(f"{where}: expected keys {sorted(required | optional)}, not {keys}")


def _question(question_id: object, kinds: tuple[Kind, ...], where: str) -> Question:
    question = QUESTIONS_BY_ID.get(str(question_id))
    if question is None:
        raise RuleSetError(f"{where}: no question {question_id!r}")
    if question.kind not in kinds:
        raise RuleSetError(f"{where}: {question.id!r} is a {question.kind} question")
    return question


def _check_value(question: Question, value: object, where: str) -> None:
    if question.kind is Kind.YES_NO:
        if not isinstance(value, bool):
            raise RuleSetError(f"{where}: {question.id!r} is answered true or false")
    elif value not in {c.value for c in question.choices}:
        raise RuleSetError(f"{where}: {value!r} is not a choice of {question.id!r}")
