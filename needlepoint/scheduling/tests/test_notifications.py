"""Booking notifications: what each client is told, in the clinic's time, exactly once."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from needlepoint.accounts.models import User
from needlepoint.directory.models import Clinic, Location, Practitioner, Service
from needlepoint.scheduling import notifications, tasks
from needlepoint.scheduling.models import Appointment, Course, Message, WaitlistEntry

LONDON = ZoneInfo("Europe/London")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
_serial = itertools.count(1)


def practitioner() -> Practitioner:
    clinic = Clinic.objects.create(name="Skin Rooms", email="hello@skinrooms.test")
    location = Location.objects.create(
        clinic=clinic, name="Skin Rooms Leeds", address_line="1 Park Row", city="Leeds",
        postcode="LS1 5AB", country="GB", latitude=53.797, longitude=-1.548, timezone=LONDON.key,
    )  # fmt: skip
    Service.objects.create(clinic=clinic, price=Decimal("180"), currency="GBP")
    person = Practitioner.objects.create(clinic=clinic, full_name="Dr Ada Lovelace")
    person.locations.add(location)
    return person


def client() -> User:
    return User.objects.create_user(f"client{next(_serial)}@example.test", "a long passphrase")


def session(who: User, by: Practitioner, start: dt.datetime, **fields: Any) -> Appointment:
    end = start + dt.timedelta(minutes=30)
    return Appointment.objects.create(
        client=who, practitioner=by, location=by.locations.get(),
        service=Service.objects.get(clinic=by.clinic), start=start, end=end, blocked_until=end,
        **fields,
    )  # fmt: skip


def days_ahead(days: int, hour: int = 10, minute: int = 30) -> dt.datetime:
    day = timezone.now().astimezone(LONDON).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def ics_events(email: mail.EmailMessage) -> list[Any]:
    ((name, content, mimetype),) = email.attachments
    assert (name, mimetype) == ("needlepoint.ics", "text/calendar")
    raw = content.encode() if isinstance(content, str) else content
    return list(Calendar.from_ical(raw).walk("VEVENT"))


def course_of_three(first_start: dt.datetime) -> tuple[Course, list[Appointment]]:
    who, by = client(), practitioner()
    course = Course.objects.create(
        client=who, practitioner=by, sessions=3, min_gap_days=28, max_gap_days=42
    )
    starts = [first_start + dt.timedelta(days=35 * n) for n in range(3)]
    return course, [
        session(who, by, start, course=course, sequence=n + 1) for n, start in enumerate(starts)
    ]


@pytest.fixture
def immediate(settings: Any) -> None:
    """Tasks run as they are queued; tasks that must wait are left to the sweep."""
    settings.TASKS = IMMEDIATE


def test_times_are_the_clinics_wall_time_with_the_zone_named() -> None:
    december = dt.datetime(2026, 12, 8, 10, 30, tzinfo=dt.UTC)
    july = dt.datetime(2026, 7, 14, 9, 30, tzinfo=dt.UTC)
    assert notifications.local_time(december, "Europe/London") == (
        "Tuesday 8 December 2026, 10:30 (Europe/London)"
    )
    assert notifications.local_time(july, "Europe/London") == (
        "Tuesday 14 July 2026, 10:30 (Europe/London)"
    )
    assert notifications.local_time(december, "America/New_York") == (
        "Tuesday 8 December 2026, 05:30 (America/New_York)"
    )


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_the_confirmation_and_keeps_the_rest_for_later() -> None:
    booked = session(client(), practitioner(), days_ahead(10))

    notifications.on_booked([booked.pk])
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=20, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip

    (email,) = mail.outbox
    assert email.to == [booked.client.email]
    when = f"{booked.start:%A} {booked.start.day} {booked.start:%B %Y}, 10:30 (Europe/London)"
    assert when in email.body
    assert when in email.subject
    (event,) = ics_events(email)
    assert str(event["UID"]) == f"appointment-{booked.pk}@needlepoint"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    message = Message.objects.get()
    assert (message.kind, message.appointment, message.body) == (
        Message.Kind.CONFIRMATION, booked, email.body
    )  # fmt: skip
    assert message.emailed_at is not None
    waiting = {
        r.task_path.rsplit(".", 1)[1]: r.run_after
        for r in DBTaskResult.objects.filter(status="READY")
    }
    assert waiting == {
        "send_reminder": booked.start - dt.timedelta(hours=24),
        "send_aftercare": booked.end,
    }


@pytest.mark.django_db
def test_a_course_gets_one_confirmation_listing_every_session(immediate: None) -> None:
    _, sessions = course_of_three(days_ahead(5))

    notifications.on_booked([a.pk for a in sessions])

    (email,) = mail.outbox
    assert email.subject == "Booked: 3 sessions with Dr Ada Lovelace"
    for n, appointment in enumerate(sessions, start=1):
        assert f"Session {n}: {notifications.local_time(appointment.start, 'Europe/London')}" in (
            email.body
        )
    events = ics_events(email)
    assert [str(e["UID"]) for e in events] == [f"appointment-{a.pk}@needlepoint" for a in sessions]
    assert {e.decoded("DTSTART").time() for e in events} == {dt.time(10, 30)}
    assert Message.objects.filter(kind=Message.Kind.CONFIRMATION).count() == 1


@pytest.mark.django_db
def test_running_a_task_twice_sends_once(immediate: None) -> None:
    booked = session(client(), practitioner(), days_ahead(1, hour=9))
    booked.start = timezone.now() + dt.timedelta(hours=20)
    booked.end = booked.blocked_until = booked.start + dt.timedelta(minutes=30)
    booked.save()

    for _ in range(2):
        tasks.send_confirmation.enqueue([booked.pk])
        tasks.send_reminder.enqueue(booked.pk)
        notifications.send_due_notifications()

    assert sorted(m.kind for m in Message.objects.all()) == ["confirmation"]
    # Booked under a day ahead: the confirmation was the reminder. Booked earlier, it is due.
    Message.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    for _ in range(2):
        tasks.send_reminder.enqueue(booked.pk)
        notifications.send_due_notifications()
    assert sorted(m.kind for m in Message.objects.all()) == ["confirmation", "reminder"]
    assert len(mail.outbox) == 2
    booked.refresh_from_db()
    assert booked.reminder_sent_at is not None


@pytest.mark.django_db
def test_a_reminder_is_a_no_op_after_cancellation_or_a_move(immediate: None) -> None:
    cancelled = session(client(), practitioner(), timezone.now() + dt.timedelta(hours=20))
    moved = session(
        cancelled.client, cancelled.practitioner, cancelled.start + dt.timedelta(hours=1)
    )
    queued_for = moved.start.isoformat()
    Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.CANCELLED)
    week = dt.timedelta(days=7)
    Appointment.objects.filter(pk=moved.pk).update(
        start=F("start") + week, end=F("end") + week, blocked_until=F("blocked_until") + week
    )

    tasks.send_reminder.enqueue(cancelled.pk, cancelled.start.isoformat())
    tasks.send_reminder.enqueue(moved.pk, queued_for)
    tasks.send_reminder.enqueue(moved.pk)  # the new time is a week off: too early

    assert not Message.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_aftercare_cites_its_sources_once_the_session_is_over(immediate: None) -> None:
    over = session(client(), practitioner(), timezone.now() - dt.timedelta(hours=2))
    no_show = session(over.client, over.practitioner, over.start - dt.timedelta(hours=1))
    Appointment.objects.filter(pk=no_show.pk).update(status=Appointment.Status.NO_SHOW)

    for _ in range(2):
        call_command("send_due_notifications", verbosity=0)
        tasks.send_aftercare.enqueue(over.pk)
        tasks.send_aftercare.enqueue(no_show.pk)

    (email,) = mail.outbox
    assert email.subject == "Aftercare for your session with Dr Ada Lovelace"
    for cited in ("Farber et al., Plast Aesthet Res 2020", "Chu et al., Dermatol Surg 2021",
                  "J Drugs Dermatol 2024", "low certainty"):  # fmt: skip
        assert cited in email.body
    assert "sunscreen for at least 48 hours" in email.body
    assert "If you are worried, contact your clinic or a doctor." in email.body
    assert all(advice.source for advice in notifications.AFTERCARE)
    assert Message.objects.get().appointment == over


@pytest.mark.django_db
def test_a_move_sends_a_fresh_ics_with_the_same_uid_and_a_higher_sequence(immediate: None) -> None:
    booked = session(client(), practitioner(), days_ahead(10))
    for days in (11, 12):
        booked.start = days_ahead(days, hour=14)
        booked.end = booked.blocked_until = booked.start + dt.timedelta(minutes=30)
        booked.save()
        notifications.on_rescheduled(booked.pk)
        tasks.send_rescheduled.enqueue(booked.pk, booked.start.isoformat())  # a retried job

    first, second = mail.outbox
    assert second.subject == (
        f"Moved: Dr Ada Lovelace, now {notifications.local_time(booked.start, 'Europe/London')}"
    )
    (event_1,), (event_2,) = ics_events(first), ics_events(second)
    assert str(event_1["UID"]) == str(event_2["UID"]) == f"appointment-{booked.pk}@needlepoint"
    assert (event_1.decoded("SEQUENCE"), event_2.decoded("SEQUENCE")) == (1, 2)
    assert event_2.decoded("DTSTART").time() == dt.time(14, 30)


@pytest.mark.django_db
def test_the_freed_slot_goes_to_the_oldest_matching_waiting_entry_only(immediate: None) -> None:
    by = practitioner()
    freed = session(client(), by, days_ahead(9))
    day = freed.start.date()
    long_ago = timezone.now() - dt.timedelta(days=30)

    def waiting(earliest: dt.date, latest: dt.date, days_old: int, **fields: Any) -> WaitlistEntry:
        return WaitlistEntry.objects.create(
            client=client(), practitioner=by, earliest=earliest, latest=latest,
            created_at=long_ago + dt.timedelta(days=days_old), **fields,
        )  # fmt: skip

    wrong_dates = waiting(day + dt.timedelta(days=1), day + dt.timedelta(days=5), 0)
    closed = waiting(day, day, 1, status=WaitlistEntry.Status.CLOSED)
    oldest = waiting(day - dt.timedelta(days=3), day, 2)
    newer = waiting(day, day + dt.timedelta(days=3), 3)
    Appointment.objects.filter(pk=freed.pk).update(
        status=Appointment.Status.CANCELLED, cancelled_at=timezone.now()
    )

    notifications.on_cancelled(freed.pk)
    tasks.offer_waitlist.enqueue(by.pk, freed.start.isoformat())  # a retried job

    statuses = {e.pk: e.status for e in WaitlistEntry.objects.all()}
    assert statuses == {
        wrong_dates.pk: "waiting",
        closed.pk: "closed",
        oldest.pk: "offered",
        newer.pk: "waiting",
    }
    oldest.refresh_from_db()
    assert oldest.offered_start == freed.start
    assert oldest.offered_at is not None
    cancellation, offer = sorted(mail.outbox, key=lambda e: e.to[0] != freed.client.email)
    assert cancellation.to == [freed.client.email]
    assert cancellation.subject.startswith("Cancelled")
    (event,) = ics_events(cancellation)
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CANCELLED", 1)
    assert offer.to == [oldest.client.email]
    local_start = freed.start.astimezone(LONDON).isoformat().replace("+", "%2B")
    assert f"/practitioners/{by.pk}/book/?start={local_start}" in offer.body
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_cancelled_course_session_is_recalled_with_its_window(immediate: None) -> None:
    course, (first, second, _) = course_of_three(days_ahead(-30))
    Appointment.objects.filter(pk=first.pk).update(status=Appointment.Status.COMPLETED)
    Appointment.objects.filter(pk=second.pk).update(status=Appointment.Status.CANCELLED)

    notifications.on_cancelled(second.pk)  # the window opened two days ago: due at once
    call_command("send_due_notifications", verbosity=0)
    tasks.send_next_session_due.enqueue(course.pk)  # a retried job

    recall = Message.objects.get(kind=Message.Kind.NEXT_SESSION)
    today = notifications.local_date(timezone.now(), "Europe/London")
    closes = notifications.local_date(first.start + dt.timedelta(days=42), "Europe/London")
    assert f"due between {today} and {closes}" in recall.body
    assert f"/practitioners/{course.practitioner_id}/" in recall.body
    assert recall.emailed_at is not None
    assert len([e for e in mail.outbox if "is due" in e.subject]) == 1


@pytest.mark.django_db
def test_a_recall_waits_until_its_window_opens() -> None:
    course, (first, second, _) = course_of_three(days_ahead(3))
    Appointment.objects.filter(pk=second.pk).update(status=Appointment.Status.CANCELLED)

    notifications.on_cancelled(second.pk)
    tasks.send_next_session_due.call(course.pk)
    notifications.send_due_notifications()

    assert not Message.objects.exists()  # the cancellation itself waits for the worker
    queued = DBTaskResult.objects.get(task_path__endswith=".send_next_session_due")
    assert queued.run_after == first.start + dt.timedelta(days=28)
    # Five weeks on, the window is open: the sweep sends the recall whatever the queue did.
    weeks = dt.timedelta(weeks=5)
    course.appointments.update(
        start=F("start") - weeks, end=F("end") - weeks, blocked_until=F("blocked_until") - weeks
    )
    notifications.send_due_notifications()
    notifications.send_due_notifications()
    assert Message.objects.get().kind == Message.Kind.NEXT_SESSION


@pytest.mark.django_db
def test_a_replaced_course_session_is_not_recalled(immediate: None) -> None:
    who, by = client(), practitioner()
    course = Course.objects.create(
        client=who, practitioner=by, sessions=2, min_gap_days=28, max_gap_days=42
    )
    first = session(who, by, days_ahead(3), course=course, sequence=1)
    second = session(who, by, days_ahead(33), course=course, sequence=2)
    Appointment.objects.filter(pk=second.pk).update(status=Appointment.Status.CANCELLED)
    session(who, by, days_ahead(36))  # rebooked, as a single session, inside the window

    tasks.send_next_session_due.enqueue(course.pk)

    assert not Message.objects.filter(kind=Message.Kind.NEXT_SESSION).exists()
    assert tasks.unfilled_gap(course) is None
    first.refresh_from_db()
    assert first.status == Appointment.Status.BOOKED
