"""The slot picker and the booking page: one session, a course, a taken time, bad input."""

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment, Course, TimeOff, WaitlistEntry

from .factories import LONDON, bookable, client_user, local, text

pytestmark = pytest.mark.django_db


def book_url(practitioner, **query: object) -> str:
    return f"/practitioners/{practitioner.pk}/book/?{urlencode(query)}"


def selected(response, name: str) -> str:
    """The value of the selected option of the select named `name`."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no select {name}"
    return unescape(re.search(r'<option value="([^"]+)" selected', select.group(0)).group(1))


def test_the_practitioner_page_shows_a_week_of_free_times_by_local_day(client, practitioner):
    TimeOff.objects.create(practitioner=practitioner, start=local(8, 0), end=local(9, 0))
    day = local(8, 0).date()
    response = client.get(f"/practitioners/{practitioner.pk}/?week={day}")
    assert response.status_code == 200
    html = response.content.decode()
    monday = day - dt.timedelta(days=day.weekday())
    assert f'data-day="{monday}"' in html
    assert f'data-day="{monday + dt.timedelta(days=6)}"' in html
    days = re.findall(r'data-day="([\d-]+)">(.*?)</div>', html, re.S)
    by_day = {d: re.findall(r">(\d\d:\d\d)</a>", body) for d, body in days}
    assert len(by_day) == 7
    assert by_day[str(day)] == []  # the day off
    other = next(
        d for d in by_day if d != str(day) and dt.date.fromisoformat(d) > local(1, 0).date()
    )
    assert by_day[other][0] == "09:00"
    assert by_day[other][-1] == "16:30"
    assert "(times in Europe/London)" in text(response)
    link = re.search(rf'href="(/practitioners/{practitioner.pk}/book/\?start=[^"]+)"', html)
    assert link
    assert f"?week={monday + dt.timedelta(days=7)}" in html


def test_the_slot_picker_shows_summer_times_in_local_time(client):
    """A 09:00 BST slot is 08:00 UTC: the picker must show 09:00, the location's clock."""
    practitioner = bookable()
    policy = practitioner.clinic.booking_policy
    policy.horizon_days = 366
    policy.save()
    today = dt.date.today()
    july = dt.date(today.year + (today >= dt.date(today.year, 7, 1)), 7, 1)
    response = client.get(f"/practitioners/{practitioner.pk}/?week={july}")
    times = re.findall(r">(\d\d:\d\d)</a>", response.content.decode())
    assert times[0] == "09:00"
    assert times[-1] == "16:30"


