"""Named reads of scheduling: the rules a practitioner works by, busy time, free slots, and the
access function every appointment page and endpoint goes through."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.directory.models import Location, Practitioner, Service

from . import slots
from .models import (
    DEFAULT_POLICY,
    Appointment,
    BookingPolicy,
    Course,
    DayOverride,
    Message,
    TimeOff,
    WorkingHours,
)

SESSION_MINUTES = 30


@dataclass(frozen=True)
class Slot:
    """A free slot at one of the practitioner's locations."""

    start: dt.datetime
    end: dt.datetime
    location: Location

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(ZoneInfo(self.location.timezone))


def policy_for(clinic_id: int) -> BookingPolicy:
    return BookingPolicy.objects.filter(clinic_id=clinic_id).first() or DEFAULT_POLICY


def session_service(clinic_id: int) -> Service | None:
    """The clinic's standard 30-minute micro-needling session (the cheapest if several)."""
    return (
        Service.objects.filter(
            clinic_id=clinic_id, is_active=True, duration_minutes=SESSION_MINUTES
        )
        .order_by("price", "pk")
        .first()
    )


def bookable_practitioner(practitioner_id: int) -> Practitioner:
    """A practitioner the public may book today: listable (active, verified credential valid
    today, active clinic). Anyone else is unknown here."""
    practitioner = (
        Practitioner.objects.listable(timezone.localdate())
        .select_related("clinic")
        .filter(pk=practitioner_id)
        .first()
    )
    if practitioner is None:
        raise Http404("No bookable practitioner with that id.")
    return practitioner


