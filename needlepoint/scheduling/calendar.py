"""iCalendar (RFC 5545) files for booked sessions: pure, from plain data, no database.

Each session is one VEVENT whose UID never changes, so that a calendar which already holds it
updates it in place when a later file (a move, a cancellation) carries a higher SEQUENCE."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration
from icalendar.enums import STATUS

PRODID = "-//Needlepoint//Booking notifications//EN"
FEED_PRODID = "-//Needlepoint//Calendar feed//EN"


def appointment_uid(appointment_id: int) -> str:
    return f"appointment-{appointment_id}@needlepoint"


@dataclass(frozen=True)
class SessionEvent:
    """One session as a calendar sees it. `start` and `end` are aware datetimes in any zone;
    they are written as wall time in `timezone` (IANA) so a calendar shows the clinic's time."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    summary: str
    location: str
    description: str
    sequence: int = 0
    cancelled: bool = False


def build_calendar(events: Sequence[SessionEvent], *, stamp: dt.datetime | None = None) -> bytes:
    """One VCALENDAR holding every event, with a VTIMEZONE for each zone used.

    METHOD:PUBLISH rather than REQUEST: Needlepoint sends the client a copy of their booking,
    not a meeting invitation to answer, and REQUEST would oblige ORGANIZER and ATTENDEE."""
    if not events:
        raise ValueError("A calendar file needs at least one event.")
    stamp = stamp or dt.datetime.now(dt.UTC)
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH")
    _add_events(calendar, events, stamp)
    return calendar.to_ical()


def build_feed(
    events: Sequence[SessionEvent],
    *,
    name: str,
    uid: str,
    stamp: dt.datetime,
    refresh: dt.timedelta = dt.timedelta(hours=1),
) -> bytes:
    """A subscribed calendar (a feed URL): like `build_calendar`, but it may be empty (a
    practitioner with nothing booked yet), carries a name for the calendar app's list
    (NAME and X-WR-CALNAME) and says how often to fetch it again (REFRESH-INTERVAL, and
    X-PUBLISHED-TTL for the apps that read only that). The same events give the same bytes
    (`uid` and `stamp` are the caller's), so an ETag of the body means something."""
    calendar = Calendar.new(
        prodid=FEED_PRODID, method="PUBLISH", name=name, uid=uid, refresh_interval=refresh
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires it
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    _add_events(calendar, events, stamp)
    return calendar.to_ical()


def _add_events(calendar: Calendar, events: Sequence[SessionEvent], stamp: dt.datetime) -> None:
    """Each event as a VEVENT in its clinic's wall time, then a VTIMEZONE per zone used."""
    for event in events:
        if event.start.tzinfo is None or event.end.tzinfo is None:
            raise ValueError("Session times must be aware datetimes.")
        zone = ZoneInfo(event.timezone)
        calendar.add_component(
            Event.new(
                uid=event.uid,
                stamp=stamp.astimezone(dt.UTC),
                start=event.start.astimezone(zone),
                end=event.end.astimezone(zone),
                summary=event.summary,
                location=event.location,
                description=event.description,
                sequence=event.sequence,
                status=STATUS.CANCELLED if event.cancelled else STATUS.CONFIRMED,
            )
        )
    if not events:
        return
    # The library's default span (1970–2038) would write decades of transitions into every
    # e-mail; a year either side of the sessions is all a calendar needs to place them.
    first = min(event.start for event in events).date() - dt.timedelta(days=366)
    last = max(event.end for event in events).date() + dt.timedelta(days=366)
    calendar.add_missing_timezones(first_date=first, last_date=last)
