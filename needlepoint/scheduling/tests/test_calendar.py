"""The .ics files: wall time and zone survive a round trip, and a move updates, not duplicates."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from needlepoint.scheduling.calendar import SessionEvent, appointment_uid, build_calendar


def session(zone: str, day: dt.date, *, uid: int = 7, sequence: int = 0) -> SessionEvent:
    # Given in UTC on purpose: the file must still carry the clinic's own wall time.
    start = dt.datetime.combine(day, dt.time(10, 30), tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
    return SessionEvent(
        uid=appointment_uid(uid),
        start=start,
        end=start + dt.timedelta(minutes=30),
        timezone=zone,
        summary="Micro-needling session with Dr Ada Lovelace",
        location="Clinic rooms, 1 High Street, Leeds, LS1 1AA",
        description="Booked through Needlepoint.",
        sequence=sequence,
    )


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


@pytest.mark.parametrize(
    ("zone", "day", "utc_offset"),
    [
        ("Europe/London", dt.date(2026, 12, 8), dt.timedelta(0)),  # GMT
        ("Europe/London", dt.date(2026, 7, 14), dt.timedelta(hours=1)),  # BST
        ("America/New_York", dt.date(2026, 12, 8), dt.timedelta(hours=-5)),
    ],
)
def test_it_keeps_the_clinics_wall_time_and_zone(
    zone: str, day: dt.date, utc_offset: dt.timedelta
) -> None:
    parsed = parse(build_calendar([session(zone, day)]))

    (event,) = parsed.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == zone
    start = event.decoded("DTSTART")
    assert (start.date(), start.time()) == (day, dt.time(10, 30))
    assert start.utcoffset() == utc_offset
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=30)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == [zone]
    assert b"DTSTART;TZID=" + zone.encode() + b":" + f"{day:%Y%m%d}".encode() + b"T103000" in (
        parsed.to_ical()
    )


def test_it_writes_the_fields_a_calendar_needs() -> None:
    parsed = parse(build_calendar([session("Europe/London", dt.date(2026, 12, 8))]))

    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == "appointment-7@needlepoint"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Clinic rooms, 1 High Street, Leeds, LS1 1AA"
    assert str(event["SUMMARY"]).startswith("Micro-needling session")
    assert str(event["DESCRIPTION"]) == "Booked through Needlepoint."
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(parsed["METHOD"]) == "PUBLISH"


def test_a_move_keeps_the_uid_and_raises_the_sequence() -> None:
    booked = session("Europe/London", dt.date(2026, 12, 8))
    moved = dataclasses.replace(
        booked, start=booked.start + dt.timedelta(days=1), end=booked.end + dt.timedelta(days=1)
    )
    moved = dataclasses.replace(moved, sequence=booked.sequence + 1)

    before = parse(build_calendar([booked])).walk("VEVENT")[0]
    after = parse(build_calendar([moved])).walk("VEVENT")[0]

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert after.decoded("DTSTART").date() == dt.date(2026, 12, 9)


def test_a_cancelled_session_says_so() -> None:
    cancelled = dataclasses.replace(
        session("Europe/London", dt.date(2026, 12, 8)), sequence=1, cancelled=True
    )

    event = parse(build_calendar([cancelled])).walk("VEVENT")[0]

    assert str(event["STATUS"]) == "CANCELLED"


def test_a_course_is_one_calendar_with_an_event_per_session_and_each_zone_once() -> None:
    days = [dt.date(2026, 10, 6), dt.date(2026, 11, 3), dt.date(2026, 12, 1)]  # across BST→GMT
    events = [session("Europe/London", day, uid=10 + n) for n, day in enumerate(days)]

    parsed = parse(build_calendar(events))

    vevents = parsed.walk("VEVENT")
    assert [str(e["UID"]) for e in vevents] == [
        f"appointment-{10 + n}@needlepoint" for n in range(3)
    ]
    assert {e.decoded("DTSTART").time() for e in vevents} == {dt.time(10, 30)}
    assert len(parsed.walk("VTIMEZONE")) == 1


def test_it_refuses_naive_times_and_empty_calendars() -> None:
    naive = dataclasses.replace(
        session("Europe/London", dt.date(2026, 12, 8)), start=dt.datetime(2026, 12, 8, 10, 30)
    )
    with pytest.raises(ValueError, match="aware"):
        build_calendar([naive])
    with pytest.raises(ValueError, match="at least one"):
        build_calendar([])
