"""Search parameters of the FHIR directory read from a query string: pure parsing, no database.

FHIR lets a client choose what happens to a parameter the server cannot use: with
`Prefer: handling=lenient` (the default) it is ignored, with `Prefer: handling=strict` the
search fails with 400 and an OperationOutcome naming it. Both go through `Params`, so every
parameter of every resource is judged the same way."""

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from needlepoint.directory.search import DEFAULT_RADIUS_KM, MAX_RADIUS_KM

from . import fhir_search
from .fhir import FhirError
from .fhir_search import DEFAULT_COUNT, MAX_COUNT

KM_PER_MILE = 1.609344
# Parameters every search accepts whatever the resource: paging, the format the client wants
# (JSON only here) and the cursor of a next page.
ALWAYS_ALLOWED = frozenset({"_count", "_format", "_offset", "_after"})


def strict_handling(prefer: str) -> bool:
    """Whether the Prefer header asks for strict handling (RFC 7240 preferences, FHIR's
    `handling=strict|lenient`)."""
    for part in prefer.split(","):
        for token in part.split(";"):
            name, _, value = token.strip().partition("=")
            if name.strip().lower() == "handling":
                return value.strip().strip('"').lower() == "strict"
    return False


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    distance_km: float
    units: str  # what the client asked in: "km" or "mi"; distances are answered in it

    def in_units(self, km: float) -> float:
        return km / KM_PER_MILE if self.units == "mi" else km


@dataclass(frozen=True)
class Bound:
    """One end of a date range: an instant, and whether it is itself included."""

    at: dt.datetime
    inclusive: bool


@dataclass(frozen=True)
class DateRange:
    lower: Bound | None = None
    upper: Bound | None = None

    def narrowed(self, other: "DateRange") -> "DateRange":
        lower = self.lower
        if other.lower and (lower is None or other.lower.at > lower.at):
            lower = other.lower
        upper = self.upper
        if other.upper and (upper is None or other.upper.at < upper.at):
            upper = other.upper
        return DateRange(lower, upper)

    def holds(self, moment: dt.datetime) -> bool:
        if self.lower and (
            moment < self.lower.at or (moment == self.lower.at and not self.lower.inclusive)
        ):
            return False
        return not (
            self.upper
            and (moment > self.upper.at or (moment == self.upper.at and not self.upper.inclusive))
        )


class BadParameter(ValueError):
    pass


def parse_instant(raw: str) -> tuple[dt.datetime, dt.datetime]:
    """The range a FHIR date or dateTime value covers, [first, last] inclusive: a whole day (or
    month, or year) in UTC for a date, the instant's own precision for a time. The grammar is
    the record search's (`fhir_search.parse_date`), so both halves of the API read dates alike;
    a time without an offset is refused there, as FHIR requires."""
    try:
        bound = fhir_search.parse_date("date", raw)
    except fhir_search.SearchError as error:
        raise BadParameter(error.message) from None
    return bound.low, bound.high - dt.timedelta(microseconds=1)


def parse_date(raw: str) -> DateRange:
    """`[prefix]value` with prefix eq (default), ge, gt, le or lt."""
    try:
        bound = fhir_search.parse_date("date", raw)
    except fhir_search.SearchError as error:
        raise BadParameter(error.message) from None
    first, after = bound.low, bound.high
    match bound.prefix:
        case "ge":
            return DateRange(lower=Bound(first, True))
        case "gt":
            return DateRange(lower=Bound(after, True))
        case "le":
            return DateRange(upper=Bound(after, False))
        case "lt":
            return DateRange(upper=Bound(first, False))
        case "eq":
            return DateRange(Bound(first, True), Bound(after, False))
    raise BadParameter(f"The prefix {bound.prefix!r} is not supported here (eq, ge, gt, le, lt).")


def parse_near(raw: str) -> Near:
    """`lat|lon|distance|units`; distance and units may be left out (25 km)."""
    parts = raw.split("|")
    if not 2 <= len(parts) <= 4:
        raise BadParameter("near must be lat|lon|distance|units, e.g. 53.8|-1.55|10|km.")
    try:
        lat, lon = float(parts[0]), float(parts[1])
        distance = float(parts[2]) if len(parts) > 2 and parts[2] else None
    except ValueError:
        raise BadParameter("near needs numbers: lat|lon|distance|units.") from None
    units = (parts[3] if len(parts) > 3 else "").strip() or "km"
    if units not in {"km", "mi", "[mi_i]"}:
        raise BadParameter("near's units must be km or mi.")
    units = "mi" if units == "[mi_i]" else units
    if not (math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lon) and -180 <= lon <= 180):
        raise BadParameter("near's latitude must be -90 to 90 and longitude -180 to 180.")
    km = DEFAULT_RADIUS_KM if distance is None else distance * (KM_PER_MILE if units == "mi" else 1)
    if not math.isfinite(km) or km <= 0 or km > MAX_RADIUS_KM + 1e-9:
        raise BadParameter(f"near's distance must be more than 0 and at most {MAX_RADIUS_KM:g} km.")
    return Near(lat, lon, min(km, MAX_RADIUS_KM), units)


