"""The client's side after booking: a booking's page, its calendar file, the client's
appointments and messages, cancel and move."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlepoint.errors import ApiError

from . import calendar, notifications, selectors, services
from .forms import CancelForm, MoveForm
from .models import Appointment
from .views import local_today, parse_date, signed_in

MOVE_DAYS = 14  # how many days of free slots the move page shows at a time


@login_required
def appointment_page(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for(signed_in(request), appointment_id)
    context = {
        "course": None,
        "sessions": [appointment],
        "ics_url": reverse("scheduling:appointment-ics", args=[appointment.pk]),
    }
    return render(request, "scheduling/booking.html", context)


@login_required
def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_for(signed_in(request), course_id)
    context = {
        "course": course,
        "sessions": selectors.sessions_of_course(course),
        "ics_url": reverse("scheduling:course-ics", args=[course.pk]),
    }
    return render(request, "scheduling/booking.html", context)


@login_required
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for(signed_in(request), appointment_id)
    return calendar_download([appointment], f"needlepoint-appointment-{appointment.pk}.ics")


@login_required
def course_ics(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_for(signed_in(request), course_id)
    sessions = selectors.sessions_of_course(course)
    return calendar_download(sessions, f"needlepoint-course-{course.pk}.ics")


def calendar_download(appointments: list[Appointment], filename: str) -> HttpResponse:
    """An .ics of the sessions, with the UIDs and SEQUENCE numbers of the e-mailed copies so a
    calendar updates the events it already holds; cancelled sessions say so, and disappear."""
    changes = notifications.sequences(appointments)
    events = [
        calendar.SessionEvent(
            uid=calendar.appointment_uid(a.pk),
            start=a.start,
            end=a.end,
            timezone=a.location.timezone,
            summary=f"{a.service.name} with {a.practitioner.full_name}",
            location=notifications.place(a.location),
            description="Booked through Needlepoint.",
            sequence=changes.get(a.pk, 0),
            cancelled=a.status == Appointment.Status.CANCELLED,
        )
        for a in appointments
    ]
    response = HttpResponse(calendar.build_calendar(events), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    now = timezone.now()
    upcoming, past = selectors.client_bookings(user, now=now)
    context = {
        "upcoming": upcoming,
        "past": past,
        "inbox": selectors.messages_of_client(user),
        "now": now,
    }
    return render(request, "scheduling/my_appointments.html", context)


@login_required
@require_POST
def cancel_appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_appointment(
            by=signed_in(request), appointment_id=appointment_id, reason=reason
        )
    except ApiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Cancelled. We have sent you a confirmation.")
    return redirect("scheduling:my-appointments")


@login_required
def move_appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """GET: the free slots of two weeks (`?from=`); POST: the move. When a move breaks its
    course's spacing, the page shows the proposed later sessions and a button moving all."""
    user = signed_in(request)
    appointment = selectors.appointment_for(user, appointment_id)
    context: dict[str, object] = {"appointment": appointment}
    status = 200
    if request.method == "POST":
        form = MoveForm(request.POST)
        try:
            moves = _moves(appointment, form)
            services.move_sessions(by=user, moves=moves)
        except ApiError as error:
            status = error.status
            proposal = _proposal(error)
            context.update(
                error=error,
                proposal=proposal,
                proposal_complete=all(item["start"] for item in proposal),
                moving_to=form.cleaned_data,
            )
        else:
            messages.success(request, "Moved. We have sent you the new time.")
            return redirect("scheduling:my-appointments")
    zone = appointment.location.timezone
    today = local_today(zone)
    first_day = max(parse_date(request.GET.get("from")) or today, today)
    days = selectors.free_slots_by_day(
        appointment.practitioner, first_day, MOVE_DAYS, zone=zone, now=timezone.now()
    )
    context.update(
        zone=zone,
        days=days,
        last_day=days[-1].day,
        any_free=any(day.slots for day in days),
        earlier=first_day - dt.timedelta(days=MOVE_DAYS) if first_day > today else None,
        later=first_day + dt.timedelta(days=MOVE_DAYS),
    )
    return render(request, "scheduling/move.html", context, status=status)


def _moves(appointment: Appointment, form: MoveForm) -> dict[int, dt.datetime]:
    """The moves a valid form asks for; sessions moved along must be of the same course."""
    if not form.is_valid():
        raise ApiError(422, "invalid", "Pick a new time from the list.", "start")
    also = form.cleaned_data["also"]
    if also and (
        appointment.course is None
        or not set(also) <= {a.pk for a in selectors.sessions_of_course(appointment.course)}
    ):
        raise ApiError(422, "invalid", "Only sessions of the same course move together.", "also")
    return {appointment.pk: form.cleaned_data["start"], **also}


def _proposal(error: ApiError) -> list[dict[str, object]]:
    """The later sessions a course_spacing conflict proposes, times parsed for display."""
    return [
        {**item, "start": dt.datetime.fromisoformat(str(item["start"])) if item["start"] else None}
        for item in (error.extra or {}).get("proposal", [])
    ]
