"""POST /api/v1/bookings and friends: one session, a course, cancel, move, bad input."""

import datetime as dt

import pytest
from django.test import Client

from needlepoint.directory.models import Credential
from needlepoint.scheduling.models import Appointment, Course

from .factories import LONDON, bearer, bookable, client_user, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def practitioner():
    return bookable()


@pytest.fixture
def auth():
    return bearer(client_user())


def book(client: Client, auth: dict, **payload: object):
    return client.post("/api/v1/bookings", payload, content_type="application/json", **auth)


def test_a_client_books_a_session_and_sees_it_in_local_time(client, practitioner, auth) -> None:
    start = local(3, 10, 30)
    response = book(client, auth, practitioner_id=practitioner.pk, start=start.isoformat())
    assert response.status_code == 201, response.content
    session = response.json()["appointments"][0]
    assert dt.datetime.fromisoformat(session["start"]) == start
    assert session["timezone"] == "Europe/London"
    assert session["start"].endswith(("Z", "+00:00", "+01:00"))  # an offset, never naive
    assert dt.datetime.fromisoformat(session["end"]) - start == dt.timedelta(minutes=30)
    mine = client.get("/api/v1/bookings", **auth).json()
    assert [m["id"] for m in mine] == [session["id"]]


def test_a_booked_slot_leaves_the_free_slots(client, practitioner, auth) -> None:
    start = local(3, 10)
    window = {"start": local(3, 0).isoformat(), "end": local(4, 0).isoformat()}
    before = client.get(f"/api/v1/practitioners/{practitioner.pk}/slots", window).json()
    assert start in [dt.datetime.fromisoformat(s["start"]) for s in before]
    assert len(before) == 16  # 09:00–17:00 in half hours
    book(client, auth, practitioner_id=practitioner.pk, start=start.isoformat())
    after = client.get(f"/api/v1/practitioners/{practitioner.pk}/slots", window).json()
    assert start not in [dt.datetime.fromisoformat(s["start"]) for s in after]
    assert len(after) == 15


