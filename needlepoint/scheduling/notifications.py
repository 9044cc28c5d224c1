"""Booking notifications: the calls the booking services make, and how each message is worded
and sent. When a message is due, and whether it still is, is decided in tasks.py.

The services call on_booked / on_cancelled / on_rescheduled from transaction.on_commit; these
only queue tasks, so no request waits on a mail server. Tasks that must wait (reminders,
aftercare, the next-session recall) are queued with run_after where the backend supports it;
`manage.py send_due_notifications` sends whatever is due either way, so running it from cron
is harmless and covers a backend without run_after."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.directory.models import Location

from . import calendar
from .models import Appointment, Course, Message

if TYPE_CHECKING:
    from django_tasks.base import Task  # Django 6: django.tasks.Task

REMINDER_LEAD = dt.timedelta(hours=24)
# The firmest aftercare advice, sunscreen, covers the first 48 h (Farber 2020): advice that
# arrives later than that comes too late to help, so a worker catching up drops it.
AFTERCARE_STALE_AFTER = dt.timedelta(hours=48)
# No course leaves more than 180 days between sessions (services.py refuses more), so the
# window of a session cancelled longer ago than that has closed: the sweep looks no further.
RECALL_LOOKBACK = dt.timedelta(days=180)
CHANGES = (Message.Kind.RESCHEDULE, Message.Kind.CANCELLATION)


@dataclass(frozen=True)
class Advice:
    text: str
    source: str


CLINIC_CONVENTION = (
    "common clinic practice — low certainty, clinics differ; your practitioner's advice comes first"
)
# From CLINICAL-FACTS.md §3; no figure here changes without its source.
AFTERCARE_EXPECT = Advice(
    "Redness and some swelling can last up to 7 days; most people recover in 2–3 days.",
    "Chu et al., Dermatol Surg 2021 (systematic review); J Drugs Dermatol 2024 (peer-reviewed)",
)
AFTERCARE = (
    Advice(
        "Use sunscreen for at least 48 hours.",
        "Farber et al., Plast Aesthet Res 2020;7:72 (peer-reviewed)",
    ),
    Advice("No make-up for 12–48 hours.", CLINIC_CONVENTION),
    Advice("No retinoids, acids or vitamin C on the skin for 3–7 days.", CLINIC_CONVENTION),
    Advice("No sweating, swimming or sauna for 24–72 hours.", CLINIC_CONVENTION),
    Advice("Choose a mineral sunscreen, SPF 30 or higher.", CLINIC_CONVENTION),
)


# --- What the booking services call --------------------------------------------------------


def on_booked(appointment_ids: list[int]) -> None:
    """One confirmation per booking (a course's sessions together), then each session's
    reminder and aftercare."""
    from . import tasks  # tasks.py imports this module's helpers

    sessions = list(
        Appointment.objects.filter(pk__in=appointment_ids).order_by("course_id", "start")
    )
    for course_id, group in groupby(sessions, key=lambda a: a.course_id):
        booking = list(group)
        confirmations = [booking] if course_id is not None else [[a] for a in booking]
        for confirmation in confirmations:
            tasks.send_confirmation.enqueue([a.pk for a in confirmation])
    for appointment in sessions:
        _schedule_session(appointment)


def on_cancelled(appointment_id: int) -> None:
    """The cancellation, the freed slot offered to the waitlist, and for a course, the
    reminder that a session is missing once its window opens."""
    from . import tasks

    appointment = Appointment.objects.select_related("course").get(pk=appointment_id)
    tasks.send_cancellation.enqueue(appointment_id)
    if appointment.start > timezone.now():
        tasks.offer_waitlist.enqueue(appointment.practitioner_id, appointment.start.isoformat())
    if appointment.course is not None:
        gap = tasks.unfilled_gap(appointment.course)
        if gap is not None:
            _enqueue(tasks.send_next_session_due, appointment.course.pk, run_after=gap.opens)


def on_rescheduled(appointment_id: int) -> None:
    """The 'moved' message, and the reminder and aftercare for the new time (jobs queued for
    the old time find the start changed and do nothing)."""
    from . import tasks

    appointment = Appointment.objects.get(pk=appointment_id)
    tasks.send_rescheduled.enqueue(appointment_id, appointment.start.isoformat())
    _schedule_session(appointment)


def _schedule_session(appointment: Appointment) -> None:
    from . import tasks

    start = appointment.start.isoformat()
    reminder_at = appointment.start - REMINDER_LEAD
    # A session less than a day away needs no reminder: the message just sent names the time.
    if reminder_at > timezone.now():
        _enqueue(tasks.send_reminder, appointment.pk, start, run_after=reminder_at)
    _enqueue(tasks.send_aftercare, appointment.pk, start, run_after=appointment.end)


def _enqueue(task: "Task[..., Any]", *args: object, run_after: dt.datetime | None) -> None:
    """Queues `task` to run at `run_after`. A backend that cannot wait leaves it to the sweep,
    except that a task already due goes straight in."""
    if run_after is None or run_after <= timezone.now():
        task.enqueue(*args)
    elif task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue(*args)


def send_due_notifications() -> int:
    """Runs every reminder, aftercare and course recall that is due now, in this process, and
    returns how many candidates it looked at. The tasks decide (and record) for themselves, so
    this may run as often as you like beside the queued jobs."""
    from . import tasks

    now = timezone.now()
    reminders = Appointment.objects.booked().filter(
        Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=F("start") - REMINDER_LEAD),
        start__gt=now,
        start__lte=now + REMINDER_LEAD,
    )
    aftercare = Appointment.objects.filter(
        status__in=(Appointment.Status.BOOKED, Appointment.Status.COMPLETED),
        aftercare_sent_at__isnull=True,
        end__lte=now,
        end__gt=now - AFTERCARE_STALE_AFTER,
    )
    unrecalled = Appointment.objects.filter(
        status=Appointment.Status.CANCELLED,
        course__status=Course.Status.ACTIVE,
        start__gt=now - RECALL_LOOKBACK,
    ).exclude(messages__kind=Message.Kind.NEXT_SESSION)
    reminder_ids = list(reminders.values_list("pk", flat=True))
    aftercare_ids = list(aftercare.values_list("pk", flat=True))
    course_ids = {pk for pk in unrecalled.values_list("course_id", flat=True) if pk is not None}
    for pk in reminder_ids:
        tasks.send_reminder.call(pk)
    for pk in aftercare_ids:
        tasks.send_aftercare.call(pk)
    for pk in course_ids:
        tasks.send_next_session_due.call(pk)
    return len(reminder_ids) + len(aftercare_ids) + len(course_ids)


# --- How a message is worded and sent (used by tasks.py) -----------------------------------


def local_time(moment: dt.datetime, zone: str) -> str:
    """'Tuesday 8 December 2026, 10:30 (Europe/London)': the clinic's wall time, zone named."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({zone})"


def local_date(moment: dt.datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y}"


def place(location: Location) -> str:
    parts = [location.name, location.address_line, location.city, location.postcode]
    return ", ".join(part for part in parts if part)


def link(path: str) -> str:
    # A link must work from a mail client, so it needs the site's origin (SITE_URL).
    return settings.SITE_URL.rstrip("/") + path


def session(appointment: Appointment) -> dict[str, object]:
    """What a message says about one session."""
    return {
        "number": appointment.sequence,
        "when": local_time(appointment.start, appointment.location.timezone),
        "place": place(appointment.location),
        "practitioner": appointment.practitioner.full_name,
    }


def sequences(appointments: Iterable[Appointment]) -> dict[int, int]:
    """iCalendar SEQUENCE per appointment: how many changes (moves, cancellation) it has had."""
    rows = (
        Message.objects.filter(appointment__in=list(appointments), kind__in=CHANGES)
        .values("appointment")
        .annotate(n=Count("pk"))
    )
    return {row["appointment"]: row["n"] for row in rows}


def calendar_file(appointments: list[Appointment], *, cancelled: bool = False) -> bytes:
    """The .ics for these sessions; a change is counted by its message, so call this after
    writing it."""
    counts = sequences(appointments)
    return calendar.build_calendar(
        [session_event(a, sequence=counts.get(a.pk, 0), cancelled=cancelled) for a in appointments]
    )


def session_event(
    appointment: Appointment, *, sequence: int, cancelled: bool, more: str = ""
) -> calendar.SessionEvent:
    """A session as the client's calendar shows it; `more` adds lines to its description (the
    calendar feed's links)."""
    location = appointment.location
    phone = f" Clinic phone: {location.phone}." if location.phone else ""
    return calendar.SessionEvent(
        uid=calendar.appointment_uid(appointment.pk),
        start=appointment.start,
        end=appointment.end,
        timezone=location.timezone,
        summary=f"{appointment.service.name} with {appointment.practitioner.full_name}",
        location=place(location),
        description=f"Booked through Needlepoint.{phone}{more}",
        sequence=sequence,
        cancelled=cancelled,
    )


def write(
    kind: Message.Kind,
    client: User,
    appointment: Appointment | None,
    subject: str,
    context: dict[str, object],
) -> Message:
    """The Message the client's account lists; its body from scheduling/email/<kind>.txt."""
    body = render_to_string(f"scheduling/email/{kind.value}.txt", {"client": client, **context})
    return Message.objects.create(
        client=client, appointment=appointment, kind=kind, subject=subject, body=body.strip()
    )


def deliver(message: Message, ics: bytes | None = None) -> None:
    """E-mails a written message. Call after its transaction commits: a failed send leaves
    emailed_at empty, and the message still shows in the client's account."""
    email = EmailMessage(message.subject, message.body, to=[message.client.email])
    if ics is not None:
        email.attach("needlepoint.ics", ics, "text/calendar")
    email.send()
    Message.objects.filter(pk=message.pk).update(emailed_at=timezone.now())
