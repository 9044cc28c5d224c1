"""Booking writes: one session or a whole course, cancel, move, and the waitlist.

Each write is one transaction. On SQLite the transaction begins IMMEDIATE, so the free-slot
check and the insert cannot interleave with another booking; on PostgreSQL two bookings may
both pass the check, and the exclusion constraint refuses the later insert, which we answer
exactly like a failed check: 409 with fresh alternatives."""

import datetime as dt
import itertools
from collections.abc import Sequence
from functools import partial
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.directory.models import Concern, Location, Practitioner, Service
from needlepoint.errors import ApiError
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.clearance import Clearance
from needlepoint.screening.models import ScreeningRecord

from . import notifications, selectors, slots
from .models import Appointment, Course, WaitlistEntry

# Micro-needling courses are spaced about four weeks apart (CLINICAL-FACTS.md §3: acne scars
# median 4 weeks, rejuvenation 30 days, stretch marks and melasma monthly); 4–6 weeks lets a
# client fit sessions around their life. Screening will set per-concern defaults.
DEFAULT_MIN_GAP_DAYS = 28
DEFAULT_MAX_GAP_DAYS = 42
MAX_SESSIONS = 12
# Gaps are counted in days on the calendar, allowing the hour a clock change moves them.
CLOCK_CHANGE = selectors.COURSE_SLACK
EXCLUSION_CONSTRAINT = "appointment_no_double_booking"

PROBLEM_MESSAGES = {
    "naive_time": "Give the time with its UTC offset, e.g. 2026-12-08T10:30:00+00:00.",
    "in_the_past": "That time has already passed.",
    "too_soon": "That is too soon: this clinic needs more notice.",
    "beyond_horizon": "That is further ahead than this clinic takes bookings.",
    "off_grid": "Sessions start on the half hour (:00 or :30, local time).",
    "outside_hours": "The practitioner does not work at that time.",
    "taken": "Someone has just booked that time. Here are the nearest free times instead.",
}


def _as_slot(slot: selectors.Slot) -> dict[str, object]:
    return {
        "start": slot.start.astimezone(slot.local_start.tzinfo).isoformat(),
        "end": slot.end.astimezone(slot.local_start.tzinfo).isoformat(),
        "location_id": slot.location.pk,
        "timezone": slot.location.timezone,
    }


def alternatives(
    practitioner: Practitioner, near: dt.datetime, *, now: dt.datetime
) -> list[dict[str, object]]:
    """The five free slots nearest after `near` (from now on), fresh from the database."""
    return [_as_slot(slot) for slot in selectors.slots_near(practitioner, near, now=now)]


def slot_taken(
    practitioner: Practitioner, start: dt.datetime, now: dt.datetime, field: str
) -> ApiError:
    return ApiError(
        409,
        "slot_taken",
        PROBLEM_MESSAGES["taken"],
        field,
        extra={"alternatives": alternatives(practitioner, start, now=now)},
    )


def _check_and_place(
    practitioner: Practitioner,
    start: dt.datetime,
    *,
    now: dt.datetime,
    field: str,
    excluding: Sequence[int] = (),
) -> tuple[Location, dt.datetime, dt.datetime]:
    """The location, end and blocked-until of a session starting at `start`, or the reason it
    cannot be booked. Caller holds the transaction (the IMMEDIATE write lock on SQLite)."""
    if start.tzinfo is None:
        raise ApiError(422, "naive_time", PROBLEM_MESSAGES["naive_time"], field)
    window = (start - dt.timedelta(days=1), start + dt.timedelta(days=1))
    busy_by_practitioner = selectors.busy_intervals([practitioner.pk], *window, excluding=excluding)
    busy = busy_by_practitioner.get(practitioner.pk, [])
    problems = []
    for location, rules in selectors.rules_by_location([practitioner]).get(practitioner.pk, []):
        problem = slots.slot_problem(rules, busy=busy, now=now, slot_start=start)
        if problem is None:
            end = start + rules.duration
            return location, end, end + rules.buffer
        problems.append(problem)
    if "taken" in problems:
        raise slot_taken(practitioner, start, now, field)
    code = problems[0] if problems else "outside_hours"
    raise ApiError(422, code, PROBLEM_MESSAGES[code], field)


def clearance_for(client: User, practitioner: Practitioner, *, now: dt.datetime) -> Clearance:
    """What the client's screening says about booking online with this practitioner's clinic
    (its age limit, and "today", in the clinic's terms)."""
    policy = selectors.policy_for(practitioner.clinic_id)
    today = now.astimezone(ZoneInfo(selectors.practitioner_zone(practitioner))).date()
    return screening_selectors.booking_clearance(
        client.pk, practitioner.clinic_id, valid_days=policy.screening_valid_days, today=today
    )


