"""clearance.decide: what a screening's outcome, age and overrides mean for booking online."""

import datetime as dt

import pytest

from needlepoint.screening.clearance import Facts, Verdict, decide
from needlepoint.screening.rules import Outcome

TODAY = dt.date(2026, 11, 25)


def facts(
    outcome: Outcome,
    *,
    days_old: int = 0,
    bookable_from: dt.date | None = None,
    override_id: int | None = None,
) -> Facts:
    evaluated_on = TODAY - dt.timedelta(days=days_old)
    if bookable_from is None and outcome <= Outcome.PRECAUTIONS:
        bookable_from = evaluated_on
    return Facts(1, outcome, evaluated_on, bookable_from, override_id)


def test_no_screening_asks_for_one() -> None:
    clearance = decide(None, valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.NO_SCREENING
    assert not clearance.allows_booking
    assert not clearance.allows(TODAY)


@pytest.mark.parametrize("outcome", [Outcome.PROCEED, Outcome.PRECAUTIONS])
def test_proceed_and_precautions_allow_booking_any_day(outcome: Outcome) -> None:
    clearance = decide(facts(outcome), valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.CLEARED
    assert clearance.allows(TODAY)
    assert clearance.allows(TODAY + dt.timedelta(days=300))


@pytest.mark.parametrize(("days_old", "verdict"), [(30, Verdict.CLEARED), (31, Verdict.EXPIRED)])
def test_a_screening_counts_for_the_clinics_number_of_days(days_old: int, verdict) -> None:
    clearance = decide(facts(Outcome.PROCEED, days_old=days_old), valid_days=30, today=TODAY)
    assert clearance.verdict is verdict
    assert clearance.valid_until == TODAY - dt.timedelta(days=days_old - 30)


def test_a_clinic_may_ask_for_a_fresher_screening() -> None:
    clearance = decide(facts(Outcome.PROCEED, days_old=8), valid_days=7, today=TODAY)
    assert clearance.verdict is Verdict.EXPIRED
    assert "last 7 days" in clearance.message


def test_an_expired_screening_is_not_saved_by_an_override() -> None:
    old = facts(Outcome.REFER, days_old=40, override_id=5)
    assert decide(old, valid_days=30, today=TODAY).verdict is Verdict.EXPIRED


def test_a_dated_defer_allows_sessions_from_its_date_only() -> None:
    until = TODAY + dt.timedelta(days=20)
    clearance = decide(facts(Outcome.DEFER, bookable_from=until), valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.WAIT_UNTIL
    assert clearance.allows_booking
    assert not clearance.allows(until - dt.timedelta(days=1))
    assert clearance.allows(until)
    assert "15 December 2026" in clearance.message


def test_a_defer_whose_date_has_come_is_cleared() -> None:
    clearance = decide(facts(Outcome.DEFER, bookable_from=TODAY), valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.CLEARED


def test_an_undated_defer_blocks_until_screened_again() -> None:
    clearance = decide(facts(Outcome.DEFER), valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.WAIT_UNTIL_HEALED
    assert not clearance.allows(TODAY + dt.timedelta(days=365))


@pytest.mark.parametrize(
    ("outcome", "verdict"),
    [(Outcome.REFER, Verdict.REFER), (Outcome.NOT_SUITABLE_IN_AREA, Verdict.NOT_SUITABLE)],
)
def test_refer_and_not_suitable_block_online_booking(outcome: Outcome, verdict) -> None:
    clearance = decide(facts(outcome), valid_days=30, today=TODAY)
    assert clearance.verdict is verdict
    assert not clearance.allows_booking
    assert "doctor" in clearance.message or "another area" in clearance.message


@pytest.mark.parametrize("outcome", [Outcome.DEFER, Outcome.REFER, Outcome.NOT_SUITABLE_IN_AREA])
def test_a_practitioners_override_clears_a_blocking_screening(outcome: Outcome) -> None:
    clearance = decide(facts(outcome, override_id=9), valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.OVERRIDDEN
    assert clearance.override_id == 9
    assert clearance.allows(TODAY)


def test_an_override_is_not_recorded_against_a_screening_that_needed_none() -> None:
    clearance = decide(facts(Outcome.PROCEED, override_id=9), valid_days=30, today=TODAY)
    assert clearance.verdict is Verdict.CLEARED
    assert clearance.override_id is None
