"""Background tasks that tell clients about their bookings, each message at most once.

Every task decides under a row lock whether its message is still due, writes the `Message` the
client's account lists, commits, and only then e-mails it, so an SMTP call never holds the
database's write lock (on SQLite, the whole database's). A second run of the same task finds
the message or the sent-marker and does nothing. Wording and sending: notifications.py."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django_tasks import task  # Django 6: from django.tasks import task

from .models import Appointment, Course, Message, WaitlistEntry
from .notifications import (
    AFTERCARE,
    AFTERCARE_EXPECT,
    AFTERCARE_STALE_AFTER,
    REMINDER_LEAD,
    calendar_file,
    deliver,
    link,
    local_date,
    local_time,
    place,
    session,
    write,
)

KEPT = (Appointment.Status.BOOKED, Appointment.Status.COMPLETED)


def _locked(*appointment_ids: int) -> list[Appointment]:
    """The appointments by start, locked until the caller's transaction ends, so that two runs
    of one task cannot both find their message still due."""
    return list(
        Appointment.objects.select_for_update(of=("self",))
        .select_related("client", "practitioner", "location", "service")
        .filter(pk__in=appointment_ids)
        .order_by("start")
    )


def _locked_one(appointment_id: int) -> Appointment | None:
    return next(iter(_locked(appointment_id)), None)


def _moved(appointment: Appointment, scheduled_start: str | None) -> bool:
    """Queued for an earlier start of this appointment: the move queued its own job."""
    return (
        scheduled_start is not None
        and dt.datetime.fromisoformat(scheduled_start) != appointment.start
    )


@task
def send_confirmation(appointment_ids: list[int]) -> None:
    """One confirmation for one booking: a single session, or every session of a course with
    all of them in one .ics."""
    with transaction.atomic():
        sessions = _locked(*appointment_ids)
        booked = [a for a in sessions if a.status == Appointment.Status.BOOKED]
        if not booked or sessions[0].messages.filter(kind=Message.Kind.CONFIRMATION).exists():
            return
        first = booked[0]
        if len(booked) == 1:
            subject = f"Booked: {first.practitioner.full_name}, {session(first)['when']}"
        else:
            subject = f"Booked: {len(booked)} sessions with {first.practitioner.full_name}"
        message = write(
            Message.Kind.CONFIRMATION,
            first.client,
            sessions[0],  # the first of the ids, whatever became of it: the key of this booking
            subject,
            {
                "practitioner": first.practitioner.full_name,
                "sessions": [session(a) for a in booked],
            },
        )
        ics = calendar_file(booked)
    deliver(message, ics)


def reminder_due(appointment: Appointment, now: dt.datetime) -> bool:
    opens = appointment.start - REMINDER_LEAD
    if appointment.status != Appointment.Status.BOOKED or not opens <= now < appointment.start:
        return False
    if appointment.reminder_sent_at is not None and appointment.reminder_sent_at >= opens:
        return False  # already reminded of this start (one for an earlier start counts not)
    # Booked or moved within the last day: that message named the time a moment ago.
    told = appointment.messages.filter(
        kind__in=(Message.Kind.CONFIRMATION, Message.Kind.RESCHEDULE), created_at__gte=opens
    )
    return not told.exists()


@task
def send_reminder(appointment_id: int, scheduled_start: str | None = None) -> None:
    now = timezone.now()
    with transaction.atomic():
        appointment = _locked_one(appointment_id)
        if appointment is None or _moved(appointment, scheduled_start):
            return
        if not reminder_due(appointment, now):
            return
        about = session(appointment)
        message = write(
            Message.Kind.REMINDER,
            appointment.client,
            appointment,
            f"Reminder: {about['practitioner']}, {about['when']}",
            {"session": about},
        )
        appointment.reminder_sent_at = now
        appointment.save(update_fields=["reminder_sent_at"])
    deliver(message)


def aftercare_due(appointment: Appointment, now: dt.datetime) -> bool:
    return (
        appointment.status in KEPT
        and appointment.aftercare_sent_at is None
        and appointment.end <= now < appointment.end + AFTERCARE_STALE_AFTER
    )


@task
def send_aftercare(appointment_id: int, scheduled_start: str | None = None) -> None:
    now = timezone.now()
    with transaction.atomic():
        appointment = _locked_one(appointment_id)
        if appointment is None or _moved(appointment, scheduled_start):
            return
        if not aftercare_due(appointment, now):
            return
        message = write(
            Message.Kind.AFTERCARE,
            appointment.client,
            appointment,
            f"Aftercare for your session with {appointment.practitioner.full_name}",
            {"session": session(appointment), "expect": AFTERCARE_EXPECT, "advice": AFTERCARE},
        )
        appointment.aftercare_sent_at = now
        appointment.save(update_fields=["aftercare_sent_at"])
    deliver(message)


@task
def send_cancellation(appointment_id: int) -> None:
    """The cancellation, with an .ics that marks the event CANCELLED in the client's calendar."""
    with transaction.atomic():
        appointment = _locked_one(appointment_id)
        if appointment is None or appointment.status != Appointment.Status.CANCELLED:
            return
        if appointment.messages.filter(kind=Message.Kind.CANCELLATION).exists():
            return
        about = session(appointment)
        message = write(
            Message.Kind.CANCELLATION,
            appointment.client,
            appointment,
            f"Cancelled: {about['practitioner']}, {about['when']}",
            {"session": about},
        )
        ics = calendar_file([appointment], cancelled=True)
    deliver(message, ics)