def test_a_taken_slot_is_409_with_fresh_alternatives(client, practitioner, auth) -> None:
    start = local(3, 10)
    assert (
        book(client, auth, practitioner_id=practitioner.pk, start=start.isoformat()).status_code
        == 201
    )
    response = book(
        client, bearer(client_user()), practitioner_id=practitioner.pk, start=start.isoformat()
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "slot_taken"
    assert body["error"]["field"] == "start"
    alternatives = [dt.datetime.fromisoformat(a["start"]) for a in body["alternatives"]]
    assert alternatives
    assert start not in alternatives
    assert Appointment.objects.count() == 1


def test_a_buffer_keeps_the_next_slot_free(client, auth) -> None:
    practitioner = bookable(buffer_minutes=15)
    book(client, auth, practitioner_id=practitioner.pk, start=local(3, 10).isoformat())
    response = book(
        client,
        bearer(client_user()),
        practitioner_id=practitioner.pk,
        start=local(3, 10, 30).isoformat(),
    )
    assert response.status_code == 409
    assert (
        book(
            client, auth, practitioner_id=practitioner.pk, start=local(3, 11).isoformat()
        ).status_code
        == 201
    )


BAD_BOOKINGS = [
    ({"start": "PAST"}, 422, "in_the_past", "start"),
    ({"start": local(3, 7).isoformat()}, 422, "outside_hours", "start"),
    ({"start": local(3, 10, 15).isoformat()}, 422, "off_grid", "start"),
    ({"start": local(200, 10).isoformat()}, 422, "beyond_horizon", "start"),
    ({"start": "2026-12-08T10:30:00"}, 422, "naive_time", "start"),
    ({"start": "next tuesday"}, 422, "invalid", "start"),
    ({"start": "2026-13-45T10:00:00+00:00"}, 422, "invalid", "start"),
    ({}, 422, "invalid", "start"),
    (
        {"start": local(3, 10).isoformat(), "starts": [local(3, 10).isoformat()]},
        422,
        "invalid",
        "start",
    ),
    (
        {"starts": [local(3, 10).isoformat(), local(10, 10).isoformat()]},
        422,
        "course_spacing",
        "starts",
    ),
    (
        {"starts": [local(3, 10).isoformat(), local(60, 10).isoformat()]},
        422,
        "course_spacing",
        "starts",
    ),
    (
        {"starts": [local(31, 10).isoformat(), local(3, 10).isoformat()]},
        422,
        "course_spacing",
        "starts",
    ),
    ({"starts": [local(3, 10).isoformat()] * 13}, 422, "invalid", "starts"),
    (
        {"starts": [local(3, 10).isoformat()], "min_gap_days": 30, "max_gap_days": 20},
        422,
        "invalid",
        "min_gap_days",
    ),
]


@pytest.mark.parametrize(("payload", "status", "code", "field"), BAD_BOOKINGS)
def test_bad_bookings_get_4xx_naming_the_field_and_write_nothing(
    client, practitioner, auth, payload, status, code, field
) -> None:
    now = dt.datetime.now(dt.UTC)
    if payload.get("start") == "PAST":
        payload = {
            "start": (now - dt.timedelta(hours=3))
            .replace(minute=0, second=0, microsecond=0)
            .isoformat()
        }
    response = book(client, auth, practitioner_id=practitioner.pk, **payload)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert not Appointment.objects.exists()
    assert not Course.objects.exists()


def test_a_slot_inside_the_notice_period_is_too_soon(client, auth) -> None:
    practitioner = bookable(hours=(dt.time(0), dt.time(23, 59)), min_notice_minutes=24 * 60)
    soon = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    soon = soon.replace(minute=0)
    if soon.astimezone(LONDON).time() >= dt.time(23):
        soon += dt.timedelta(hours=2)
    response = book(client, auth, practitioner_id=practitioner.pk, start=soon.isoformat())
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "too_soon"
    assert not Appointment.objects.exists()


def test_a_practitioner_who_left_cannot_be_booked(client, practitioner, auth) -> None:
    practitioner.is_active = False
    practitioner.save()
    response = book(client, auth, practitioner_id=practitioner.pk, start=local(3, 10).isoformat())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_practitioner_whose_credential_lapsed_cannot_be_booked(
    client, practitioner, auth
) -> None:
    Credential.objects.filter(practitioner=practitioner).update(valid_until=dt.date(2001, 1, 1))
    response = book(client, auth, practitioner_id=practitioner.pk, start=local(3, 10).isoformat())
    assert response.status_code == 404


def test_booking_needs_a_signed_in_client(client, practitioner) -> None:
    response = client.post(
        "/api/v1/bookings",
        {"practitioner_id": practitioner.pk, "start": local(3, 10).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Appointment.objects.exists()


def test_a_course_is_booked_whole_with_every_session_checked(client, practitioner, auth) -> None:
    starts = [local(3, 10), local(3 + 30, 10), local(3 + 60, 10)]
    response = book(
        client, auth, practitioner_id=practitioner.pk, starts=[s.isoformat() for s in starts]
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["sequence"] for a in body["appointments"]] == [1, 2, 3]
    assert [dt.datetime.fromisoformat(a["start"]) for a in body["appointments"]] == starts
    assert Course.objects.get().sessions == 3


def test_a_course_with_its_third_session_taken_books_nothing(client, practitioner, auth) -> None:
    starts = [local(3, 10), local(33, 10), local(63, 10)]
    assert (
        book(
            client,
            bearer(client_user()),
            practitioner_id=practitioner.pk,
            start=starts[2].isoformat(),
        ).status_code
        == 201
    )
    response = book(
        client, auth, practitioner_id=practitioner.pk, starts=[s.isoformat() for s in starts]
    )
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "starts[2]"
    assert Appointment.objects.count() == 1
    assert not Course.objects.exists()


def test_a_client_cancels_and_the_slot_is_free_again(client, practitioner, auth) -> None:
    start = local(3, 10)
    appointment_id = book(
        client, auth, practitioner_id=practitioner.pk, start=start.isoformat()
    ).json()["appointments"][0]["id"]
    response = client.post(
        f"/api/v1/bookings/{appointment_id}/cancel",
        {"reason": "ill"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = book(
        client, bearer(client_user()), practitioner_id=practitioner.pk, start=start.isoformat()
    )
    assert again.status_code == 201
    second = client.post(
        f"/api/v1/bookings/{appointment_id}/cancel", {}, content_type="application/json", **auth
    )
    assert second.status_code == 409


def test_a_client_cannot_cancel_inside_the_notice_window(client, auth) -> None:
    practitioner = bookable(cancellation_notice_hours=24 * 5, min_notice_minutes=60)
    appointment_id = book(
        client, auth, practitioner_id=practitioner.pk, start=local(3, 10).isoformat()
    ).json()["appointments"][0]["id"]
    response = client.post(
        f"/api/v1/bookings/{appointment_id}/cancel", {}, content_type="application/json", **auth
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_late"
    assert Appointment.objects.get().status == "booked"


def test_another_client_cannot_see_or_cancel_my_booking(client, practitioner, auth) -> None:
    appointment_id = book(
        client, auth, practitioner_id=practitioner.pk, start=local(3, 10).isoformat()
    ).json()["appointments"][0]["id"]
    stranger = bearer(client_user())
    assert client.get(f"/api/v1/bookings/{appointment_id}", **stranger).status_code == 404
    response = client.post(
        f"/api/v1/bookings/{appointment_id}/cancel", {}, content_type="application/json", **stranger
    )
    assert response.status_code == 404
    assert Appointment.objects.get().status == "booked"


def test_moving_a_session_keeps_it_if_the_new_slot_is_free(client, practitioner, auth) -> None:
    appointment_id = book(
        client, auth, practitioner_id=practitioner.pk, start=local(3, 10).isoformat()
    ).json()["appointments"][0]["id"]
    response = client.post(
        f"/api/v1/bookings/{appointment_id}/reschedule",
        {"start": local(4, 14).isoformat()},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert dt.datetime.fromisoformat(response.json()[0]["start"]) == local(4, 14)
    assert Appointment.objects.get().start == local(4, 14)


def test_moving_a_course_session_re_offers_the_later_ones(client, practitioner, auth) -> None:
    starts = [local(3, 10), local(33, 10), local(63, 10)]
    body = book(
        client, auth, practitioner_id=practitioner.pk, starts=[s.isoformat() for s in starts]
    ).json()
    first, second, third = (a["id"] for a in body["appointments"])
    # Moving the first session two weeks later leaves only 16 days before the second.
    response = client.post(
        f"/api/v1/bookings/{first}/reschedule",
        {"start": local(17, 10).isoformat()},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 409
    proposal = response.json()["proposal"]
    assert [p["appointment_id"] for p in proposal] == [second, third]
    proposed = [dt.datetime.fromisoformat(p["start"]) for p in proposal]
    assert proposed[0] - local(17, 10) >= dt.timedelta(days=28)
    assert proposed[0].astimezone(starts[0].tzinfo).time() == dt.time(10)
    assert Appointment.objects.get(pk=first).start == starts[0]  # nothing moved yet
    moves = [{"appointment_id": first, "start": local(17, 10).isoformat()}] + [
        {"appointment_id": p["appointment_id"], "start": p["start"]} for p in proposal
    ]
    course_id = body["course_id"]
    done = client.post(
        f"/api/v1/courses/{course_id}/reschedule",
        {"moves": moves},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    assert [a.start for a in Appointment.objects.order_by("sequence")] == [local(17, 10), *proposed]


def test_joining_the_waitlist(client, practitioner, auth) -> None:
    today = dt.date.today()
    response = client.post(
        "/api/v1/waitlist",
        {
            "practitioner_id": practitioner.pk,
            "earliest": str(today),
            "latest": str(today + dt.timedelta(days=7)),
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201
    assert response.json()["status"] == "waiting"
    bad = client.post(
        "/api/v1/waitlist",
        {
            "practitioner_id": practitioner.pk,
            "earliest": str(today),
            "latest": str(today - dt.timedelta(days=1)),
        },
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "latest"


def test_two_sessions_moved_together_cannot_land_on_each_other(client, practitioner, auth) -> None:
    starts = [local(3, 10), local(33, 10)]
    body = book(
        client, auth, practitioner_id=practitioner.pk, starts=[s.isoformat() for s in starts]
    ).json()
    first, second = (a["id"] for a in body["appointments"])
    moves = [
        {"appointment_id": first, "start": local(40, 10).isoformat()},
        {"appointment_id": second, "start": local(40, 10).isoformat()},
    ]
    response = client.post(
        f"/api/v1/courses/{body['course_id']}/reschedule",
        {"moves": moves},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "sessions_overlap"
    assert [a.start for a in Appointment.objects.order_by("sequence")] == starts
