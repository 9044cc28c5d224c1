"""Screening API: answers in, the outcome with every reason and its source out; the questions
and the rule set with its version, for anyone to read."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from needlepoint.accounts.api import BearerToken
from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import user_for_token
from needlepoint.directory.api import ErrorOut
from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.errors import ApiError

from . import options, questions, rules, selectors, services
from .choices import FITZPATRICK_TYPES
from .sources import jsonable
from .wording import NOT_A_DIAGNOSIS

router = Router(tags=["screening"])


class ScreeningIn(Schema):
    answers: dict[str, Any]


class ScreeningOut(Schema):
    id: int | None
    stored: bool
    ruleset_version: str
    evaluated_on: dt.date
    outcome: str
    defer_until: dt.date | None
    bookable_from: dt.date | None
    fired: list[dict[str, Any]]
    answers: dict[str, Any]
    statement: str = NOT_A_DIAGNOSIS


def caller(request: HttpRequest) -> User | None:
    """The bearer token's user, or None: anyone may screen, only clients' screenings are kept."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_token(header[7:].strip())
    return None


def screening_out(result: dict[str, Any], record_id: int | None) -> ScreeningOut:
    return ScreeningOut(id=record_id, stored=record_id is not None, **result)


@router.post(
    "/screenings",
    response={200: ScreeningOut, 201: ScreeningOut, 401: ErrorOut, 422: ErrorOut},
    summary="Screen answers: the outcome with every reason and source (kept for signed-in clients)",
)
def create_screening(request: HttpRequest, payload: ScreeningIn) -> Status:
    client = caller(request)
    if request.headers.get("Authorization") and client is None:
        raise ApiError(401, "unauthenticated", "That bearer token is not valid.")
    screening, record = services.screen(client=client, raw_answers=payload.answers)
    out = screening_out(screening.as_json(), record.pk if record else None)
    return Status(201 if record else 200, out)


@router.get(
    "/screenings/{screening_id}",
    response={200: ScreeningOut, 404: ErrorOut},
    auth=BearerToken(),
    summary="One of my stored screenings, as it was evaluated",
)
def screening_detail(request: HttpRequest, screening_id: int) -> ScreeningOut:
    record = selectors.screening_for(request.auth, screening_id)  # type: ignore[attr-defined]
    return screening_out(record.result, record.pk)


@router.get("/screening/rules", summary="The rule set in force, with its version and sources")
def ruleset(request: HttpRequest) -> dict[str, Any]:
    return rules.RULESET.as_json()


@router.get("/screening/questions", summary="The questionnaire: topics, questions, help texts")
def questionnaire(request: HttpRequest) -> dict[str, Any]:
    return {"topics": jsonable(questions.TOPICS), "questions": jsonable(questions.QUESTIONS)}


class ComparisonQuery(Schema):
    concern: Literal[CONCERN_SLUGS]  # type: ignore[valid-type]
    skin_type: Literal[tuple(c.value for c in FITZPATRICK_TYPES)]  # type: ignore[valid-type]
    market: str = "US"


@router.get(
    "/screening/options",
    response={200: dict[str, Any], 422: ErrorOut},
    summary="Micro-needling and the alternatives for a concern and skin type, every cell sourced",
)
def compare_options(request: HttpRequest, params: Query[ComparisonQuery]) -> dict[str, Any]:
    comparison = options.compare(params.concern, params.skin_type, params.market)
    return {**jsonable(comparison), "statement": NOT_A_DIAGNOSIS}
