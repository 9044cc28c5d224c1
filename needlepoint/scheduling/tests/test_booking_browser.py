"""The booking journey in a real Chromium: search, pick a time, book a course, download it;
then the practitioner's and the manager's views of that booking."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from needlepoint.accounts.tests.helpers import sign_in_in_browser
from needlepoint.scheduling.models import Course, TimeOff

from .factories import LONDON, bookable, client_user, local
from .test_pages_access import PASSWORD, make_cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def sign_in(page, base_url: str, email: str, next_path: str) -> None:
    sign_in_in_browser(page, base_url, email, PASSWORD, next_path)


def next_clock_change(zone: ZoneInfo, after: dt.date) -> dt.date:
    """The first local date, at least three days after `after`, whose UTC offset differs
    from the day before's (noon to noon)."""
    day = after + dt.timedelta(days=3)
    noon = dt.time(12)
    while (
        dt.datetime.combine(day, noon, zone).utcoffset()
        == dt.datetime.combine(day - dt.timedelta(days=1), noon, zone).utcoffset()
    ):
        day += dt.timedelta(days=1)
    return day


def shown(moment: dt.datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def test_a_client_books_a_course_from_the_search_and_downloads_it(live_server, page) -> None:
    soon = bookable(name="Sunita Soon", lat=53.80, lon=-1.55)
    later = bookable(name="Larry Later", lat=53.79, lon=-1.54)
    TimeOff.objects.create(practitioner=later, start=local(-1, 0), end=local(4, 0))
    policy = soon.clinic.booking_policy
    policy.horizon_days = 366
    policy.save()
    client_user("client@example.test")
    # Gaps long enough that the third session falls after the next clock change, so the .ics
    # must carry both offsets.
    today = dt.datetime.now(LONDON).date()
    change = next_clock_change(LONDON, today)
    min_gap = max(28, math.ceil(((change - today).days + 2) / 2))
    max_gap = min(min_gap + 14, 180)

    sign_in(page, live_server.url, "client@example.test", "/search/")
    page.fill("#near", "Leeds")
    page.select_option("#sort", "soonest")
    page.click(".field-submit button")
    page.wait_for_selector(".result")
    assert page.locator(".result .name").all_inner_texts() == ["Sunita Soon", "Larry Later"]
    chip = page.locator(".result >> nth=0 >> .slot-chip >> nth=0")
    chip_day, chip_time = chip.inner_text().split(", ")
    chip.click()

    page.wait_for_selector("#first-session")
    first_shown = page.inner_text("#first-session")
    assert first_shown.startswith(chip_day)
    assert f", {chip_time} (Europe/London)" in first_shown
    page.check("#kind-course")
    assert page.is_visible("#course-plan")
    assert page.input_value("#sessions") == "3"
    with page.expect_navigation():
        page.fill("#max_gap_days", str(max_gap))
        page.press("#max_gap_days", "Tab")
    with page.expect_navigation():
        page.fill("#min_gap_days", str(min_gap))
        page.press("#min_gap_days", "Tab")
    assert page.input_value("#min_gap_days") == str(min_gap)
    assert page.is_checked("#kind-course")
    page.screenshot(path="/tmp/needlepoint-book-course.png", full_page=True)
    with page.expect_navigation():
        page.click("#confirm")

    assert "Booked: a course of 3 sessions" in page.inner_text(".flash")
    sessions = page.locator("#sessions .session")
    assert sessions.count() == 3
    on_page = [s.inner_text().split("\n")[0] for s in sessions.all()]
    whens = page.locator("#sessions .when").all_inner_texts()
    assert all(w + " (Europe/London)" in line for w, line in zip(whens, on_page, strict=True))
    assert whens[0] + " (Europe/London)" == first_shown
    page.screenshot(path="/tmp/needlepoint-course-booked.png", full_page=True)

    with page.expect_download() as download:
        page.click("#ics")
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    events = calendar.walk("VEVENT")
    starts = [event.decoded("dtstart") for event in events]
    assert [shown(start.astimezone(LONDON)) for start in starts] == whens
    assert all(str(start.tzinfo) == "Europe/London" for start in starts)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert starts[0].utcoffset() != starts[-1].utcoffset()  # the course spans the clock change
    course = Course.objects.get()
    assert [a.start for a in course.appointments.order_by("sequence")] == starts


def test_practitioner_and_manager_see_the_booking(live_server, page) -> None:
    cast = make_cast()  # client A ("Alice Client") has a course with X starting in 4 days
    first = cast.course.appointments.get(sequence=1)
    day = first.start.astimezone(LONDON).date()

    sign_in(page, live_server.url, "px@example.test", "/")
    page.click("nav >> text=Calendar")
    page.goto(f"{live_server.url}/clinic/calendar/?view=week&date={day}")
    booked = f"[data-appointment='{first.pk}']"
    cell = page.locator(f"#calendar {booked}")
    assert "10:00" in cell.inner_text()
    assert "Alice Client" in cell.inner_text()
    assert "Session 1 of 3" in cell.inner_text()
    # In the 10:00 row and under the day's heading.
    headings = page.locator("#calendar thead th").all_inner_texts()
    column = headings.index(f"{day:%a} {day.day} {day:%b}")
    row = page.locator("#calendar tbody tr", has=page.locator(booked))
    assert row.locator("th").inner_text() == "10:00"
    assert row.locator("td").nth(column - 1).locator(booked).count() == 1
    page.screenshot(path="/tmp/needlepoint-calendar-week.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, live_server.url, "mx@example.test", "/")
    with page.expect_navigation():
        page.click("nav >> text=Clinic")
    location = cast.practitioner_x.locations.get()
    with page.expect_navigation():
        page.click(f"#locations >> text={location.name}")
    page.fill("#date", str(day))
    with page.expect_navigation():
        page.click("main .pager button")
    cell = page.locator(f"#location-day [data-appointment='{first.pk}']")
    assert "Alice Client" in cell.inner_text()
    assert "10:00" in cell.inner_text()
    assert page.locator("#location-day .entry.free").count() > 0
    page.screenshot(path="/tmp/needlepoint-location-day.png", full_page=True)
