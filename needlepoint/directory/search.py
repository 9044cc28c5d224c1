"""The near-me search query: one definition that the API and the search page both validate with.

No database here: the query is parsed, checked and turned into a centre point; selectors.py
does the reading."""

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from needlepoint.errors import ApiError, message_of

from . import gazetteer
from .concerns import CONCERN_SLUGS

DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 200.0
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_AVAILABLE_WITHIN_DAYS = 60
SORTS = ("distance", "soonest")

ConcernSlug = Literal[CONCERN_SLUGS]  # type: ignore[valid-type]

# What a person reads next to the field when its value cannot be used.
FIELD_MESSAGES = {
    "near": "Type a town or a postcode (up to 200 characters).",
    "lat": "Latitude must be a number from -90 to 90.",
    "lon": "Longitude must be a number from -180 to 180.",
    "radius_km": f"The radius must be more than 0 and at most {MAX_RADIUS_KM:g} km.",
    "concern": "Choose one of: " + ", ".join(CONCERN_SLUGS) + ".",
    "max_price": "The maximum price must be a number of 0 or more.",
    "limit": f"The number of results must be a whole number from 1 to {MAX_LIMIT}.",
    "available_within_days": (
        f"“Free within” must be a whole number of days from 1 to {MAX_AVAILABLE_WITHIN_DAYS}."
    ),
    "sort": "Sort by distance or by soonest free slot.",
}


def _whole_number(value: Any, field: str, low: int, high: int, default: int | None) -> Any:
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(FIELD_MESSAGES[field])
    return int(text)


def _finite_number(value: Any, field: str, low: float, high: float, *, open_low: bool) -> Any:
    """Accepts numbers and numeric text; rejects NaN, infinities, text and out-of-range values
    with the field's own message (pydantic's generic ones name no unit or range)."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(FIELD_MESSAGES[field]) from None
    below = number <= low if open_low else number < low
    if not math.isfinite(number) or below or number > high:
        raise ValueError(FIELD_MESSAGES[field])
    return number


class SearchQuery(BaseModel):
    """Find verified micro-needling practitioners near a place or a point."""

    model_config = ConfigDict(extra="ignore")

    near: Annotated[
        str | None,
        Field(
            max_length=200,
            description="A town or US ZIP code, e.g. `Leeds`, `Austin, TX`, `Lyon, France`",
        ),
    ] = None
    lat: Annotated[
        float | None, Field(ge=-90, le=90, description="Latitude of the point, with `lon`")
    ] = None
    lon: Annotated[
        float | None, Field(ge=-180, le=180, description="Longitude of the point, with `lat`")
    ] = None
    radius_km: Annotated[
        float, Field(gt=0, le=MAX_RADIUS_KM, description="Search radius in km")
    ] = DEFAULT_RADIUS_KM
    concern: Annotated[
        ConcernSlug | None, Field(description="Only practitioners who treat this concern")
    ] = None
    max_price: Annotated[
        float | None, Field(ge=0, description="Highest price of a session, in the local currency")
    ] = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="How many results at most")] = (
        DEFAULT_LIMIT
    )
    available_within_days: Annotated[
        int | None,
        Field(
            ge=1,
            le=MAX_AVAILABLE_WITHIN_DAYS,
            description="Only practitioners with a free 30-minute slot within this many days",
        ),
    ] = None
    sort: Annotated[
        Literal["distance", "soonest"],
        Field(description="`distance` (nearest first) or `soonest` (earliest free slot first)"),
    ] = "distance"

    @field_validator("near", "concern", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("lat", mode="before")
    @classmethod
    def _lat(cls, value: Any) -> Any:
        return _finite_number(value, "lat", -90, 90, open_low=False)

    @field_validator("lon", mode="before")
    @classmethod
    def _lon(cls, value: Any) -> Any:
        return _finite_number(value, "lon", -180, 180, open_low=False)

    @field_validator("radius_km", mode="before")
    @classmethod
    def _radius(cls, value: Any) -> Any:
        number = _finite_number(value, "radius_km", 0, MAX_RADIUS_KM, open_low=True)
        return DEFAULT_RADIUS_KM if number is None else number

    @field_validator("max_price", mode="before")
    @classmethod
    def _max_price(cls, value: Any) -> Any:
        return _finite_number(value, "max_price", 0, 1e12, open_low=False)

    @field_validator("limit", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> Any:
        return _whole_number(value, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT)

    @field_validator("available_within_days", mode="before")
    @classmethod
    def _within(cls, value: Any) -> Any:
        return _whole_number(value, "available_within_days", 1, MAX_AVAILABLE_WITHIN_DAYS, None)

    @field_validator("sort", mode="before")
    @classmethod
    def _sort(cls, value: Any) -> Any:
        return "distance" if value is None or value == "" else value


@dataclass(frozen=True)
class Centre:
    """Where a search is centred, and how to name it back to the person."""

    latitude: float
    longitude: float
    label: str


def resolve_centre(query: SearchQuery) -> Centre:
    """The point to search around: a typed place or coordinates, never both."""
    has_point = query.lat is not None or query.lon is not None
    if query.near is not None and has_point:
        raise ApiError(
            422, "ambiguous_location", "Give either a place or lat and lon, not both.", "near"
        )
    if query.near is not None:
        try:
            place = gazetteer.resolve(query.near)
        except gazetteer.UnknownPlace as error:
            raise ApiError(422, "unknown_place", str(error), "near") from None
        return Centre(place.latitude, place.longitude, place.name)
    if query.lat is None:
        raise ApiError(
            422,
            "missing_location",
            "Say where: a town, a postcode, or lat and lon.",
            "near" if query.lon is None else "lat",
        )
    if query.lon is None:
        raise ApiError(422, "missing_location", "Longitude is needed with latitude.", "lon")
    return Centre(query.lat, query.lon, f"{query.lat:.4f}, {query.lon:.4f}")


def first_error(error: ValidationError) -> ApiError:
    """The first problem of a failed validation, as the contract's error naming its field."""
    problem = error.errors()[0]
    field = next((str(part) for part in reversed(problem["loc"]) if isinstance(part, str)), None)
    message = FIELD_MESSAGES.get(field or "") if problem["type"] != "value_error" else None
    return ApiError(422, "invalid", message or message_of(problem), field)


def parse(params: dict[str, Any]) -> tuple[SearchQuery, Centre]:
    """Validates raw parameters (from a page's GET) into a query and its centre, or raises
    ApiError naming the field."""
    try:
        query = SearchQuery.model_validate(params)
    except ValidationError as error:
        raise first_error(error) from None
    return query, resolve_centre(query)
