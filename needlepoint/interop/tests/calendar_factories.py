"""Builders for the calendar feed tests: a practitioner who signs in, clients, sessions at
given local times (a weekly course across the next clock change), and reading a feed back."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client
from icalendar import Calendar

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.directory.models import Practitioner, Service
from needlepoint.interop import calendar_services
from needlepoint.scheduling.models import Appointment, Course
from needlepoint.scheduling.tests.factories import bookable, client_user

LONDON = ZoneInfo("Europe/London")
PASSWORD = "a long passphrase"


def practitioner_user(email: str, *, name: str, lat: float = 53.80) -> Practitioner:
    """A bookable practitioner in Europe/London whose profile a user signs in to."""
    practitioner = bookable(name=name, lat=lat)
    user = User.objects.create_user(email, PASSWORD, role=Role.PRACTITIONER, full_name=name)
    Membership.objects.create(user=user, clinic=practitioner.clinic, role=Role.PRACTITIONER)
    practitioner.user = user
    practitioner.save(update_fields=["user"])
    return practitioner


def named_client(email: str, full_name: str) -> User:
    user = client_user(email)
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def next_clock_change(zone: ZoneInfo, after: dt.date) -> dt.date:
    """The first local date after `after` whose noon has another UTC offset than the noon
    before it: the day after a clock change (Europe/London: the last Sunday of March or
    October, so this is that Sunday)."""
    day = after + dt.timedelta(days=1)
    noon = dt.time(12)
    while (
        dt.datetime.combine(day, noon, zone).utcoffset()
        == dt.datetime.combine(day - dt.timedelta(days=1), noon, zone).utcoffset()
    ):
        day += dt.timedelta(days=1)
    return day


def session(
    practitioner: Practitioner,
    client: User,
    start: dt.datetime,
    *,
    course: Course | None = None,
    sequence: int = 1,
    status: str = Appointment.Status.BOOKED,
) -> Appointment:
    """A booked session at a local time, written as the booking services would leave it."""
    end = start + dt.timedelta(minutes=30)
    return Appointment.objects.create(
        client=client,
        practitioner=practitioner,
        location=practitioner.locations.get(),
        service=Service.objects.get(clinic=practitioner.clinic),
        course=course,
        sequence=sequence,
        start=start,
        end=end,
        blocked_until=end,
        status=status,
    )


def weekly_course_across_the_clock_change(
    practitioner: Practitioner, client: User, *, at: dt.time = dt.time(10)
) -> list[Appointment]:
    """Three sessions a week apart at the same local time: the week before the next clock
    change, then the two weeks after it."""
    today = dt.datetime.now(LONDON).date()
    change = next_clock_change(LONDON, today + dt.timedelta(days=7))
    days = [
        change - dt.timedelta(days=6),
        change + dt.timedelta(days=1),
        change + dt.timedelta(days=8),
    ]
    course = Course.objects.create(
        client=client, practitioner=practitioner, sessions=3, min_gap_days=7, max_gap_days=14
    )
    return [
        session(
            practitioner,
            client,
            dt.datetime.combine(day, at, tzinfo=LONDON),
            course=course,
            sequence=n,
        )
        for n, day in enumerate(days, start=1)
    ]


def feed_path(owner: User, kind: str) -> str:
    return f"/calendar/{calendar_services.issue_feed(owner=owner, kind=kind)}.ics"


def fetch(path: str) -> Calendar:
    """The feed at `path`, fetched with no session (as a calendar app does), parsed."""
    response = Client().get(path)
    assert response.status_code == 200, response.content
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}
