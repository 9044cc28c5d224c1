"""Scheduling API: the near-me search with free time, free slots, bookings of a session or a
course, cancel, move, the waitlist and the client's messages."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from needlepoint.accounts.api import BearerToken
from needlepoint.accounts.models import User
from needlepoint.directory import search
from needlepoint.directory.api import CentreOut, ErrorOut, ResultOut, result_out
from needlepoint.errors import ApiError

from . import near_me, selectors, services
from .models import Appointment, Message

router = Router(tags=["scheduling"])
signed_in = [BearerToken(), django_auth]
MAX_WINDOW_DAYS = 62


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    location_id: int
    timezone: str


class SlotsQuery(Schema):
    start: dt.datetime | None = Field(None, description="From (with offset); default now")
    end: dt.datetime | None = Field(
        None, description=f"Until (with offset); at most {MAX_WINDOW_DAYS} days after start"
    )


class TimedResultOut(ResultOut):
    next_slots: list[SlotOut]


class SearchOut(Schema):
    centre: CentreOut
    count: int
    results: list[TimedResultOut]


class AppointmentOut(Schema):
    id: int
    practitioner_id: int
    location_id: int
    course_id: int | None
    sequence: int
    start: dt.datetime
    end: dt.datetime
    timezone: str
    status: str


class BookingIn(Schema):
    practitioner_id: int
    start: dt.datetime | None = Field(None, description="One session: its start, with offset")
    starts: list[dt.datetime] | None = Field(
        None, description="A course: every session's start, with offset, in order"
    )
    min_gap_days: int = services.DEFAULT_MIN_GAP_DAYS
    max_gap_days: int = services.DEFAULT_MAX_GAP_DAYS
    concern: str | None = None


class BookingOut(Schema):
    course_id: int | None
    appointments: list[AppointmentOut]


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class MoveIn(Schema):
    start: dt.datetime


class CourseMove(Schema):
    appointment_id: int
    start: dt.datetime


class CourseMovesIn(Schema):
    moves: list[CourseMove] = Field(..., min_length=1, max_length=services.MAX_SESSIONS)


class WaitlistIn(Schema):
    practitioner_id: int
    earliest: dt.date
    latest: dt.date


class WaitlistOut(Schema):
    id: int
    practitioner_id: int
    earliest: dt.date
    latest: dt.date
    status: str


class MessageOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    appointment_id: int | None
    created_at: dt.datetime


def appointment_out(a: Appointment) -> AppointmentOut:
    zone = a.location.timezone
    local = a.start.astimezone(ZoneInfo(zone))
    return AppointmentOut(
        id=a.pk,
        practitioner_id=a.practitioner_id,
        location_id=a.location_id,
        course_id=a.course_id,
        sequence=a.sequence,
        start=local,
        end=a.end.astimezone(local.tzinfo),
        timezone=zone,
        status=a.status,
    )


def caller(request: HttpRequest) -> User:
    """The signed-in user, from the bearer token or the session."""
    return request.auth  # type: ignore[attr-defined]


def aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None:
        raise ApiError(422, "naive_time", services.PROBLEM_MESSAGES["naive_time"], field)
    return value


def slot_data(slot: selectors.Slot) -> dict[str, Any]:
    """A free slot in SlotOut's shape, in the location's local time."""
    local_start = slot.local_start
    return {
        "start": local_start,
        "end": slot.end.astimezone(local_start.tzinfo),
        "location_id": slot.location.pk,
        "timezone": slot.location.timezone,
    }


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    summary="Verified practitioners near a place or a point, nearest (or soonest free) first",
)
def search_near(request: HttpRequest, params: Query[search.SearchQuery]) -> HttpResponse:
    """Rendered as plain data, field for field SearchOut (which documents it, and which the
    tests validate every answer against): validating a Schema per nested object cost a third
    of the request."""
    centre = search.resolve_centre(params)
    found = near_me.search_for(params, centre)
    results = [
        {**result_out(t.match), "next_slots": [slot_data(s) for s in t.next_slots]} for t in found
    ]
    body = {
        "centre": {
            "latitude": centre.latitude,
            "longitude": centre.longitude,
            "label": centre.label,
            "radius_km": params.radius_km,
        },
        "count": len(results),
        "results": results,
    }
    from needlepoint.api import api  # the API this router is mounted on (it imports us)

    return api.create_response(request, body, status=200)


@router.get(
    "/practitioners/{practitioner_id}/slots",
    response={200: list[SlotOut], 404: ErrorOut, 422: ErrorOut},
    summary="Free 30-minute slots of a practitioner, times with offsets in the location's zone",
)
def practitioner_slots(
    request: HttpRequest, practitioner_id: int, params: Query[SlotsQuery]
) -> list[dict[str, Any]]:
    now = timezone.now()
    start = aware(params.start, "start") if params.start else now
    end = aware(params.end, "end") if params.end else start + dt.timedelta(days=14)
    if end <= start:
        raise ApiError(422, "invalid", "The end must be after the start.", "end")
    if end - start > dt.timedelta(days=MAX_WINDOW_DAYS):
        raise ApiError(422, "invalid", f"Ask for at most {MAX_WINDOW_DAYS} days at a time.", "end")
    practitioner = selectors.bookable_practitioner(practitioner_id)
    return [slot_data(s) for s in selectors.free_slots(practitioner, start, end, now=now)]


@router.post(
    "/bookings",
    response={201: BookingOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    summary="Book one session (`start`) or a whole course (`starts`): all or nothing",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Status:
    """Needs the client's latest screening (`POST /screenings` with a bearer token) to be
    within the clinic's age limit (default 30 days) and to allow booking: proceed or
    precautions, a defer whose date the sessions are on or after, or a practitioner's
    override. Otherwise 422 with `field` "screening" (or the too-early start) and a code of
    `screening_required`, `screening_expired`, `screening_defer`, `screening_defer_undated`,
    `screening_refer` or `screening_not_suitable`, beside `screening_id`, `outcome` and
    `bookable_from`."""
    client = caller(request)
    if (payload.start is None) == (payload.starts is None):
        raise ApiError(
            422, "invalid", "Give `start` for one session or `starts` for a course.", "start"
        )
    if payload.start is not None:
        appointment = services.book_appointment(
            client=client,
            practitioner_id=payload.practitioner_id,
            start=aware(payload.start, "start"),
        )
        return Status(201, BookingOut(course_id=None, appointments=[appointment_out(appointment)]))
    course = services.book_course(
        client=client,
        practitioner_id=payload.practitioner_id,
        starts=payload.starts or [],
        min_gap_days=payload.min_gap_days,
        max_gap_days=payload.max_gap_days,
        concern=payload.concern,
    )
    sessions = course.appointments.select_related("location").order_by("sequence")
    return Status(
        201, BookingOut(course_id=course.pk, appointments=[appointment_out(a) for a in sessions])
    )


@router.get("/bookings", response=list[AppointmentOut], auth=signed_in, summary="My appointments")
def my_bookings(request: HttpRequest) -> list[AppointmentOut]:
    return [appointment_out(a) for a in selectors.appointments_of_client(caller(request))]


@router.get(
    "/bookings/{appointment_id}",
    response={200: AppointmentOut, 404: ErrorOut},
    auth=signed_in,
    summary="One appointment (the client's own, the practitioner's, or their clinic manager's)",
)
def booking_detail(request: HttpRequest, appointment_id: int) -> AppointmentOut:
    return appointment_out(selectors.appointment_for(caller(request), appointment_id))


@router.post(
    "/bookings/{appointment_id}/cancel",
    response={200: AppointmentOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    summary="Cancel an appointment (clients within the clinic's notice window)",
)
def cancel_booking(request: HttpRequest, appointment_id: int, payload: CancelIn) -> AppointmentOut:
    appointment = services.cancel_appointment(
        by=caller(request),
        appointment_id=appointment_id,
        reason=payload.reason,
    )
    return appointment_out(appointment)


@router.post(
    "/bookings/{appointment_id}/reschedule",
    response={200: list[AppointmentOut], 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    summary="Move an appointment; in a course, 409 with a proposal if later sessions must move too",
)
def reschedule_booking(
    request: HttpRequest, appointment_id: int, payload: MoveIn
) -> list[AppointmentOut]:
    moved = services.move_sessions(
        by=caller(request),
        moves={appointment_id: aware(payload.start, "start")},
    )
    return [appointment_out(a) for a in moved]


@router.post(
    "/courses/{course_id}/reschedule",
    response={200: list[AppointmentOut], 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    summary="Move several sessions of a course at once (all or none)",
)
def reschedule_course(
    request: HttpRequest, course_id: int, payload: CourseMovesIn
) -> list[AppointmentOut]:
    moves = {m.appointment_id: aware(m.start, "moves") for m in payload.moves}
    owned = set(
        Appointment.objects.filter(course_id=course_id, pk__in=moves).values_list("pk", flat=True)
    )
    if owned != set(moves):
        raise ApiError(
            422, "invalid", "Every moved appointment must belong to this course.", "moves"
        )
    moved = services.move_sessions(by=caller(request), moves=moves)
    return [appointment_out(a) for a in moved]


@router.post(
    "/waitlist",
    response={201: WaitlistOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    summary="Wait for a free slot with a practitioner between two dates",
)
def join_waitlist(request: HttpRequest, payload: WaitlistIn) -> Status:
    entry = services.join_waitlist(
        client=caller(request),
        practitioner_id=payload.practitioner_id,
        earliest=payload.earliest,
        latest=payload.latest,
    )
    out = WaitlistOut(
        id=entry.pk,
        practitioner_id=entry.practitioner_id,
        earliest=entry.earliest,
        latest=entry.latest,
        status=entry.status,
    )
    return Status(201, out)


@router.get("/messages", response=list[MessageOut], auth=signed_in, summary="What we told you")
def my_messages(request: HttpRequest) -> list[Message]:
    return list(Message.objects.filter(client_id=caller(request).pk)[:200])
