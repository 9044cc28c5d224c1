"""Search parameters of the client's record, parsed into plain values and matched in plain
Python: dates with FHIR's prefixes (`_lastUpdated=ge2026-01-01`, `date=lt2026-12-01T10:00:00Z`),
the patient reference, tokens and `_count`. No database: a client's record is small, so the
views load it through the access function and filter here, where the rules are easy to test.
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
_DATE = re.compile(
    r"^(?P<prefix>[a-z]{2})?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2}))?)?)?$"
)
DEFAULT_COUNT = 50
MAX_COUNT = 500


class SearchError(ValueError):
    """A search parameter that cannot be read: the view answers 400 with an OperationOutcome
    naming the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class DateBound:
    """One date search value: the range [low, high) its precision covers, and the prefix that
    says how a resource's moment must stand to it (FHIR R4 §3.1.1.5.5)."""

    prefix: str
    low: dt.datetime
    high: dt.datetime

    def matches(self, moment: dt.datetime | None) -> bool:
        if moment is None:
            return False  # a resource without the value never matches a bound on it
        match self.prefix:
            case "eq":
                return self.low <= moment < self.high
            case "ne":
                return not self.low <= moment < self.high
            case "gt":
                return moment >= self.high
            case "lt":
                return moment < self.low
            case "ge":
                return moment >= self.low
            case _:  # "le"
                return moment < self.high


def _month_after(year: int, month: int) -> dt.datetime:
    return dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)


def parse_date(parameter: str, raw: str) -> DateBound:
    """A date search value. A date without a time is a UTC day (month, year); a time must have
    its offset, as FHIR requires. A '+' of an offset that arrived unencoded reads as a space,
    so a space there is taken for '+'."""
    text = raw.strip().replace(" ", "+")
    found = _DATE.match(text)
    if found is None:
        raise SearchError(parameter, f"{raw!r} is not a FHIR date (e.g. ge2026-01-31).")
    prefix = found["prefix"] or "eq"
    if prefix not in PREFIXES:
        raise SearchError(parameter, f"The prefix {prefix!r} is not supported here.")
    try:
        year = int(found["year"])
        if found["month"] is None:
            low = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
            return DateBound(prefix, low, low.replace(year=year + 1))
        month = int(found["month"])
        if found["day"] is None:
            low = dt.datetime(year, month, 1, tzinfo=dt.UTC)
            return DateBound(prefix, low, _month_after(year, month))
        day = dt.datetime(year, month, int(found["day"]), tzinfo=dt.UTC)
        if found["hour"] is None:
            return DateBound(prefix, day, day + dt.timedelta(days=1))
        zone = dt.UTC if found["zone"] == "Z" else _offset(found["zone"])
        second = found["second"]
        moment = dt.datetime(
            year,
            month,
            int(found["day"]),
            int(found["hour"]),
            int(found["minute"]),
            int(second or 0),
            int((found["fraction"] or "0").ljust(6, "0")[:6]),
            tzinfo=zone,
        )
    except (ValueError, OverflowError):
        raise SearchError(parameter, f"{raw!r} is not a real date.") from None
    step = dt.timedelta(seconds=1) if second is not None else dt.timedelta(minutes=1)
    if found["fraction"]:
        step = dt.timedelta(microseconds=1)
    return DateBound(prefix, moment, moment + step)


def _offset(text: str) -> dt.timezone:
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59:
        raise ValueError(text)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def parse_patient(raw: str) -> int:
    """`patient=12` or `patient=Patient/12`; an id past any row is a 404 later, not an error."""
    value = raw.strip().removeprefix("Patient/")
    if not value.isdigit() or len(value) > 18:
        raise SearchError("patient", f"{raw!r} is not a patient id (Patient/<id>).")
    return int(value)


def parse_count(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_COUNT
    if not raw.isdigit():
        raise SearchError("_count", "_count must be a whole number.")
    return min(int(raw), MAX_COUNT)


def parse_offset(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isdigit() or len(raw) > 9:
        raise SearchError("_offset", "_offset must be a whole number.")
    return int(raw)


@dataclass(frozen=True)
class Query:
    """A search of one resource type of one patient."""

    patient_id: int | None
    last_updated: tuple[DateBound, ...]
    dates: tuple[DateBound, ...]
    tokens: Mapping[str, frozenset[str]]  # e.g. status -> {"booked", "fulfilled"}
    count: int
    offset: int


def parse_query(
    params: Mapping[str, Sequence[str]],
    *,
    tokens: Sequence[str] = (),
    has_date: bool = False,
    patient_param: str = "patient",
) -> Query:
    """The search's parameters; any other one is an error, not silently ignored, so a client
    never mistakes an unfiltered answer for a filtered one. `_format` is accepted (JSON is the
    only format)."""
    known = {patient_param, "_lastUpdated", "_count", "_offset", "_format", *tokens}
    if has_date:
        known.add("date")
    for name in sorted(params):
        if name not in known:
            raise SearchError(name, f"The search parameter {name!r} is not supported here.")
    patients = params.get(patient_param, [])
    if len(patients) > 1:
        raise SearchError(patient_param, f"Give {patient_param} once.")
    patient_id = parse_patient(patients[0]) if patients else None
    values: dict[str, frozenset[str]] = {}
    for name in tokens:
        given = [v for raw in params.get(name, []) for v in raw.split(",") if v.strip()]
        if given:
            values[name] = frozenset(v.strip() for v in given)
    return Query(
        patient_id=patient_id,
        last_updated=tuple(parse_date("_lastUpdated", v) for v in params.get("_lastUpdated", [])),
        dates=tuple(parse_date("date", v) for v in params.get("date", [])),
        tokens=values,
        count=parse_count(_last(params, "_count")),
        offset=parse_offset(_last(params, "_offset")),
    )


def _last(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def moment_of(text: str | None) -> dt.datetime | None:
    """A FHIR instant or dateTime written by the builders, back as an aware datetime."""
    if not text:
        return None
    if len(text) == 10:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def all_match(bounds: Sequence[DateBound], moment: dt.datetime | None) -> bool:
    """Several values of one date parameter are all required (AND), as FHIR says."""
    return all(bound.matches(moment) for bound in bounds)