def require_clearance(
    client: User, practitioner: Practitioner, starts: Sequence[dt.datetime], *, now: dt.datetime
) -> Clearance:
    """The clearance, or 422 naming why the screening does not allow these sessions; the
    body carries the screening's id, outcome and first bookable day for the client's next
    step."""
    clearance = clearance_for(client, practitioner, now=now)
    zone = ZoneInfo(selectors.practitioner_zone(practitioner))
    early = [
        index
        for index, start in enumerate(starts)
        if not clearance.allows(start.astimezone(zone).date())
    ]
    if early:
        raise ApiError(
            422,
            clearance.verdict.value,
            clearance.message,
            "screening" if not clearance.allows_booking else _start_field(starts, early[0]),
            extra={
                "screening_id": clearance.screening_id,
                "outcome": clearance.outcome.value if clearance.outcome else None,
                "bookable_from": clearance.bookable_from.isoformat()
                if clearance.bookable_from
                else None,
            },
        )
    return clearance


def _start_field(starts: Sequence[dt.datetime], index: int) -> str:
    return "start" if len(starts) == 1 else f"starts[{index}]"


def _lock_practitioner(practitioner_id: int) -> None:
    """Every write of a practitioner's appointments takes their row first (PostgreSQL; SQLite's
    IMMEDIATE transactions already run one at a time). Saving an appointment also stamps the
    practitioner's row (interop's change tracking); taken in any other order, two bookings that
    wait on each other's exclusion check deadlock — seen in the national booking benchmark."""
    list(Practitioner.objects.select_for_update().filter(pk=practitioner_id).values_list("pk"))


def _insert(appointments: list[Appointment], practitioner: Practitioner, now: dt.datetime) -> None:
    """Saves inside a savepoint, so that on PostgreSQL a refused insert leaves the transaction
    usable for reading the alternatives."""
    _lock_practitioner(practitioner.pk)
    try:
        with transaction.atomic():
            for appointment in appointments:
                appointment.save()
    except IntegrityError as error:
        if EXCLUSION_CONSTRAINT in str(error):
            raise slot_taken(practitioner, appointments[0].start, now, "start") from None
        raise


def book_appointment(
    *, client: User, practitioner_id: int, start: dt.datetime, now: dt.datetime | None = None
) -> Appointment:
    """Books one 30-minute session, or raises ApiError (409 taken, 422 not bookable)."""
    now = now or timezone.now()
    practitioner = selectors.bookable_practitioner(practitioner_id)
    service = _session_service(practitioner)
    if start.tzinfo is None:
        raise ApiError(422, "naive_time", PROBLEM_MESSAGES["naive_time"], "start")
    clearance = require_clearance(client, practitioner, [start], now=now)
    with transaction.atomic():
        location, end, blocked_until = _check_and_place(practitioner, start, now=now, field="start")
        appointment = Appointment(
            client=client,
            practitioner=practitioner,
            location=location,
            service=service,
            start=start,
            end=end,
            blocked_until=blocked_until,
            screening_id=clearance.screening_id,
            screening_override_id=clearance.override_id,
        )
        _insert([appointment], practitioner, now)
    transaction.on_commit(lambda: notifications.on_booked([appointment.pk]))
    return appointment


def book_course(
    *,
    client: User,
    practitioner_id: int,
    starts: Sequence[dt.datetime],
    min_gap_days: int = DEFAULT_MIN_GAP_DAYS,
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
    concern: str | None = None,
    now: dt.datetime | None = None,
) -> Course:
    """Books every session of a course, or none: each session is checked, and any failure
    rolls the whole course back."""
    now = now or timezone.now()
    _check_course_shape(starts, min_gap_days, max_gap_days)
    practitioner = selectors.bookable_practitioner(practitioner_id)
    service = _session_service(practitioner)
    concern_row = None
    if concern is not None:
        concern_row = Concern.objects.filter(slug=concern).first()
        if concern_row is None:
            raise ApiError(422, "unknown_concern", "Unknown concern.", "concern")
    clearance = require_clearance(client, practitioner, starts, now=now)
    with transaction.atomic():
        course = Course.objects.create(
            client=client,
            practitioner=practitioner,
            concern=concern_row,
            sessions=len(starts),
            min_gap_days=min_gap_days,
            max_gap_days=max_gap_days,
        )
        appointments = []
        for index, start in enumerate(starts):
            location, end, blocked_until = _check_and_place(
                practitioner, start, now=now, field=f"starts[{index}]"
            )
            appointments.append(
                Appointment(
                    client=client,
                    practitioner=practitioner,
                    location=location,
                    service=service,
                    course=course,
                    sequence=index + 1,
                    start=start,
                    end=end,
                    blocked_until=blocked_until,
                    screening_id=clearance.screening_id,
                    screening_override_id=clearance.override_id,
                )
            )
        _insert(appointments, practitioner, now)
    ids = [a.pk for a in appointments]
    transaction.on_commit(lambda: notifications.on_booked(ids))
    return course


