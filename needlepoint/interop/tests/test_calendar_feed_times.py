"""A feed's events keep the clinic's wall time across a clock change, parse with icalendar, and
are the very events of the per-appointment .ics (same UID), cancelled ones marked so."""

import datetime as dt

import pytest
from django.test import Client
from icalendar import Calendar

from needlepoint.interop.models import CalendarFeed
from needlepoint.scheduling.calendar import appointment_uid
from needlepoint.scheduling.models import Appointment

from .calendar_factories import (
    LONDON,
    events_by_uid,
    feed_path,
    fetch,
    named_client,
    practitioner_user,
    session,
    weekly_course_across_the_clock_change,
)

pytestmark = pytest.mark.django_db

APPOINTMENTS = CalendarFeed.Kind.APPOINTMENTS
SESSIONS = CalendarFeed.Kind.SESSIONS


@pytest.mark.parametrize("kind", [APPOINTMENTS, SESSIONS])
def test_ten_oclock_stays_ten_oclock_local_while_the_utc_hour_changes(kind: str) -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada@example.test", "Ada Lovelace")
    course = weekly_course_across_the_clock_change(practitioner, client)
    owner = practitioner.user if kind == APPOINTMENTS else client

    calendar = fetch(feed_path(owner, kind))

    events = events_by_uid(calendar)
    assert sorted(events) == sorted(appointment_uid(a.pk) for a in course)
    starts = [events[appointment_uid(a.pk)].decoded("DTSTART") for a in course]
    for start, appointment in zip(starts, course, strict=True):
        assert start.tzinfo is not None
        assert str(events[appointment_uid(appointment.pk)]["DTSTART"].params["TZID"]) == (
            "Europe/London"
        )
        assert (start.date(), start.time()) == (
            appointment.start.astimezone(LONDON).date(),
            dt.time(10),
        )
        assert start == appointment.start  # the same instant, whatever the zone says
    utc_hours = [start.astimezone(dt.UTC).hour for start in starts]
    assert utc_hours[0] != utc_hours[1] == utc_hours[2]  # the clocks changed in between
    assert sorted(utc_hours) in ([9, 9, 10], [9, 10, 10])  # GMT 10:00 = 10 UTC, BST = 9 UTC
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/London"]
    raw = calendar.to_ical()
    for appointment in course:
        local = appointment.start.astimezone(LONDON)
        assert f"DTSTART;TZID=Europe/London:{local:%Y%m%d}T100000".encode() in raw


def test_the_feeds_event_is_the_event_of_the_downloaded_ics() -> None:
    """Same UID and SEQUENCE, so a calendar that imported the single .ics and subscribes to
    the feed holds one event, not two."""
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada@example.test", "Ada Lovelace")
    appointment = session(
        practitioner,
        client,
        dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time(11), LONDON),
    )
    browser = Client()
    browser.force_login(client)
    single = Calendar.from_ical(browser.get(f"/appointments/{appointment.pk}.ics").content)

    (downloaded,) = single.walk("VEVENT")
    (subscribed,) = fetch(feed_path(client, SESSIONS)).walk("VEVENT")
    assert str(subscribed["UID"]) == str(downloaded["UID"]) == appointment_uid(appointment.pk)
    assert subscribed.decoded("DTSTART") == downloaded.decoded("DTSTART")
    assert int(subscribed["SEQUENCE"]) == int(downloaded["SEQUENCE"])


def test_a_cancelled_session_is_in_the_feed_as_cancelled() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada@example.test", "Ada Lovelace")
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=5), dt.time(14), LONDON)
    kept = session(practitioner, client, start)
    cancelled = session(
        practitioner, client, start + dt.timedelta(hours=1), status=Appointment.Status.CANCELLED
    )

    for owner, kind in ((practitioner.user, APPOINTMENTS), (client, SESSIONS)):
        events = events_by_uid(fetch(feed_path(owner, kind)))
        assert str(events[appointment_uid(kept.pk)]["STATUS"]) == "CONFIRMED"
        assert str(events[appointment_uid(cancelled.pk)]["STATUS"]) == "CANCELLED"


def test_the_feed_covers_some_weeks_back_and_the_booking_horizon_ahead() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada@example.test", "Ada Lovelace")
    today = dt.datetime.now(LONDON).date()

    def on(days: int) -> Appointment:
        return session(
            practitioner,
            client,
            dt.datetime.combine(today + dt.timedelta(days=days), dt.time(10), LONDON),
        )

    too_old, recent, far_ahead, beyond = on(-60), on(-20), on(360), on(370)

    uids = set(events_by_uid(fetch(feed_path(practitioner.user, APPOINTMENTS))))
    assert appointment_uid(recent.pk) in uids
    assert appointment_uid(far_ahead.pk) in uids  # the longest horizon a clinic may set
    assert appointment_uid(too_old.pk) not in uids
    assert appointment_uid(beyond.pk) not in uids


def test_a_feed_with_nothing_booked_is_a_valid_empty_calendar() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")

    calendar = fetch(feed_path(practitioner.user, APPOINTMENTS))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Needlepoint: my appointments"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
