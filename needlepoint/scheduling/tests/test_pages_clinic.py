"""The practitioner's calendar and the manager's day at a location, through HTTP."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client

from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.selectors import session_service

from .factories import LONDON, bookable, local, text
from .test_pages_access import Cast, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cells(response, table_id: str) -> list[list[str]]:
    """The table's rows as lists of cell texts (the row's time first)."""
    html = response.content.decode()
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [
            unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c))).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_the_week_view_shows_each_appointment_in_its_day_and_time(cast: Cast) -> None:
    day = local(4, 0).date()
    response = signed_in(cast.users["practitioner_x"]).get(f"/clinic/calendar/?date={day}")
    assert response.status_code == 200
    grid = cells(response, "calendar")
    header = grid[0]
    column = header.index(f"{day:%a} {day.day} {day:%b}")
    row = next(r for r in grid[1:] if r[0] == "10:00")
    assert "10:00 Alice Client Session 1 of 3" in row[column]
    assert "Booked" in row[column]
    assert "times in Europe/London" in text(response)


def test_the_day_view_shows_only_that_day(cast: Cast) -> None:
    client = signed_in(cast.users["practitioner_x"])
    other_day = local(3, 0).date()
    response = client.get(f"/clinic/calendar/?view=day&date={other_day}")
    page = text(response)
    assert "Single session" in page  # client A's single session on day 3
    assert "Session 1 of 3" not in page  # the course starts on day 4
    empty = client.get(f"/clinic/calendar/?view=day&date={local(10, 0).date()}")
    assert "No appointments this day" in text(empty)


def test_another_practitioners_calendar_does_not_show_them(cast: Cast) -> None:
    response = signed_in(cast.users["practitioner_y"]).get(
        f"/clinic/calendar/?date={local(4, 0).date()}"
    )
    assert "Alice Client" not in text(response)


def test_a_summer_appointment_shows_at_its_british_summer_time(cast: Cast) -> None:
    practitioner = cast.practitioner_x
    summer = dt.date(dt.date.today().year + 1, 7, 6)
    start = dt.datetime.combine(summer, dt.time(10), tzinfo=LONDON)  # 09:00 UTC
    Appointment.objects.create(
        client=cast.users["client_b"],
        practitioner=practitioner,
        location=practitioner.locations.get(),
        service=session_service(practitioner.clinic_id),
        start=start,
        end=start + dt.timedelta(minutes=30),
        blocked_until=start + dt.timedelta(minutes=30),
    )
    response = signed_in(cast.users["practitioner_x"]).get(
        f"/clinic/calendar/?view=day&date={summer}"
    )
    time, cell = cells(response, "calendar")[1]
    assert time == "10:00"
    assert cell.startswith("10:00 b@example.test Single session")


def test_the_location_day_has_a_column_per_practitioner_with_bookings_and_free_slots(
    cast: Cast,
) -> None:
    location = cast.practitioner_x.locations.get()
    colleague = bookable(name="Colin Colleague")
    colleague.clinic = cast.practitioner_x.clinic
    colleague.save()
    colleague.locations.set([location])
    colleague.working_hours.update(location=location)
    stranger = bookable(name="Sam Stranger")  # another clinic's practitioner
    day = local(3, 0).date()
    response = signed_in(cast.users["manager_x"]).get(
        f"/clinic/locations/{location.pk}/?date={day}"
    )
    assert response.status_code == 200
    grid = cells(response, "location-day")
    assert grid[0] == ["Time", "Colin Colleague", "Xena Practitioner"]
    by_time = {row[0]: row[1:] for row in grid[1:]}
    assert by_time["10:00"][1].startswith("10:00 Alice Client Single session")
    assert by_time["10:00"][0] == "10:00 free"
    assert by_time["09:00"] == ["09:00 free", "09:00 free"]
    assert by_time["16:30"] == ["16:30 free", "16:30 free"]
    assert stranger.full_name not in text(response)


def test_the_clinic_page_lists_the_managers_locations(cast: Cast) -> None:
    location = cast.practitioner_x.locations.get()
    response = signed_in(cast.users["manager_x"]).get("/clinic/")
    assert f'href="/clinic/locations/{location.pk}/"' in response.content.decode()
    assert f'href="/clinic/locations/{cast.practitioner_y.locations.get().pk}/"' not in (
        response.content.decode()
    )
    mine = signed_in(cast.users["practitioner_x"]).get("/clinic/")
    assert 'href="/clinic/calendar/"' in mine.content.decode()
