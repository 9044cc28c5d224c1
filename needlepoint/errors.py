"""The one error shape every API answer uses: {"error": {"code", "message", "field"}}."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class ApiError(Exception):
    """Raised by services and selectors for bad input or a conflict; the API turns it into a 4xx
    with the contract's body and the page shows `message` next to `field`."""

    status: int
    code: str
    message: str
    field: str | None = None
    extra: dict[str, Any] | None = None  # e.g. fresh alternatives beside a 409

    def body(self) -> dict[str, Any]:
        return {**error_body(self.code, self.message, self.field), **(self.extra or {})}


def error_body(
    code: str, message: str, field: str | None = None
) -> dict[str, dict[str, str | None]]:
    return {"error": {"code": code, "message": message, "field": field}}


def message_of(problem: Mapping[str, Any]) -> str:
    """A person-readable message for one pydantic problem: our validators' own text where they
    raised one, pydantic's otherwise."""
    context_error = (problem.get("ctx") or {}).get("error")
    return str(context_error) if context_error else str(problem.get("msg", "Invalid input."))