def spacing_ok(starts: Sequence[dt.datetime], min_gap: dt.timedelta, max_gap: dt.timedelta) -> bool:
    return slots.course_dates_ok(
        starts, min_gap=min_gap - CLOCK_CHANGE, max_gap=max_gap + CLOCK_CHANGE
    )


def _check_course_shape(
    starts: Sequence[dt.datetime], min_gap_days: int, max_gap_days: int
) -> None:
    if not 1 <= len(starts) <= MAX_SESSIONS:
        raise ApiError(422, "invalid", f"A course has 1 to {MAX_SESSIONS} sessions.", "starts")
    if not 1 <= min_gap_days <= max_gap_days <= 180:
        raise ApiError(
            422,
            "invalid",
            "Gaps must satisfy 1 ≤ min_gap_days ≤ max_gap_days ≤ 180.",
            "min_gap_days",
        )
    if any(start.tzinfo is None for start in starts):
        raise ApiError(422, "naive_time", PROBLEM_MESSAGES["naive_time"], "starts")
    if not spacing_ok(starts, dt.timedelta(days=min_gap_days), dt.timedelta(days=max_gap_days)):
        raise ApiError(
            422,
            "course_spacing",
            f"Sessions must be in order, {min_gap_days} to {max_gap_days} days apart.",
            "starts",
        )


def _session_service(practitioner: Practitioner) -> Service:
    service = selectors.session_service(practitioner.clinic_id)
    if service is None:
        raise ApiError(
            422, "not_bookable", "This clinic takes no online bookings.", "practitioner_id"
        )
    return service


def _may_change(user: User, appointment: Appointment, now: dt.datetime) -> None:
    """Clients must respect the clinic's notice window; clinic staff may change any time."""
    if not appointment.is_active:
        raise ApiError(409, "not_active", "That appointment is no longer booked.")
    if appointment.client_id != user.pk:
        return
    if appointment.start <= now:
        raise ApiError(409, "already_started", "That session has already started.")
    policy = selectors.policy_for(appointment.practitioner.clinic_id)
    notice = dt.timedelta(hours=policy.cancellation_notice_hours)
    if appointment.start - now < notice:
        raise ApiError(
            422,
            "too_late",
            f"Changes online close {policy.cancellation_notice_hours} hours before a session; "
            "please call the clinic.",
        )


