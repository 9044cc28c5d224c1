"""Clinic pages: the practitioner's calendar and a manager's day at one of their locations."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .models import Appointment
from .views import local_today, parse_date, signed_in

ROW = dt.timedelta(minutes=selectors.SESSION_MINUTES)


@dataclass(frozen=True)
class Entry:
    """One thing in a grid cell: an appointment, or a free slot (appointment None)."""

    when: dt.datetime  # local, in the grid's zone
    appointment: Appointment | None = None


@dataclass(frozen=True)
class Row:
    time: dt.time
    cells: list[list[Entry]]


def grid(columns: list[list[Entry]]) -> list[Row]:
    """Half-hour rows of local wall-clock time, from the earliest entry to the latest, one
    cell per column. Rows go by the wall clock, so a DST day still reads 09:00, 09:30, …"""
    cells: dict[dt.time, list[list[Entry]]] = defaultdict(lambda: [[] for _ in columns])
    for index, column in enumerate(columns):
        for entry in column:
            floor = entry.when.replace(
                minute=entry.when.minute - entry.when.minute % 30, second=0, microsecond=0
            )
            cells[floor.time()][index].append(entry)
    if not cells:
        return []
    day = dt.date(2000, 1, 3)  # any date: only the clock times matter here
    at = dt.datetime.combine(day, min(cells))
    last = dt.datetime.combine(day, max(cells))
    rows = []
    while at <= last:
        rows.append(Row(at.time(), cells[at.time()]))
        at += ROW
    return rows


@login_required
def clinic_home(request: HttpRequest) -> HttpResponse:
    practitioner, locations = selectors.clinic_desk(signed_in(request))
    return render(
        request, "scheduling/clinic.html", {"practitioner": practitioner, "locations": locations}
    )


@login_required
def practitioner_calendar(request: HttpRequest) -> HttpResponse:
    """`?view=day|week&date=YYYY-MM-DD`: the signed-in practitioner's appointments, in the
    zone of their first location."""
    practitioner = selectors.practitioner_of(signed_in(request))
    zone = selectors.practitioner_zone(practitioner)
    view = "day" if request.GET.get("view") == "day" else "week"
    day = parse_date(request.GET.get("date")) or local_today(zone)
    first = day if view == "day" else day - dt.timedelta(days=day.weekday())
    length = 1 if view == "day" else 7
    start, end = selectors.local_day_bounds(first, zone, length)
    tz = ZoneInfo(zone)
    days = [first + dt.timedelta(days=n) for n in range(length)]
    columns: list[list[Entry]] = [[] for _ in days]
    for appointment in selectors.appointments_of_practitioner(practitioner, start, end):
        local = appointment.start.astimezone(tz)
        columns[(local.date() - first).days].append(Entry(local, appointment))
    step = dt.timedelta(days=length)
    context = {
        "practitioner": practitioner,
        "zone": zone,
        "view": view,
        "day": day,
        "days": days,
        "rows": grid(columns),
        "count": sum(len(column) for column in columns),
        "previous": first - step,
        "next": first + step,
        "today": local_today(zone),
    }
    return render(request, "scheduling/calendar.html", context)


@login_required
def location_page(request: HttpRequest, location_id: int) -> HttpResponse:
    """`?date=YYYY-MM-DD`: one local day at a location, a column per practitioner working
    there, with their appointments and free slots."""
    location = selectors.managed_location(signed_in(request), location_id)
    zone = location.timezone
    day = parse_date(request.GET.get("date")) or local_today(zone)
    practitioners = selectors.location_day(location, day, now=timezone.now())
    tz = ZoneInfo(zone)
    columns = [
        [Entry(a.start.astimezone(tz), a) for a in column.appointments]
        + [Entry(slot.start.astimezone(tz)) for slot in column.free]
        for column in practitioners
    ]
    context = {
        "location": location,
        "zone": zone,
        "day": day,
        "practitioners": [column.practitioner for column in practitioners],
        "rows": grid(columns),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }
    return render(request, "scheduling/location.html", context)
