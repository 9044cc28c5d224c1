"""Where each piece of clinical content comes from, and how far it can be trusted."""

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from enum import Enum, StrEnum
from typing import Any


class Reliability(StrEnum):
    """The marks of CLINICAL-FACTS.md, plus two for what the facts sheet could not cite."""

    PR = "PR"  # peer-reviewed
    REG = "REG"  # regulator / public health
    IFU = "IFU"  # manufacturer's instructions for use
    LOW = "LOW"  # clinic or trade page, product brief, expert opinion
    # The facts sheet states it but names no primary source: shown, always as uncertain.
    UNCITED = "uncited"
    # The sources reviewed for the facts sheet give no figure: the cell says so instead of
    # guessing, and is always uncertain.
    NOT_FOUND = "not found"


WEAK_MARKS = frozenset({Reliability.UNCITED, Reliability.NOT_FOUND})


@dataclass(frozen=True)
class Source:
    citation: str
    mark: Reliability

    def __post_init__(self) -> None:
        if not self.citation.strip():
            raise ValueError("a source needs a citation")


@dataclass(frozen=True)
class Cell:
    """One sourced statement shown to people: a comparison cell, a plan figure, a reason."""

    text: str
    sources: tuple[Source, ...]
    # True where the facts sheet marks the figure ⚠, or nothing better than an uncited
    # statement or a gap stands behind it; the page shows such a cell as uncertain.
    uncertain: bool = False

    def __post_init__(self) -> None:
        if not self.text.strip() or not self.sources:
            raise ValueError(f"a cell needs text and at least one source: {self.text!r}")
        if not self.uncertain and all(s.mark in WEAK_MARKS for s in self.sources):
            raise ValueError(f"a cell backed by no citation must be uncertain: {self.text!r}")


def not_found(what: str, section: str) -> Cell:
    """A gap in the evidence, said plainly rather than filled with a guess."""
    return Cell(
        f"No figure found for {what}.",
        (
            Source(
                f"CLINICAL-FACTS.md {section}: not found in the sources reviewed",
                Reliability.NOT_FOUND,
            ),
        ),
        uncertain=True,
    )


def jsonable(value: Any) -> Any:
    """Dataclasses, enums, dates and collections as plain JSON values (sets sorted, so stored
    JSON is stable and two equal objects serialise identically)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    return value