@task
def send_rescheduled(appointment_id: int, start_iso: str) -> None:
    """The session's new time, with the same calendar UID and a higher SEQUENCE so that the
    client's calendar moves the event instead of adding a second one."""
    with transaction.atomic():
        appointment = _locked_one(appointment_id)
        if appointment is None or appointment.status != Appointment.Status.BOOKED:
            return
        if _moved(appointment, start_iso):
            return  # moved again since: that move's job tells the latest time
        about = session(appointment)
        subject = f"Moved: {about['practitioner']}, now {about['when']}"
        # The subject names the new time: the newest move message carrying it means this move
        # was already told (while a later move back to an earlier time still gets its own).
        latest = appointment.messages.filter(kind=Message.Kind.RESCHEDULE).first()
        if latest is not None and latest.subject == subject:
            return
        message = write(
            Message.Kind.RESCHEDULE, appointment.client, appointment, subject, {"session": about}
        )
        ics = calendar_file([appointment])
    deliver(message, ics)


@dataclass(frozen=True)
class Gap:
    """A cancelled course session and when its replacement is due."""

    cancelled: Appointment
    opens: dt.datetime
    closes: dt.datetime


def unfilled_gap(course: Course) -> Gap | None:
    """The earliest cancelled session of the course not yet recalled that nothing replaced: no
    kept session has its number, and the client has no kept session with the practitioner in
    its window."""
    sessions = list(course.appointments.select_related("location").order_by("start"))
    kept = [s for s in sessions if s.status in KEPT]
    recalled = set(
        Message.objects.filter(
            appointment__course=course, kind=Message.Kind.NEXT_SESSION
        ).values_list("appointment_id", flat=True)
    )
    for cancelled in sessions:
        if cancelled.status != Appointment.Status.CANCELLED or cancelled.pk in recalled:
            continue
        before = [s for s in kept if s.start < cancelled.start]
        after = [s for s in kept if s.start > cancelled.start]
        # The course's spacing counts from the session before; a cancelled first session has
        # none, so its window is counted back from the session after.
        if before:
            opens, closes = before[-1].start + course.min_gap, before[-1].start + course.max_gap
        elif after:
            opens, closes = after[0].start - course.max_gap, after[0].start - course.min_gap
        else:
            continue
        in_window = Appointment.objects.filter(
            client_id=course.client_id,
            practitioner_id=course.practitioner_id,
            status__in=KEPT,
            start__range=(opens, closes),
        )
        if not any(s.sequence == cancelled.sequence for s in kept) and not in_window.exists():
            return Gap(cancelled, opens, closes)
    return None


@task
def send_next_session_due(course_id: int) -> None:
    """Tells the client, once its window has opened, that a course session is missing and
    between which dates it is due."""
    now = timezone.now()
    with transaction.atomic():
        course = (
            Course.objects.select_for_update(of=("self",))
            .select_related("client", "practitioner")
            .filter(pk=course_id, status=Course.Status.ACTIVE)
            .first()
        )
        gap = unfilled_gap(course) if course is not None else None
        if course is None or gap is None or now < gap.opens:
            return
        zone = gap.cancelled.location.timezone
        message = write(
            Message.Kind.NEXT_SESSION,
            course.client,
            gap.cancelled,
            f"Your next session with {course.practitioner.full_name} is due",
            {
                "practitioner": course.practitioner.full_name,
                "opens": local_date(max(gap.opens, now), zone),
                "closes": local_date(gap.closes, zone),
                "overdue": gap.closes < now,
                "link": link(f"/practitioners/{course.practitioner_id}/"),
            },
        )
    deliver(message)


@task
def offer_waitlist(practitioner_id: int, start_iso: str) -> None:
    """Offers a freed slot to the practitioner's longest-waiting client whose dates include its
    local date: one client at a time, so that a slot is never promised twice."""
    start, now = dt.datetime.fromisoformat(start_iso), timezone.now()
    if start <= now:
        return
    with transaction.atomic():
        freed = (
            Appointment.objects.select_related("location", "practitioner")
            .filter(
                practitioner_id=practitioner_id, start=start, status=Appointment.Status.CANCELLED
            )
            .order_by("-cancelled_at")
            .first()
        )
        taken = Appointment.objects.booked().filter(
            practitioner_id=practitioner_id, start__lte=start, blocked_until__gt=start
        )
        offered = WaitlistEntry.objects.filter(
            practitioner_id=practitioner_id,
            status=WaitlistEntry.Status.OFFERED,
            offered_start=start,
        )
        if freed is None or taken.exists() or offered.exists():
            return
        zone = ZoneInfo(freed.location.timezone)
        entry = (
            WaitlistEntry.objects.select_for_update(of=("self",))
            .select_related("client")
            .filter(
                practitioner_id=practitioner_id,
                status=WaitlistEntry.Status.WAITING,
                earliest__lte=start.astimezone(zone).date(),
                latest__gte=start.astimezone(zone).date(),
            )
            .exclude(client_id=freed.client_id)  # who just gave it up does not want it back
            .order_by("created_at", "pk")
            .first()
        )
        if entry is None:
            return
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_start, entry.offered_at = start, now
        entry.save(update_fields=["status", "offered_start", "offered_at"])
        when = local_time(start, freed.location.timezone)
        query = urlencode({"start": start.astimezone(zone).isoformat()}, safe=":")
        message = write(
            Message.Kind.WAITLIST_OFFER,
            entry.client,
            None,  # the freed appointment is another client's, not this one's to see
            f"A slot came free: {freed.practitioner.full_name}, {when}",
            {
                "practitioner": freed.practitioner.full_name,
                "when": when,
                "place": place(freed.location),
                "link": link(f"/practitioners/{practitioner_id}/book/?{query}"),
            },
        )
    deliver(message)