def rules_by_location(
    practitioners: Iterable[Practitioner],
) -> dict[int, list[tuple[Location, slots.Rules]]]:
    """For each practitioner, the slot rules of every active location they have hours at.
    Three queries for any number of practitioners."""
    practitioners = list(practitioners)
    ids = [p.pk for p in practitioners]
    weekly: dict[tuple[int, int], list[slots.WeeklyHours]] = defaultdict(list)
    for row in WorkingHours.objects.filter(practitioner_id__in=ids, location__is_active=True):
        weekly[(row.practitioner_id, row.location_id)].append(
            slots.WeeklyHours(row.weekday, row.start, row.end)
        )
    overrides: dict[tuple[int, int], dict[dt.date, list[tuple[dt.time, dt.time]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for o in DayOverride.objects.filter(practitioner_id__in=ids, date__gte=timezone.localdate()):
        day = overrides[(o.practitioner_id, o.location_id)][o.date]
        if o.start is not None and o.end is not None:
            day.append((o.start, o.end))
    locations = Location.objects.in_bulk({location_id for _, location_id in weekly})
    policies = {
        p.clinic_id: p
        for p in BookingPolicy.objects.filter(clinic_id__in={x.clinic_id for x in practitioners})
    }
    result: dict[int, list[tuple[Location, slots.Rules]]] = defaultdict(list)
    for (practitioner_id, location_id), hours in weekly.items():
        location = locations[location_id]
        policy = policies.get(location.clinic_id, DEFAULT_POLICY)
        result[practitioner_id].append(
            (
                location,
                slots.Rules(
                    zone=ZoneInfo(location.timezone),
                    weekly=tuple(hours),
                    overrides={
                        day: tuple(ranges)
                        for day, ranges in overrides[(practitioner_id, location_id)].items()
                    },
                    duration=dt.timedelta(minutes=SESSION_MINUTES),
                    step=dt.timedelta(minutes=SESSION_MINUTES),
                    buffer=dt.timedelta(minutes=policy.buffer_minutes),
                    min_notice=dt.timedelta(minutes=policy.min_notice_minutes),
                    horizon=dt.timedelta(days=policy.horizon_days),
                ),
            )
        )
    return result


def busy_intervals(
    practitioner_ids: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    excluding: Iterable[int] = (),
) -> dict[int, list[slots.Interval]]:
    """Booked appointments and time off of each practitioner meeting [start, end), padded by a
    day so buffers at the edges count. `excluding` leaves out appointments being moved."""
    ids = list(practitioner_ids)
    pad = dt.timedelta(days=1)
    busy: dict[int, list[slots.Interval]] = defaultdict(list)
    appointments = Appointment.objects.booked().filter(
        practitioner_id__in=ids, start__lt=end + pad, blocked_until__gt=start - pad
    )
    if excluding:
        appointments = appointments.exclude(pk__in=list(excluding))
    for pid, a_start, a_end in appointments.values_list("practitioner_id", "start", "end"):
        busy[pid].append((a_start, a_end))
    for pid, t_start, t_end in TimeOff.objects.filter(
        practitioner_id__in=ids, start__lt=end + pad, end__gt=start - pad
    ).values_list("practitioner_id", "start", "end"):
        busy[pid].append((t_start, t_end))
    return busy


def free_slots(
    practitioner: Practitioner, start: dt.datetime, end: dt.datetime, *, now: dt.datetime
) -> list[Slot]:
    """Every free 30-minute slot of the practitioner in [start, end), at any of their
    locations, sorted."""
    rules = rules_by_location([practitioner]).get(practitioner.pk, [])
    busy = busy_intervals([practitioner.pk], start, end).get(practitioner.pk, [])
    found = [
        Slot(s, e, location)
        for location, rule in rules
        for s, e in slots.free_slots(rule, busy=busy, now=now, start=start, end=end)
    ]
    return sorted(found, key=lambda slot: slot.start)


def next_free_slots(
    practitioners: Iterable[Practitioner],
    *,
    now: dt.datetime,
    days: int,
    count: int,
    rules: dict[int, list[tuple[Location, slots.Rules]]] | None = None,
) -> dict[int, list[Slot]]:
    """The first `count` free slots of each practitioner within `days` from now. A fixed number
    of queries for the whole batch (fewer when their `rules_by_location` are given); the
    interval arithmetic is per practitioner."""
    practitioners = list(practitioners)
    end = now + dt.timedelta(days=days)
    rules = rules if rules is not None else rules_by_location(practitioners)
    busy = busy_intervals([p.pk for p in practitioners], now, end)
    answer: dict[int, list[Slot]] = {}
    for practitioner in practitioners:
        found = [
            Slot(s, e, location)
            for location, rule in rules.get(practitioner.pk, [])
            for s, e in slots.next_free(
                rule, busy=busy.get(practitioner.pk, []), now=now, count=count, search_days=days
            )
        ]
        answer[practitioner.pk] = sorted(found, key=lambda slot: slot.start)[:count]
    return answer


def appointment_for(user: User, appointment_id: int) -> Appointment:
    """An appointment `user` may see: their own as a client, their own as the practitioner, or
    any at a clinic they manage. Everyone else gets 404, not 403."""
    if not user.is_authenticated:
        raise Http404("No such appointment.")
    visible = Q(client_id=user.pk) | Q(practitioner__user_id=user.pk)
    visible |= Q(practitioner__clinic_id__in=member_clinic_ids(user, roles=("manager",)))
    appointment = (
        Appointment.objects.select_related("practitioner", "location", "service", "client")
        .filter(visible, pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    return appointment


def appointments_of_client(user: User) -> list[Appointment]:
    return list(
        Appointment.objects.filter(client_id=user.pk)
        .select_related("practitioner", "location", "service", "course")
        .order_by("start")
    )


# --- Reads for the booking pages -----------------------------------------------------------

# Course gaps are counted in calendar days, so the window of a later session is widened by the
# hour a clock change can add or take away; services checks course spacing with the same slack.
COURSE_SLACK = dt.timedelta(hours=1)


@dataclass(frozen=True)
class SlotDay:
    """The free slots of one local day."""

    day: dt.date
    slots: list[Slot]


@dataclass(frozen=True)
class PlannedSession:
    """A later session of a course being booked: the slot chosen for it and the free slots
    its window allows (what the client may pick instead)."""

    number: int
    chosen: Slot | None
    options: list[Slot]


@dataclass(frozen=True)
class Booking:
    """What the client booked in one go: one appointment, or every session of a course."""

    course: Course | None
    sessions: list[Appointment]


@dataclass(frozen=True)
class PractitionerDay:
    """One practitioner's column in a location's day: their appointments and free slots
    there."""

    practitioner: Practitioner
    appointments: list[Appointment]
    free: list[Slot]


def practitioner_zone(practitioner: Practitioner) -> str:
    """The zone a practitioner's days are counted in: that of their first location."""
    location = practitioner.locations.order_by("pk").first()
    return location.timezone if location is not None else "UTC"


def local_day_bounds(day: dt.date, zone: str, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight of `day`, local midnight `days` later) as aware datetimes; a DST day
    is 23 or 25 hours long."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(), tzinfo=tz)
    return start, end


def free_slots_by_day(
    practitioner: Practitioner, first_day: dt.date, days: int, *, zone: str, now: dt.datetime
) -> list[SlotDay]:
    """The free slots of `days` local days from `first_day`, every day listed, even empty."""
    start, end = local_day_bounds(first_day, zone, days)
    by_day: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in free_slots(practitioner, start, end, now=now):
        by_day[slot.start.astimezone(ZoneInfo(zone)).date()].append(slot)
    return [
        SlotDay(day, by_day[day]) for day in (first_day + dt.timedelta(days=n) for n in range(days))
    ]


def slot_at(practitioner: Practitioner, start: dt.datetime, *, now: dt.datetime) -> Slot | None:
    """The free slot starting exactly at `start`, or None if that time cannot be booked."""
    found = free_slots(practitioner, start, start + dt.timedelta(minutes=SESSION_MINUTES), now=now)
    return next((slot for slot in found if slot.start == start), None)


def slots_near(
    practitioner: Practitioner, near: dt.datetime, *, now: dt.datetime, count: int = 5
) -> list[Slot]:
    """The first free slots from a little before `near`: what to offer when it is gone."""
    start = max(now, near - dt.timedelta(hours=12))
    return free_slots(practitioner, start, start + dt.timedelta(days=14), now=now)[:count]


def plan_course(
    practitioner: Practitioner,
    first_start: dt.datetime,
    *,
    sessions: int,
    min_gap_days: int,
    max_gap_days: int,
    now: dt.datetime,
    chosen: dict[int, dt.datetime] | None = None,
) -> list[PlannedSession]:
    """Sessions 2…`sessions` of a course starting at `first_start`. Each lies in
    [previous + min gap − 1 h, previous + max gap + 1 h]; it is the client's pick from
    `chosen` (by session number) while that is still free there, else the first free slot at
    the first session's local time of day, else the first free slot. The plan stops at a
    window with no free slot (that session's `chosen` is None)."""
    chosen = chosen or {}
    plan: list[PlannedSession] = []
    # In UTC: Python adds days to a datetime in a ZoneInfo zone by the wall clock, which
    # across a clock change would shift the window by the hour the slack already allows.
    previous = first_start.astimezone(dt.UTC)
    for number in range(2, sessions + 1):
        options = free_slots(
            practitioner,
            previous + dt.timedelta(days=min_gap_days) - COURSE_SLACK,
            # free_slots excludes its end; the gap's upper bound is inclusive.
            previous + dt.timedelta(days=max_gap_days) + COURSE_SLACK + slots.TICK,
            now=now,
        )
        wanted = chosen.get(number)
        same_time = [
            slot
            for slot in options
            if slot.local_start.time() == first_start.astimezone(slot.local_start.tzinfo).time()
        ]
        pick = next((slot for slot in options if slot.start == wanted), None)
        pick = pick or next(iter(same_time or options), None)
        plan.append(PlannedSession(number, pick, options))
        if pick is None:
            break
        previous = pick.start
    return plan


def propose_course_starts(
    practitioner: Practitioner,
    first_start: dt.datetime,
    *,
    sessions: int,
    min_gap_days: int,
    max_gap_days: int,
    now: dt.datetime,
) -> list[Slot]:
    """The proposed slots of sessions 2…`sessions` (fewer if a window has no free slot)."""
    plan = plan_course(
        practitioner,
        first_start,
        sessions=sessions,
        min_gap_days=min_gap_days,
        max_gap_days=max_gap_days,
        now=now,
    )
    return [session.chosen for session in plan if session.chosen is not None]


def course_for(user: User, course_id: int) -> Course:
    """A course `user` may see: their own as a client, their own as the practitioner, or any
    at a clinic they manage. Everyone else gets 404, not 403."""
    if not user.is_authenticated:
        raise Http404("No such course.")
    visible = Q(client_id=user.pk)
    visible |= Q(practitioner__user_id=user.pk)
    visible |= Q(practitioner__clinic_id__in=member_clinic_ids(user, roles=("manager",)))
    course = Course.objects.select_related("practitioner").filter(visible, pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    return course


def sessions_of_course(course: Course) -> list[Appointment]:
    return list(
        course.appointments.select_related(
            "practitioner", "location", "service", "course"
        ).order_by("sequence", "start")
    )


def client_bookings(user: User, *, now: dt.datetime) -> tuple[list[Booking], list[Booking]]:
    """The client's bookings, a course's sessions together: upcoming (a booked session still
    to end), soonest first; and past or cancelled, latest first."""
    singles: list[Booking] = []
    by_course: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in appointments_of_client(user):
        if appointment.course is None:
            singles.append(Booking(None, [appointment]))
        else:
            by_course[appointment.course.pk].append(appointment)
    bookings = singles + [Booking(group[0].course, group) for group in by_course.values()]
    upcoming: list[Booking] = []
    past: list[Booking] = []
    for booking in bookings:
        ahead = [a.start for a in booking.sessions if a.is_active and a.end > now]
        (upcoming if ahead else past).append(booking)
    upcoming.sort(key=lambda b: min(a.start for a in b.sessions if a.is_active and a.end > now))
    past.sort(key=lambda b: max(a.start for a in b.sessions), reverse=True)
    return upcoming, past


def messages_of_client(user: User, *, limit: int = 50) -> list[Message]:
    return list(
        Message.objects.filter(client_id=user.pk).select_related("appointment__location")[:limit]
    )


def practitioner_of(user: User) -> Practitioner:
    """The practitioner profile of a signed-in user; 404 for anyone who has none."""
    if not user.is_authenticated:
        raise Http404("Not a practitioner.")
    practitioner = Practitioner.objects.select_related("clinic").filter(user_id=user.pk).first()
    if practitioner is None:
        raise Http404("Not a practitioner.")
    return practitioner


def appointments_of_practitioner(
    practitioner: Practitioner, start: dt.datetime, end: dt.datetime
) -> list[Appointment]:
    """Every appointment (any status) of the practitioner starting in [start, end)."""
    return list(
        Appointment.objects.filter(practitioner=practitioner, start__gte=start, start__lt=end)
        .select_related("client", "location", "course")
        .order_by("start", "pk")
    )


def managed_locations(user: User) -> list[Location]:
    """The locations of every clinic `user` manages."""
    if not user.is_authenticated:
        return []
    return list(
        Location.objects.filter(clinic_id__in=member_clinic_ids(user, roles=("manager",)))
        .select_related("clinic")
        .order_by("clinic__name", "name", "pk")
    )


def managed_location(user: User, location_id: int) -> Location:
    """A location whose day `user` may see: managers of its clinic only; 404 for everyone
    else, its practitioners included."""
    if not user.is_authenticated:
        raise Http404("No such location.")
    managed = member_clinic_ids(user, roles=("manager",))
    location = (
        Location.objects.select_related("clinic")
        .filter(pk=location_id, clinic_id__in=managed)
        .first()
    )
    if location is None:
        raise Http404("No such location.")
    return location


def location_day(location: Location, day: dt.date, *, now: dt.datetime) -> list[PractitionerDay]:
    """For each active practitioner working at the location (listed there or with hours
    there), their appointments and free slots there on the local `day`."""
    start, end = local_day_bounds(day, location.timezone)
    practitioners = (
        Practitioner.objects.filter(is_active=True, clinic_id=location.clinic_id)
        .filter(Q(locations=location) | Q(working_hours__location=location))
        .distinct()
        .order_by("full_name", "pk")
    )
    booked: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in (
        Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
        .select_related("client", "course")
        .order_by("start", "pk")
    ):
        booked[appointment.practitioner_id].append(appointment)
    return [
        PractitionerDay(
            practitioner,
            booked[practitioner.pk],
            [s for s in free_slots(practitioner, start, end, now=now) if s.location == location],
        )
        for practitioner in practitioners
    ]


def clinic_desk(user: User) -> tuple[Practitioner | None, list[Location]]:
    """What the clinic pages offer `user`: their practitioner profile (for their calendar) and
    the locations they manage; 404 for users with neither."""
    practitioner = (
        Practitioner.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    )
    locations = managed_locations(user)
    if practitioner is None and not locations:
        raise Http404("No clinic pages for this account.")
    return practitioner, locations
