"""Scheduling pages: the near-me search with free time, a practitioner's slot picker and
booking a session or a course (what follows a booking is in appointment_views.py, the clinic's
pages in clinic_views.py)."""

import datetime as dt
import re
from typing import Any, cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlepoint.accounts.models import Role, User
from needlepoint.directory import search
from needlepoint.directory import selectors as directory_selectors
from needlepoint.directory.concerns import CONCERNS
from needlepoint.errors import ApiError
from needlepoint.screening import selectors as screening_selectors

from . import near_me, selectors, services
from .forms import (
    MAX_COURSE_SESSIONS,
    MIN_COURSE_SESSIONS,
    BookingForm,
    WaitlistForm,
)

RADIUS_CHOICES = (5, 10, 25, 50, 100, 200)
LIMIT_CHOICES = (10, 20, 50, 100)
WITHIN_CHOICES = (1, 3, 7, 14, 30)
PICKER_WEEKS_AHEAD = 53  # how far ahead the slot picker pages


def search_page(request: HttpRequest) -> HttpResponse:
    """The form, the list with next free slots, and the map; errors next to their field."""
    context: dict[str, object] = {
        "params": request.GET,
        "concerns": CONCERNS,
        "radius_choices": RADIUS_CHOICES,
        "limit_choices": LIMIT_CHOICES,
        "within_choices": WITHIN_CHOICES,
        "searched": bool(request.GET),
    }
    status = 200
    if request.GET:
        try:
            query, centre = search.parse(request.GET.dict())
        except ApiError as error:
            context["error"] = error
            status = error.status
        else:
            found = near_me.search_for(query, centre)
            wider = next((r for r in RADIUS_CHOICES if r > query.radius_km), None)
            wider_params = request.GET.copy()
            if wider is not None:
                wider_params["radius_km"] = str(wider)
            context.update(
                query=query,
                centre=centre,
                results=found,
                wider_radius=wider,
                wider_query=wider_params.urlencode(),
                map_data={
                    "centre": [centre.latitude, centre.longitude],
                    "radius_km": query.radius_km,
                    "markers": [
                        {
                            "lat": t.match.location.latitude,
                            "lon": t.match.location.longitude,
                            "name": t.match.practitioner.full_name,
                            "clinic": t.match.practitioner.clinic.name,
                            "url": f"/practitioners/{t.match.practitioner.pk}/",
                        }
                        for t in found
                    ],
                },
            )
    return render(request, "scheduling/search.html", context, status=status)


def signed_in(request: HttpRequest) -> User:
    """The user of a request that login_required has let through."""
    return cast(User, request.user)


def parse_date(raw: str | None) -> dt.date | None:
    """A YYYY-MM-DD query parameter; anything else reads as absent (the page's default)."""
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def local_today(zone: str) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(zone))


# --- A practitioner's page: profile, slot picker, waitlist ----------------------------------