def parse_reference(raw: str, kinds: Sequence[str]) -> tuple[str, str]:
    """`Kind/id` (a full URL ending so, too) or a bare id for a single allowed kind."""
    text = raw.strip().rstrip("/")
    pieces = text.split("/")
    if len(pieces) >= 2 and pieces[-2] in kinds and pieces[-1]:
        return pieces[-2], pieces[-1]
    if len(pieces) == 1 and len(kinds) == 1 and text:
        return kinds[0], text
    raise BadParameter(f"{raw!r} is not a reference to {' or '.join(kinds)}.")


def parse_count(raw: str) -> int:
    if not raw.strip().isdigit():
        raise BadParameter(f"_count must be a whole number from 0 to {MAX_COUNT}.")
    return min(int(raw), MAX_COUNT)


def parse_id(raw: str) -> int:
    text = raw.strip()
    if not text.isdigit() or len(text) > 18:
        raise BadParameter(f"{raw!r} is not an id here.")
    return int(text)


class Params:
    """A search's parameters with the client's chosen handling of bad ones."""

    def __init__(self, query: Mapping[str, Sequence[str]], *, allowed: set[str], strict: bool):
        self.query = query
        self.strict = strict
        self.ignored: list[str] = []
        for name in query:
            if name not in allowed and name not in ALWAYS_ALLOWED:
                self.bad(name, f"Unknown search parameter {name!r}.")

    def bad(self, name: str, message: str) -> None:
        """Strict: a 400 now. Lenient: noted and the parameter ignored."""
        if self.strict:
            raise FhirError(400, "invalid", message, expression=name)
        self.ignored.append(name)

    def values(self, name: str) -> list[str]:
        return [value for value in self.query.get(name, []) if value != ""]

    def first(self, name: str) -> str | None:
        values = self.values(name)
        return values[0] if values else None

    def date_range(self, name: str) -> DateRange:
        found = DateRange()
        for raw in self.values(name):
            try:
                found = found.narrowed(parse_date(raw))
            except BadParameter as error:
                self.bad(name, str(error))
        return found

    def count(self) -> int:
        raw = self.first("_count")
        if raw is None:
            return DEFAULT_COUNT
        try:
            return parse_count(raw)
        except BadParameter as error:
            self.bad("_count", str(error))
            return DEFAULT_COUNT

    def offset(self) -> int:
        raw = self.first("_offset")
        if raw is None:
            return 0
        if not raw.isdigit() or len(raw) > 9:
            self.bad("_offset", "_offset must be a whole number.")
            return 0
        return int(raw)

    def ids(self, name: str) -> list[int] | None:
        """The ids of a token or bare-id parameter (comma means "any of"), None if absent."""
        raws = [part for value in self.values(name) for part in value.split(",") if part]
        if not raws:
            return None
        found = []
        for raw in raws:
            try:
                found.append(parse_id(raw))
            except BadParameter as error:
                self.bad(name, str(error))
        return found or None  # every value ignored: as if the parameter were absent

    def references(self, name: str, kinds: Sequence[str]) -> list[tuple[str, str]] | None:
        raws = [part for value in self.values(name) for part in value.split(",") if part]
        if not raws:
            return None
        found = []
        for raw in raws:
            try:
                found.append(parse_reference(raw, kinds))
            except BadParameter as error:
                self.bad(name, str(error))
        return found or None

    def near(self) -> Near | None:
        raw = self.first("near")
        if raw is None:
            return None
        try:
            return parse_near(raw)
        except BadParameter as error:
            self.bad("near", str(error))
            return None

    def choice(self, name: str, options: Sequence[str]) -> list[str] | None:
        raws = [part for value in self.values(name) for part in value.split(",") if part]
        if not raws:
            return None
        chosen = []
        for raw in raws:
            if raw in options:
                chosen.append(raw)
            else:
                self.bad(name, f"{name} must be one of: {', '.join(options)}.")
        return chosen or None
