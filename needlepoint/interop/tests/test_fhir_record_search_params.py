"""The record searches' parameters, read without a database: date prefixes and precision,
the patient reference, unknown parameters refused, `_count`."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.interop.fhir_search import (
    MAX_COUNT,
    SearchError,
    moment_of,
    parse_date,
    parse_patient,
    parse_query,
)

UTC = dt.UTC
NOON = dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def test_a_day_covers_the_whole_utc_day() -> None:
    day = parse_date("_lastUpdated", "2026-03-15")
    assert day.matches(NOON)
    assert day.matches(dt.datetime(2026, 3, 15, tzinfo=UTC))
    assert not day.matches(dt.datetime(2026, 3, 16, tzinfo=UTC))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ge2026-03-15", True),
        ("gt2026-03-15", False),  # after the whole day
        ("gt2026-03-14", True),
        ("le2026-03-15", True),
        ("lt2026-03-15", False),  # before the day starts
        ("lt2026-03-16", True),
        ("ne2026-03-15", False),
        ("eq2026-03", True),
        ("2026", True),
        ("2025", False),
        ("ge2026-03-15T12:00:00Z", True),
        ("gt2026-03-15T12:00:00Z", False),
        ("gt2026-03-15T11:59:59Z", True),
        ("lt2026-03-15T13:00:00+01:00", False),  # 12:00 UTC is not before 12:00 UTC
        ("le2026-03-15T13:00+01:00", True),
        ("ge2026-03-15T13:00:00 01:00", True),  # an unencoded '+' arrives as a space
    ],
)
def test_prefixes_compare_as_fhir_says(raw: str, expected: bool) -> None:
    assert parse_date("_lastUpdated", raw).matches(NOON) is expected


def test_a_month_ends_where_the_next_begins() -> None:
    december = parse_date("date", "2026-12")
    assert december.high == dt.datetime(2027, 1, 1, tzinfo=UTC)
    assert december.matches(dt.datetime(2026, 12, 31, 23, 59, tzinfo=UTC))


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "yesterday",
        "2026-13-01",
        "2026-02-30",
        "sa2026-01-01",  # a prefix for ranges: not for instants
        "xx2026-01-01",
        "2026-01-01T10:00:00",  # a time without its offset
        "2026-01-01T25:00:00Z",
        "2026-01-01T10:00:00+15:00",
        "2026-1-1",
    ],
)
def test_a_bad_date_is_refused(raw: str) -> None:
    with pytest.raises(SearchError) as refused:
        parse_date("_lastUpdated", raw)
    assert refused.value.parameter == "_lastUpdated"


def test_nothing_matches_a_missing_moment() -> None:
    assert parse_date("date", "ne2026-01-01").matches(None) is False


@given(st.datetimes(timezones=st.just(UTC)), st.datetimes(timezones=st.just(UTC)))
def test_ge_and_lt_split_every_moment(bound: dt.datetime, moment: dt.datetime) -> None:
    text = bound.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    ge = parse_date("_lastUpdated", "ge" + text)
    lt = parse_date("_lastUpdated", "lt" + text)
    assert ge.matches(moment) != lt.matches(moment)


def test_patient_is_an_id_or_a_reference() -> None:
    assert parse_patient("12") == 12
    assert parse_patient("Patient/12") == 12
    for raw in ("", "Patient/", "Practitioner/12", "12abc", "-1", "9" * 19):
        with pytest.raises(SearchError):
            parse_patient(raw)


def test_an_unknown_parameter_is_refused_not_ignored() -> None:
    with pytest.raises(SearchError) as refused:
        parse_query({"patient": ["1"], "code": ["x"]})
    assert refused.value.parameter == "code"
    with pytest.raises(SearchError):
        parse_query({"date": ["2026"]})  # only where the type has a date
    with pytest.raises(SearchError):
        parse_query({"patient": ["1", "2"]})


def test_a_query_reads_tokens_dates_and_count() -> None:
    query = parse_query(
        {
            "patient": ["Patient/7"],
            "status": ["booked,fulfilled"],
            "_lastUpdated": ["ge2026-01-01", "lt2027-01-01"],
            "date": ["2026-03"],
            "_count": ["100000"],
            "_format": ["json"],
        },
        tokens=("status",),
        has_date=True,
    )
    assert query.patient_id == 7
    assert query.tokens == {"status": frozenset({"booked", "fulfilled"})}
    assert len(query.last_updated) == 2
    assert len(query.dates) == 1
    assert query.count == MAX_COUNT
    with pytest.raises(SearchError):
        parse_query({"_count": ["-1"]})


def test_written_moments_read_back() -> None:
    assert moment_of("2026-03-15T12:00:00+00:00") == NOON
    assert moment_of("2026-03-15T12:00:00Z") == NOON
    assert moment_of(None) is None