def practitioner_page(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    return _render_practitioner(request, practitioner_id, WaitlistForm())


@login_required
@require_POST
def join_waitlist(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    form = WaitlistForm(request.POST)
    if form.is_valid():
        try:
            services.join_waitlist(
                client=signed_in(request),
                practitioner_id=practitioner_id,
                earliest=form.cleaned_data["earliest"],
                latest=form.cleaned_data["latest"],
            )
        except ApiError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "You are on the waitlist: we will write when a slot frees.")
            return redirect("scheduling:practitioner", practitioner_id)
    return _render_practitioner(request, practitioner_id, form, status=422)


def _render_practitioner(
    request: HttpRequest, practitioner_id: int, waitlist_form: WaitlistForm, status: int = 200
) -> HttpResponse:
    """The profile and one week (Monday to Sunday, `?week=`) of free slots by local day."""
    practitioner = directory_selectors.public_practitioner(practitioner_id)
    zone = selectors.practitioner_zone(practitioner)
    today = local_today(zone)
    clearance = None
    if request.user.is_authenticated and signed_in(request).role == Role.CLIENT:
        clearance = services.clearance_for(signed_in(request), practitioner, now=timezone.now())
    # A client told to wait sees the slots from the first day they may book.
    first_day = clearance.bookable_from if clearance and clearance.bookable_from else today
    asked = parse_date(request.GET.get("week")) or first_day
    asked = min(max(asked, today), today + dt.timedelta(weeks=PICKER_WEEKS_AHEAD))
    monday = asked - dt.timedelta(days=asked.weekday())
    days = selectors.free_slots_by_day(practitioner, monday, 7, zone=zone, now=timezone.now())
    prices = directory_selectors.session_prices({practitioner.clinic_id})
    context = {
        "practitioner": practitioner,
        "price": prices.get(practitioner.clinic_id),
        "zone": zone,
        "today": today,
        "days": days,
        "previous_week": monday - dt.timedelta(days=7) if monday > today else None,
        "next_week": monday + dt.timedelta(days=7)
        if monday < today + dt.timedelta(weeks=PICKER_WEEKS_AHEAD - 1)
        else None,
        "waitlist_form": waitlist_form,
        "clearance": clearance,
    }
    return render(request, "scheduling/practitioner.html", context, status=status)


# --- Booking a session or a course ---------------------------------------------------------


@login_required
def book_page(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    """GET shows the chosen first session and a proposed course; POST with action=update
    re-proposes after the client changed something, action=confirm books."""
    practitioner = selectors.bookable_practitioner(practitioner_id)
    data = request.POST if request.method == "POST" else request.GET
    client = signed_in(request)
    course_plan = screening_selectors.course_defaults(client.pk)
    form = BookingForm(data, plan=course_plan)
    context: dict[str, object] = {
        "practitioner": practitioner,
        "form": form,
        "course_plan": course_plan,
    }
    if not form.is_valid():
        return render(request, "scheduling/book.html", context, status=422)
    choice = form.cleaned_data
    status = 200
    now = timezone.now()
    clearance = services.clearance_for(client, practitioner, now=now)
    zone = ZoneInfo(selectors.practitioner_zone(practitioner))
    if not clearance.allows(choice["start"].astimezone(zone).date()):
        context.update(clearance=clearance, next_url=request.get_full_path())
        return render(request, "scheduling/book_blocked.html", context)
    if request.method == "POST" and data.get("action") == "confirm":
        try:
            return redirect(_book(request, practitioner_id, choice))
        except ApiError as error:
            status = error.status
            context.update(error=error, alternatives=_alternatives(practitioner_id, choice, error))
    first = selectors.slot_at(practitioner, choice["start"], now=now)
    plan = (
        selectors.plan_course(
            practitioner,
            choice["start"],
            sessions=choice["sessions"],
            min_gap_days=choice["min_gap_days"],
            max_gap_days=choice["max_gap_days"],
            chosen=choice["chosen"],
            now=now,
        )
        if first is not None
        else []
    )
    if first is None and "alternatives" not in context:
        context["alternatives"] = [
            (
                slot.start,
                slot.location.timezone,
                _book_url(practitioner_id, {**choice, "start": slot.local_start}),
            )
            for slot in selectors.slots_near(practitioner, choice["start"], now=now)
        ]
    context.update(
        choice=choice,
        first=first,
        plan=plan,
        session_choices=range(MIN_COURSE_SESSIONS, MAX_COURSE_SESSIONS + 1),
    )
    return render(request, "scheduling/book.html", context, status=status)


def _book(request: HttpRequest, practitioner_id: int, choice: dict[str, Any]) -> str:
    """Books what the form holds (never a re-proposal the client did not see); the URL of
    the booking's page."""
    client = signed_in(request)
    if choice["kind"] != "course":
        appointment = services.book_appointment(
            client=client, practitioner_id=practitioner_id, start=choice["start"]
        )
        messages.success(request, "Booked. We have sent you a confirmation.")
        return reverse("scheduling:appointment", args=[appointment.pk])
    later = [choice["chosen"].get(n) for n in range(2, choice["sessions"] + 1)]
    if any(start is None for start in later):
        raise ApiError(422, "invalid", "Pick a time for every session of the course.", "starts")
    course = services.book_course(
        client=client,
        practitioner_id=practitioner_id,
        starts=[choice["start"], *[s for s in later if s is not None]],
        min_gap_days=choice["min_gap_days"],
        max_gap_days=choice["max_gap_days"],
        concern=choice["concern"],
    )
    messages.success(
        request, f"Booked: a course of {course.sessions} sessions. We have sent you a confirmation."
    )
    return reverse("scheduling:course", args=[course.pk])


def _book_url(practitioner_id: int, choice: dict[str, Any]) -> str:
    """The booking page for `choice` (first start, course shape, later picks)."""
    query = {
        "start": choice["start"].isoformat(),
        "kind": choice["kind"],
        "sessions": choice["sessions"],
        "min_gap_days": choice["min_gap_days"],
        "max_gap_days": choice["max_gap_days"],
    }
    query.update({f"session_{n}": s.isoformat() for n, s in choice["chosen"].items()})
    return reverse("scheduling:book", args=[practitioner_id]) + "?" + urlencode(query)


def _alternatives(
    practitioner_id: int, choice: dict[str, Any], error: ApiError
) -> list[tuple[dt.datetime, str, str]]:
    """The fresh free times of a 409, each with the booking page that puts it in the place of
    the session that was taken (field "start" or "starts[i]")."""
    index = re.fullmatch(r"starts\[(\d+)\]", error.field or "")
    number = int(index.group(1)) + 1 if index else 1
    found = []
    for alternative in (error.extra or {}).get("alternatives", []):
        start = dt.datetime.fromisoformat(alternative["start"])
        if number == 1:
            replaced = {**choice, "start": start}
        else:
            kept = {n: s for n, s in choice["chosen"].items() if n < number}
            replaced = {**choice, "chosen": {**kept, number: start}}
        found.append((start, alternative["timezone"], _book_url(practitioner_id, replaced)))
    return found
