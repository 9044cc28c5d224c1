"""Named reads of the calendar feeds: the feed a link opens, a user's feeds, which kinds a user
may have, and the events a feed holds."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.urls import reverse

from needlepoint.accounts.models import Role, User
from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import calendar, notifications
from needlepoint.scheduling.models import Appointment, Message

from . import calendar_feed
from .models import CalendarFeed

Kind = CalendarFeed.Kind
NAMES: dict[str, str] = {Kind.APPOINTMENTS: "my appointments", Kind.SESSIONS: "my sessions"}


def feed_for_token(raw: str) -> CalendarFeed | None:
    """The live feed a link's token opens, or None: unknown, revoked, or its owner's account
    closed. The link is the only credential, so nothing else is asked."""
    return (
        CalendarFeed.objects.select_related("owner")
        .filter(digest=CalendarFeed.digest_of(raw), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )


def kinds_for(user: User) -> list[str]:
    """The feeds `user` may have: their appointments if they have a practitioner profile;
    their sessions if they are a client, or anyone else who has booked a session."""
    kinds = []
    if Practitioner.objects.filter(user_id=user.pk).exists():
        kinds.append(Kind.APPOINTMENTS.value)
    if user.role == Role.CLIENT or Appointment.objects.filter(client_id=user.pk).exists():
        kinds.append(Kind.SESSIONS.value)
    return kinds


def live_feeds(user: User) -> dict[str, CalendarFeed]:
    """The user's live feed of each kind that has one."""
    return {
        feed.kind: feed
        for feed in CalendarFeed.objects.filter(owner_id=user.pk, revoked_at__isnull=True)
    }


def feed_calendar(feed: CalendarFeed, *, now: dt.datetime) -> bytes:
    """The feed's VCALENDAR: its owner's sessions from some weeks back to the end of the
    booking horizon (calendar_feed.window), cancelled ones marked CANCELLED so that calendars
    drop them. UIDs and SEQUENCE numbers are those of the e-mailed and downloaded .ics files,
    so an event imported from one of those and the feed's event are one event."""
    start, end = calendar_feed.window(now)
    appointments = list(
        Appointment.objects.filter(start__gte=start, start__lt=end)
        .filter(**_owned(feed))
        .select_related("client", "practitioner", "location", "service", "course")
        .order_by("start", "pk")
    )
    changes = notifications.sequences(appointments)
    convert = _practitioner_event if feed.kind == Kind.APPOINTMENTS else _client_event
    events = [convert(a, changes.get(a.pk, 0)) for a in appointments]
    name = f"Needlepoint: {NAMES[feed.kind]}"
    return calendar.build_feed(
        events,
        name=name,
        uid=f"feed-{feed.pk}@needlepoint",
        stamp=_last_change(feed, appointments),
        refresh=calendar_feed.REFRESH,
    )


def _owned(feed: CalendarFeed) -> dict[str, object]:
    if feed.kind == Kind.APPOINTMENTS:
        # A practitioner profile taken from its user empties the feed rather than showing
        # another's appointments: the filter goes through the profile's user, never an id kept.
        return {"practitioner__user_id": feed.owner_id}
    return {"client_id": feed.owner_id}


def _last_change(feed: CalendarFeed, appointments: list[Appointment]) -> dt.datetime:
    """DTSTAMP: the latest booking, cancellation or move among the events, so that the same
    events give the same bytes (and ETag) from one poll to the next."""
    moments = [feed.created_at]
    for appointment in appointments:
        moments.append(appointment.created_at)
        if appointment.cancelled_at is not None:
            moments.append(appointment.cancelled_at)
    moved = Message.objects.filter(
        appointment__in=appointments, kind__in=notifications.CHANGES
    ).aggregate(last=Max("created_at"))["last"]
    if moved is not None:
        moments.append(moved)
    return max(moments)


def _practitioner_event(appointment: Appointment, sequence: int) -> calendar.SessionEvent:
    """What a practitioner's calendar shows: the client's first name only, the service and
    the place. Never screening answers, concerns, notes or contact details: the feed is read
    by calendar servers outside the platform."""
    client = first_name(appointment.client)
    local_day = appointment.start.astimezone(ZoneInfo(appointment.location.timezone)).date()
    day_url = reverse("scheduling:calendar") + f"?view=day&date={local_day.isoformat()}"
    return calendar.SessionEvent(
        uid=calendar.appointment_uid(appointment.pk),
        start=appointment.start,
        end=appointment.end,
        timezone=appointment.location.timezone,
        summary=f"{appointment.service.name}: {client}",
        location=notifications.place(appointment.location),
        description=f"{_course_part(appointment)}Your day: {notifications.link(day_url)}",
        sequence=sequence,
        cancelled=appointment.status == Appointment.Status.CANCELLED,
    )


def _client_event(appointment: Appointment, sequence: int) -> calendar.SessionEvent:
    """What a client's calendar shows: as in their .ics, with links to the booking and to
    the aftercare advice that arrives in their messages after each session."""
    booking = notifications.link(reverse("scheduling:appointment", args=[appointment.pk]))
    aftercare = notifications.link(reverse("scheduling:my-appointments") + "#messages-heading")
    event = notifications.session_event(
        appointment,
        sequence=sequence,
        cancelled=appointment.status == Appointment.Status.CANCELLED,
        more=f"\nYour booking: {booking}\nAftercare advice: {aftercare}",
    )
    course = _course_part(appointment)
    return dataclasses.replace(event, description=course + event.description) if course else event


def first_name(client: User) -> str:
    return calendar_feed.first_name(client.full_name)


def _course_part(appointment: Appointment) -> str:
    course = appointment.course
    if course is None:
        return ""
    return f"Session {appointment.sequence} of {course.sessions}. "
