"""/me/appointments/: the client's bookings and messages, cancel and move, the .ics files."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment, Message

from .factories import LONDON, bookable, client_user, local, text

pytestmark = pytest.mark.django_db


def shown(moment: dt.datetime) -> str:
    local_time = moment.astimezone(LONDON)
    return f"{local_time:%a} {local_time.day} {local_time:%b %Y, %H:%M} (Europe/London)"


def course_of_three(client, practitioner):
    return services.book_course(
        client=client,
        practitioner_id=practitioner.pk,
        starts=[local(3, 10), local(33, 10), local(63, 10)],
    )


def test_the_page_lists_bookings_with_courses_grouped_and_messages(
    signed_in, practitioner, client_a
):
    single = services.book_appointment(
        client=client_a, practitioner_id=practitioner.pk, start=local(5, 14)
    )
    course = course_of_three(client_a, practitioner)
    other_client = services.book_appointment(
        client=client_user(), practitioner_id=practitioner.pk, start=local(6, 9)
    )
    Message.objects.create(
        client=client_a, appointment=single, kind="confirmation", subject="Booked!", body="Hi"
    )
    Message.objects.create(client=client_user(), kind="reminder", subject="Not yours", body="x")
    response = signed_in.get("/me/appointments/")
    assert response.status_code == 200
    page = text(response)
    assert "Course of 3 sessions with Xena Practitioner" in page
    for n, appointment in enumerate(course.appointments.order_by("sequence"), start=1):
        assert f"Session {n} of 3 {shown(appointment.start)}" in page
    assert shown(single.start) in page
    assert shown(other_client.start) not in page
    assert "Booked!" in page
    assert "Not yours" not in page
    html = response.content.decode()
    assert f"/courses/{course.pk}.ics" in html
    assert f"/appointments/{single.pk}.ics" in html
    # Upcoming bookings come soonest first: the course (in 3 days) before the single (in 5).
    assert html.index(f"course-{course.pk}") < html.index(f"appointment-{single.pk}")


def test_a_client_cancels_a_session_with_a_reason(signed_in, practitioner, client_a):
    appointment = services.book_appointment(
        client=client_a, practitioner_id=practitioner.pk, start=local(5, 14)
    )
    response = signed_in.post(
        f"/me/appointments/{appointment.pk}/cancel/", {"reason": "Feeling unwell"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/appointments/"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancel_reason == "Feeling unwell"
    page = signed_in.get("/me/appointments/")
    assert "Cancelled. We have sent you a confirmation." in text(page)
    assert "Past and cancelled" in text(page)
    assert f"/me/appointments/{appointment.pk}/cancel/" not in page.content.decode()


def test_a_refused_cancellation_is_explained_and_changes_nothing(signed_in, client_a):
    practitioner = bookable(cancellation_notice_hours=24 * 5)
    appointment = services.book_appointment(
        client=client_a, practitioner_id=practitioner.pk, start=local(3, 10)
    )
    response = signed_in.post(f"/me/appointments/{appointment.pk}/cancel/", follow=True)
    assert "Changes online close 120 hours before a session" in text(response)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_client_moves_a_session_to_a_free_time(signed_in, practitioner, client_a):
    appointment = services.book_appointment(
        client=client_a, practitioner_id=practitioner.pk, start=local(5, 14)
    )
    page = signed_in.get(f"/me/appointments/{appointment.pk}/move/")
    assert page.status_code == 200
    new_start = local(6, 11, 30)
    assert f'value="{new_start.isoformat()}"' in page.content.decode()
    response = signed_in.post(
        f"/me/appointments/{appointment.pk}/move/", {"start": new_start.isoformat()}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert shown(new_start) in text(signed_in.get("/me/appointments/"))


def test_a_move_to_a_taken_time_is_refused_and_explained(signed_in, practitioner, client_a):
    appointment = services.book_appointment(
        client=client_a, practitioner_id=practitioner.pk, start=local(5, 14)
    )
    services.book_appointment(
        client=client_user(), practitioner_id=practitioner.pk, start=local(6, 9)
    )
    response = signed_in.post(
        f"/me/appointments/{appointment.pk}/move/", {"start": local(6, 9).isoformat()}
    )
    assert response.status_code == 409
    assert "Someone has just booked that time" in text(response)
    appointment.refresh_from_db()
    assert appointment.start == local(5, 14)


def test_moving_a_course_session_offers_to_move_the_later_ones_too(
    signed_in, practitioner, client_a
):
    course = course_of_three(client_a, practitioner)
    first, second, third = course.appointments.order_by("sequence")
    new_start = local(17, 10)  # 16 days before the second session: the spacing breaks
    response = signed_in.post(
        f"/me/appointments/{first.pk}/move/", {"start": new_start.isoformat()}
    )
    assert response.status_code == 409
    page = text(response)
    assert "breaks the course's spacing" in page
    assert "Move all 3 sessions" in page
    assert [a.start for a in course.appointments.order_by("sequence")] == [
        local(3, 10),
        local(33, 10),
        local(63, 10),
    ]
    html = response.content.decode()
    form = html[html.index('<ol class="plan" id="proposal">') : html.index('id="move-all"')]
    also = [unescape(v) for v in re.findall(r'name="also" value="([^"]+)"', form)]
    start = unescape(re.search(r'name="start" value="([^"]+)"', form).group(1))
    assert [int(item.split("=")[0]) for item in also] == [second.pk, third.pk]
    proposed = [dt.datetime.fromisoformat(item.split("=", 1)[1]) for item in also]
    for moment in proposed:
        assert shown(moment) in page
    done = signed_in.post(f"/me/appointments/{first.pk}/move/", {"start": start, "also": also})
    assert done.status_code == 302
    assert [a.start for a in course.appointments.order_by("sequence")] == [new_start, *proposed]
    assert services.spacing_ok([new_start, *proposed], dt.timedelta(days=28), dt.timedelta(days=42))


def test_sessions_of_another_course_cannot_ride_along(signed_in, practitioner, client_a):
    mine = course_of_three(client_a, practitioner)
    single = services.book_appointment(
        client=client_a, practitioner_id=practitioner.pk, start=local(5, 14)
    )
    first = mine.appointments.get(sequence=1)
    response = signed_in.post(
        f"/me/appointments/{first.pk}/move/",
        {"start": local(4, 10).isoformat(), "also": [f"{single.pk}={local(6, 10).isoformat()}"]},
    )
    assert response.status_code == 422
    assert Appointment.objects.get(pk=single.pk).start == local(5, 14)
    assert Appointment.objects.get(pk=first.pk).start == local(3, 10)


def test_the_course_ics_holds_every_session_in_local_time(signed_in, practitioner, client_a):
    course = course_of_three(client_a, practitioner)
    services.cancel_appointment(by=client_a, appointment_id=course.appointments.get(sequence=3).pk)
    response = signed_in.get(f"/courses/{course.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [e.decoded("dtstart").astimezone(LONDON) for e in events] == [
        local(3, 10),
        local(33, 10),
        local(63, 10),
    ]
    assert [str(e.get("status")) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    one = signed_in.get(f"/appointments/{course.appointments.get(sequence=1).pk}.ics")
    assert len(Calendar.from_ical(one.content).walk("VEVENT")) == 1


def test_the_page_costs_the_same_queries_for_one_booking_or_many(signed_in, practitioner, client_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get("/me/appointments/").status_code == 200
        return len(captured)

    services.book_appointment(client=client_a, practitioner_id=practitioner.pk, start=local(2, 9))
    one = queries()
    for day in range(3, 9):
        services.book_appointment(
            client=client_a, practitioner_id=practitioner.pk, start=local(day, 9)
        )
    course_of_three(client_a, bookable())
    assert queries() == one