def test_a_client_books_one_session(signed_in, practitioner, client_a):
    start = local(3, 10, 30)
    page = signed_in.get(book_url(practitioner, start=start.isoformat()))
    assert page.status_code == 200
    assert start.strftime("%a %-d %b %Y, 10:30") in text(page)
    assert "(Europe/London)" in text(page)
    response = signed_in.post(
        book_url(practitioner), {"start": start.isoformat(), "kind": "one", "action": "confirm"}
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/appointments/{appointment.pk}/"
    assert appointment.client == client_a
    assert appointment.start == start
    assert appointment.course is None
    done = signed_in.get(response["Location"])
    assert start.strftime("%a %-d %b %Y, 10:30") + " (Europe/London)" in text(done)
    assert f"/appointments/{appointment.pk}.ics" in done.content.decode()


def test_the_page_proposes_a_course_at_the_same_time_of_day(signed_in, practitioner):
    start = local(3, 10)
    page = signed_in.get(book_url(practitioner, start=start.isoformat(), kind="course"))
    assert page.status_code == 200
    second = dt.datetime.fromisoformat(selected(page, "session_2"))
    third = dt.datetime.fromisoformat(selected(page, "session_3"))
    # Everything is free, so each later session is the first day of its window, at 10:00.
    assert second == local(3 + 28, 10)
    assert third == local(3 + 56, 10)
    assert services.spacing_ok([start, second, third], dt.timedelta(days=28), dt.timedelta(days=42))
    assert "session_4" not in page.content.decode()


def test_a_client_books_a_course_of_the_proposed_sessions(signed_in, practitioner, client_a):
    start = local(3, 10)
    page = signed_in.get(book_url(practitioner, start=start.isoformat(), kind="course", sessions=4))
    later = [selected(page, f"session_{n}") for n in (2, 3, 4)]
    response = signed_in.post(
        book_url(practitioner),
        {
            "start": start.isoformat(),
            "kind": "course",
            "sessions": 4,
            "min_gap_days": 28,
            "max_gap_days": 42,
            "session_2": later[0],
            "session_3": later[1],
            "session_4": later[2],
            "action": "confirm",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/courses/{course.pk}/"
    assert course.client == client_a
    assert course.sessions == 4
    starts = [a.start for a in course.appointments.order_by("sequence")]
    assert starts == [start, *(dt.datetime.fromisoformat(s) for s in later)]
    done = text(signed_in.get(response["Location"]))
    for n, moment in enumerate(starts, start=1):
        local_start = moment.astimezone(LONDON)
        assert (
            f"Session {n} of 4 {local_start:%a} {local_start.day} {local_start:%b %Y, %H:%M}"
            in done
        )


def test_the_client_may_pick_another_time_for_a_later_session(signed_in, practitioner):
    start = local(3, 10)
    own_pick = local(3 + 35, 14)
    page = signed_in.post(
        book_url(practitioner),
        {
            "start": start.isoformat(),
            "kind": "course",
            "sessions": 3,
            "session_2": own_pick.isoformat(),
            "action": "update",
        },
    )
    assert page.status_code == 200
    assert dt.datetime.fromisoformat(selected(page, "session_2")) == own_pick
    third = dt.datetime.fromisoformat(selected(page, "session_3"))
    assert dt.timedelta(days=28) - services.CLOCK_CHANGE <= third - own_pick
    assert third.astimezone(LONDON).time() == dt.time(10)  # back to the first session's time
    assert not Appointment.objects.exists()


def test_a_taken_time_shows_the_message_and_alternatives_and_writes_nothing(
    signed_in, practitioner
):
    start = local(3, 10)
    services.book_appointment(client=client_user(), practitioner_id=practitioner.pk, start=start)
    response = signed_in.post(
        book_url(practitioner), {"start": start.isoformat(), "kind": "one", "action": "confirm"}
    )
    assert response.status_code == 409
    body = text(response)
    assert "Someone has just booked that time" in body
    links = re.findall(r'class="slot-chip" href="([^"]+)"', response.content.decode())
    assert links
    offered = [
        dt.datetime.fromisoformat(parse_qs(urlsplit(unescape(u)).query)["start"][0]) for u in links
    ]
    assert start not in offered
    assert offered[:2] == [local(3, 9), local(3, 9, 30)]  # the nearest free, that morning
    assert Appointment.objects.count() == 1
    assert not Course.objects.exists()


def test_a_course_whose_third_session_was_taken_books_nothing(signed_in, practitioner):
    start = local(3, 10)
    page = signed_in.get(book_url(practitioner, start=start.isoformat(), kind="course"))
    second, third = selected(page, "session_2"), selected(page, "session_3")
    services.book_appointment(
        client=client_user(),
        practitioner_id=practitioner.pk,
        start=dt.datetime.fromisoformat(third),
    )
    response = signed_in.post(
        book_url(practitioner),
        {
            "start": start.isoformat(),
            "kind": "course",
            "sessions": 3,
            "session_2": second,
            "session_3": third,
            "action": "confirm",
        },
    )
    assert response.status_code == 409
    assert "Someone has just booked that time" in text(response)
    links = [
        unescape(u)
        for u in re.findall(r'class="slot-chip" href="([^"]+)"', response.content.decode())
    ]
    assert links
    assert all("session_3=" in link for link in links)  # each offers a new third session
    assert Appointment.objects.count() == 1
    assert not Course.objects.exists()


def test_a_course_that_breaks_the_spacing_is_explained(signed_in, practitioner):
    response = signed_in.post(
        book_url(practitioner),
        {
            "start": local(3, 10).isoformat(),
            "kind": "course",
            "sessions": 2,
            "session_2": local(13, 10).isoformat(),
            "action": "confirm",
        },
    )
    # The page re-proposes a second session inside the window, but books nothing it did not show.
    assert response.status_code == 422
    assert "28 to 42 days apart" in text(response)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": "next tuesday"},
        {"start": "2026-12-08T10:30:00"},
        {"start": "x", "sessions": 9},
    ],
)
def test_bad_input_is_explained_not_a_500(signed_in, practitioner, query):
    response = signed_in.get(book_url(practitioner, **query))
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_a_time_that_is_gone_offers_others(signed_in, practitioner):
    start = local(3, 10)
    services.book_appointment(client=client_user(), practitioner_id=practitioner.pk, start=start)
    response = signed_in.get(book_url(practitioner, start=start.isoformat()))
    assert response.status_code == 200
    assert "That time cannot be booked any more" in text(response)
    assert 'class="slot-chip"' in response.content.decode()
    assert "Confirm booking" not in text(response)


def test_a_practitioner_who_is_not_bookable_is_404(signed_in, practitioner):
    practitioner.is_active = False
    practitioner.save()
    response = signed_in.get(book_url(practitioner, start=local(3, 10).isoformat()))
    assert response.status_code == 404


def test_a_client_joins_the_waitlist_from_the_practitioner_page(signed_in, practitioner, client_a):
    today = dt.date.today()
    page = signed_in.get(f"/practitioners/{practitioner.pk}/")
    assert "Join the waitlist" in text(page)
    response = signed_in.post(
        f"/practitioners/{practitioner.pk}/waitlist/",
        {"earliest": today, "latest": today + dt.timedelta(days=7)},
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.client, entry.earliest) == (client_a, today)
    assert "You are on the waitlist" in text(signed_in.get(response["Location"]))
    bad = signed_in.post(
        f"/practitioners/{practitioner.pk}/waitlist/",
        {"earliest": today, "latest": today - dt.timedelta(days=1)},
    )
    assert bad.status_code == 422
    assert "must not be before the first" in text(bad)
    assert WaitlistEntry.objects.count() == 1