def cancel_appointment(
    *, by: User, appointment_id: int, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    now = now or timezone.now()
    with transaction.atomic():
        appointment = selectors.appointment_for(by, appointment_id)
        _may_change(by, appointment, now)
        _lock_practitioner(appointment.practitioner_id)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.cancel_reason = reason[:300]
        appointment.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    transaction.on_commit(lambda: notifications.on_cancelled(appointment.pk))
    return appointment


def move_sessions(
    *, by: User, moves: dict[int, dt.datetime], now: dt.datetime | None = None
) -> list[Appointment]:
    """Moves one or more appointments at once (all or none). Sessions of a course must keep
    their spacing: if a move breaks it, 409 with a proposal for the later sessions."""
    now = now or timezone.now()
    with transaction.atomic():
        moved = [selectors.appointment_for(by, pk) for pk in moves]
        for appointment in moved:
            _may_change(by, appointment, now)
        for appointment in moved:
            location, end, blocked_until = _check_and_place(
                appointment.practitioner,
                moves[appointment.pk],
                now=now,
                field="start",
                excluding=list(moves),
            )
            appointment.location, appointment.start = location, moves[appointment.pk]
            appointment.end, appointment.blocked_until = end, blocked_until
        _check_moved_apart(moved)
        for course_id in {a.course_id for a in moved if a.course_id is not None}:
            _check_course_after_move(course_id, moves, now)
        _insert(moved, moved[0].practitioner, now)
    for moved_id in [appointment.pk for appointment in moved]:
        transaction.on_commit(partial(notifications.on_rescheduled, moved_id))
    return moved


def _check_moved_apart(moved: list[Appointment]) -> None:
    """Sessions moved together were each checked against the others' old times only; they
    must not land on each other either."""
    for earlier, later in itertools.pairwise(sorted(moved, key=lambda a: a.start)):
        if earlier.practitioner_id == later.practitioner_id and later.start < earlier.blocked_until:
            raise ApiError(422, "sessions_overlap", "Two of the moved sessions overlap.", "moves")


def _check_course_after_move(
    course_id: int, moves: dict[int, dt.datetime], now: dt.datetime
) -> None:
    course = Course.objects.get(pk=course_id)
    sessions = list(course.appointments.booked().order_by("sequence"))
    starts = [moves.get(s.pk, s.start) for s in sessions]
    if spacing_ok(starts, course.min_gap, course.max_gap):
        return
    first_moved = min(i for i, s in enumerate(sessions) if s.pk in moves)
    raise ApiError(
        409,
        "course_spacing",
        f"That move breaks the course's spacing of {course.min_gap_days}–{course.max_gap_days} "
        "days; move the later sessions too. Proposed times are included.",
        "start",
        extra={"proposal": propose_later_sessions(course, sessions, starts, first_moved, now)},
    )


def propose_later_sessions(
    course: Course,
    sessions: list[Appointment],
    starts: list[dt.datetime],
    first_moved: int,
    now: dt.datetime,
) -> list[dict[str, object]]:
    """For each session after the moved one, the first free slot inside its allowed window,
    at the same local time of day where possible: what the client is re-offered."""
    proposal: list[dict[str, object]] = []
    # Arithmetic in UTC: adding days to a zoned datetime moves by wall clock across a change.
    previous = starts[first_moved].astimezone(dt.UTC)
    practitioner = sessions[0].practitioner
    for session in sessions[first_moved + 1 :]:
        window_start = previous + course.min_gap - CLOCK_CHANGE
        free = selectors.free_slots(
            practitioner, window_start, previous + course.max_gap + CLOCK_CHANGE, now=now
        )
        same_time = [
            s
            for s in free
            if s.local_start.time() == session.start.astimezone(s.local_start.tzinfo).time()
        ]
        candidates = same_time or free
        if not candidates:
            proposal.append(
                {"appointment_id": session.pk, "sequence": session.sequence, "start": None}
            )
            break
        choice = candidates[0]
        proposal.append(
            {"appointment_id": session.pk, "sequence": session.sequence, **_as_slot(choice)}
        )
        previous = choice.start.astimezone(dt.UTC)
    return proposal


def join_waitlist(
    *, client: User, practitioner_id: int, earliest: dt.date, latest: dt.date
) -> WaitlistEntry:
    practitioner = selectors.bookable_practitioner(practitioner_id)
    if latest < earliest:
        raise ApiError(422, "invalid", "The last date must not be before the first.", "latest")
    if earliest < timezone.localdate():
        raise ApiError(422, "invalid", "The first date must not be in the past.", "earliest")
    return WaitlistEntry.objects.create(
        client=client, practitioner=practitioner, earliest=earliest, latest=latest
    )


def flag_for_review(*, record: ScreeningRecord, now: dt.datetime | None = None) -> int:
    """A client screened again: each of their upcoming sessions booked on different answers is
    flagged for the practitioner to review (connected to screening_recorded in apps.py, so it
    runs in the transaction that stores the screening). The number flagged."""
    now = now or timezone.now()
    upcoming = (
        Appointment.objects.booked()
        .filter(client_id=record.client_id, start__gt=now)
        .select_related("screening")
    )
    changed = [
        a.pk for a in upcoming if a.screening is None or a.screening.answers != record.answers
    ]
    return Appointment.objects.filter(pk__in=changed).update(
        rescreen=record, rescreen_reviewed_at=None, rescreen_reviewed_by=None
    )


def review_rescreen(
    *, by: User, appointment_id: int, now: dt.datetime | None = None
) -> Appointment:
    """The practitioner (or a manager) has read the newer screening of a flagged session."""
    with transaction.atomic():
        appointment = selectors.appointment_for(by, appointment_id)
        if appointment.client_id == by.pk:
            raise ApiError(403, "forbidden", "Only the clinic reviews a new screening.")
        if not appointment.needs_screening_review:
            raise ApiError(409, "nothing_to_review", "This session has no new screening to review.")
        appointment.rescreen_reviewed_at = now or timezone.now()
        appointment.rescreen_reviewed_by = by
        appointment.save(update_fields=["rescreen_reviewed_at", "rescreen_reviewed_by"])
    return appointment
