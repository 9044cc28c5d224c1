"""FHIR search parameters read without a database: near, dates with prefixes, handling."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.interop import fhir_directory as build
from needlepoint.interop.fhir import FhirError
from needlepoint.interop.fhir_params import (
    MAX_COUNT,
    BadParameter,
    Params,
    parse_date,
    parse_instant,
    parse_near,
    parse_reference,
    strict_handling,
)

UTC = dt.UTC


def test_handling_is_lenient_unless_the_client_asks_for_strict() -> None:
    assert strict_handling("") is False
    assert strict_handling("handling=lenient") is False
    assert strict_handling("handling=strict") is True
    assert strict_handling('return=minimal, handling="strict"') is True
    assert strict_handling("respond-async; handling=strict") is True


def test_near_defaults_to_25_km_and_reads_miles() -> None:
    near = parse_near("53.8|-1.55")
    assert (near.latitude, near.longitude, near.distance_km, near.units) == (53.8, -1.55, 25, "km")
    miles = parse_near("53.8|-1.55|10|mi")
    assert miles.distance_km == pytest.approx(16.09344)
    assert miles.in_units(16.09344) == pytest.approx(10)
    assert parse_near("53.8|-1.55|10|[mi_i]").units == "mi"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "53.8",
        "53.8|x",
        "91|0",
        "0|181",
        "nan|0",
        "0|0|-1|km",
        "0|0|0|km",
        "0|0|201|km",
        "0|0|5|furlongs",
        "0|0|inf|km",
        "1|2|3|km|5",
    ],
)
def test_a_bad_near_is_refused(raw: str) -> None:
    with pytest.raises(BadParameter):
        parse_near(raw)


def test_date_prefixes_bound_the_range_as_fhir_defines_them() -> None:
    noon = dt.datetime(2026, 12, 2, 12, tzinfo=UTC)
    ge, gt = parse_date("ge2026-12-02T12:00:00Z"), parse_date("gt2026-12-02T12:00:00Z")
    le, lt = parse_date("le2026-12-02T12:00:00+00:00"), parse_date("lt2026-12-02T12:00:00Z")
    assert ge.holds(noon)
    assert not gt.holds(noon)
    assert le.holds(noon)
    assert not lt.holds(noon)
    later = noon + dt.timedelta(seconds=1)
    assert gt.holds(later)
    assert not le.holds(later)
    # A date is its whole day (in UTC): gt the day starts the next day.
    day = parse_date("gt2026-12-02")
    assert not day.holds(dt.datetime(2026, 12, 2, 23, 59, tzinfo=UTC))
    assert day.holds(dt.datetime(2026, 12, 3, tzinfo=UTC))
    on = parse_date("2026-12-02")
    assert on.holds(noon)
    assert not on.holds(dt.datetime(2026, 12, 3, tzinfo=UTC))


def test_an_offset_is_kept_not_guessed() -> None:
    first, _ = parse_instant("2026-12-02T09:00:00-05:00")
    assert first == dt.datetime(2026, 12, 2, 14, tzinfo=UTC)
    # "+01:00" sent unencoded in a URL arrives with a space for the plus.
    first, _ = parse_instant("2026-12-02T09:00:00.5 01:00")
    assert first == dt.datetime(2026, 12, 2, 8, 0, 0, 500000, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw", ["2026-12-02T09:00:00", "tomorrow", "2026-13-01", "ge", "gex", "2026-02-30"]
)
def test_a_bad_date_is_refused(raw: str) -> None:
    with pytest.raises(BadParameter):
        parse_date(raw)


def test_references_name_their_type() -> None:
    assert parse_reference("Location/12", ("Location",)) == ("Location", "12")
    assert parse_reference("http://x.test/fhir/R4/Location/12", ("Location",)) == ("Location", "12")
    assert parse_reference("12", ("Location",)) == ("Location", "12")
    with pytest.raises(BadParameter):
        parse_reference("Patient/12", ("Location",))
    with pytest.raises(BadParameter):
        parse_reference("12", ("Location", "Practitioner"))


def test_lenient_ignores_and_strict_refuses_unknown_and_bad_parameters() -> None:
    query = {"colour": ["red"], "_count": ["lots"], "near": ["x"]}
    lenient = Params(query, allowed={"near"}, strict=False)
    assert lenient.count() == 50
    assert lenient.near() is None
    assert set(lenient.ignored) == {"colour", "_count", "near"}
    with pytest.raises(FhirError) as error:
        Params(query, allowed={"near"}, strict=True)
    assert error.value.status == 400
    assert error.value.expression == "colour"
    strict = Params({"_count": ["lots"]}, allowed=set(), strict=True)
    with pytest.raises(FhirError):
        strict.count()
    assert Params({"_count": ["100000"]}, allowed=set(), strict=True).count() == MAX_COUNT


def test_several_date_values_narrow_to_their_intersection() -> None:
    params = Params(
        {"start": ["ge2026-12-01T00:00:00Z", "lt2026-12-03T00:00:00Z", "ge2026-12-02T00:00:00Z"]},
        allowed={"start"},
        strict=True,
    )
    window = params.date_range("start")
    assert window.lower is not None
    assert window.lower.at == dt.datetime(2026, 12, 2, tzinfo=UTC)
    assert window.upper is not None
    assert window.upper.at == dt.datetime(2026, 12, 3, tzinfo=UTC)


@given(
    st.integers(1, 10**17),
    st.integers(1, 10**17),
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
)
def test_slot_ids_read_back_what_they_name(
    practitioner: int, location: int, start: dt.datetime
) -> None:
    start = start.replace(second=0, microsecond=0)
    rid = build.slot_id(practitioner, location, start)
    assert len(rid) <= 64
    assert build.parse_slot_id(rid) == (practitioner, location, start)
    assert build.parse_schedule_id(build.schedule_id(practitioner, location)) == (
        practitioner,
        location,
    )


@pytest.mark.parametrize(
    "raw", ["", "1", "1-", "a-1", "1-2-3", "1-2-20261302000", "1-2-202613020000"]
)
def test_malformed_slot_ids_name_nothing(raw: str) -> None:
    assert build.parse_slot_id(raw) is None


def test_instants_always_carry_an_offset() -> None:
    moment = dt.datetime(2026, 7, 1, 9, tzinfo=UTC)
    assert build.instant(moment, "Europe/London") == "2026-07-01T10:00:00+01:00"
    assert build.instant(moment) == "2026-07-01T09:00:00+00:00"
    with pytest.raises(ValueError, match="no UTC offset"):
        build.instant(dt.datetime(2026, 7, 1, 9))
