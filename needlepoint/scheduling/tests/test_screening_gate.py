"""Booking respects the screening: age, outcome, defer dates, overrides, and re-screening
after booking flags the sessions (issue 4, item 5)."""

import datetime as dt

import pytest
from django.test import Client

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.errors import ApiError
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment, Course
from needlepoint.screening.models import ScreeningOverride, ScreeningRecord
from needlepoint.screening.services import override_screening, screen
from needlepoint.screening.tests.builders import QUIET, quiet_with

from .factories import bearer, bookable, client_user, local, text

pytestmark = pytest.mark.django_db

REFER = quiet_with(bleeding_disorder=True)
NOT_SUITABLE = quiet_with(active_infection_in_area=True)
UNTIL_HEALED = quiet_with(sunburn_in_area=True)


def isotretinoin_stopped(days_ago: int) -> dict:
    stopped = dt.date.today() - dt.timedelta(days=days_ago)
    return quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=stopped.isoformat())


@pytest.fixture
def practitioner():
    return bookable()


def screened(answers: dict) -> User:
    client = client_user(screened=False)
    screen(client=client, raw_answers=answers)
    return client


def practitioner_user(practitioner, email: str = "p@example.test") -> User:
    user = User.objects.create_user(email, "a long passphrase", role=Role.PRACTITIONER)
    Membership.objects.create(user=user, clinic=practitioner.clinic, role=Role.PRACTITIONER)
    return user


def book(client: Client, user: User, practitioner, start: dt.datetime):
    return client.post(
        "/api/v1/bookings",
        {"practitioner_id": practitioner.pk, "start": start.isoformat()},
        content_type="application/json",
        **bearer(user),
    )


def test_without_a_screening_booking_asks_for_one(client, practitioner) -> None:
    response = book(client, client_user(screened=False), practitioner, local(3, 10))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "screening_required"
    assert response.json()["error"]["field"] == "screening"
    assert not Appointment.objects.exists()


def test_a_screening_older_than_the_clinics_limit_must_be_renewed(client, practitioner) -> None:
    user = client_user()
    ScreeningRecord.objects.filter(client=user).update(
        evaluated_on=dt.date.today() - dt.timedelta(days=31)
    )
    response = book(client, user, practitioner, local(3, 10))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "screening_expired"
    policy = practitioner.clinic.booking_policy
    policy.screening_valid_days = 60
    policy.save()
    assert book(client, user, practitioner, local(3, 10)).status_code == 201


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        (REFER, "screening_refer"),
        (NOT_SUITABLE, "screening_not_suitable"),
        (UNTIL_HEALED, "screening_defer_undated"),
    ],
)
def test_blocking_outcomes_stop_online_booking(client, practitioner, answers, code) -> None:
    response = book(client, screened(answers), practitioner, local(3, 10))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == "screening"
    assert response.json()["screening_id"] == ScreeningRecord.objects.get().pk
    assert not Appointment.objects.exists()


def test_a_dated_defer_books_from_its_date_and_not_before(client, practitioner) -> None:
    user = screened(isotretinoin_stopped(days_ago=170))  # six months end in about 12 days
    record = ScreeningRecord.objects.get(client=user)
    days_until = (record.bookable_from - dt.date.today()).days
    assert 5 < days_until < 20
    early = book(client, user, practitioner, local(days_until - 1, 10))
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "screening_defer"
    assert early.json()["bookable_from"] == record.bookable_from.isoformat()
    assert book(client, user, practitioner, local(days_until, 10)).status_code == 201


def test_a_course_must_start_on_or_after_the_defer_date(practitioner) -> None:
    user = screened(isotretinoin_stopped(days_ago=170))
    days_until = (ScreeningRecord.objects.get().bookable_from - dt.date.today()).days
    with pytest.raises(ApiError) as raised:
        services.book_course(
            client=user,
            practitioner_id=practitioner.pk,
            starts=[local(days_until - 1, 10), local(days_until + 27, 10)],
        )
    assert raised.value.code == "screening_defer"
    assert raised.value.field == "starts[0]"
    assert not Course.objects.exists()


def test_a_practitioners_override_lets_the_client_book_with_that_clinic_only(
    client, practitioner
) -> None:
    other = bookable(name="Other Clinic Practitioner")
    user = screened(REFER)
    record = ScreeningRecord.objects.get(client=user)
    by = practitioner_user(practitioner)
    override = override_screening(
        by=by,
        screening=record,
        clinic_id=practitioner.clinic_id,
        reason="Haematologist's letter of 20 Nov: mild von Willebrand, cleared for treatment.",
    )
    response = book(client, user, practitioner, local(3, 10))
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get()
    assert appointment.screening_id == record.pk
    assert appointment.screening_override_id == override.pk
    assert book(client, user, other, local(3, 10)).status_code == 422


def test_an_override_needs_a_practitioner_of_the_clinic_and_a_real_reason(practitioner) -> None:
    record = ScreeningRecord.objects.get(client=screened(REFER))
    by = practitioner_user(practitioner)
    with pytest.raises(ApiError) as short:
        override_screening(by=by, screening=record, clinic_id=practitioner.clinic_id, reason="ok")
    assert short.value.status == 422
    assert short.value.field == "reason"
    manager = User.objects.create_user("m@example.test", "a long passphrase", role=Role.MANAGER)
    Membership.objects.create(user=manager, clinic=practitioner.clinic, role=Role.MANAGER)
    with pytest.raises(ApiError) as forbidden:
        override_screening(
            by=manager, screening=record, clinic_id=practitioner.clinic_id, reason="x" * 40
        )
    assert forbidden.value.status == 403
    assert not ScreeningOverride.objects.exists()


def test_an_override_of_a_superseded_screening_is_refused(practitioner) -> None:
    user = screened(REFER)
    old = ScreeningRecord.objects.get(client=user)
    screen(client=user, raw_answers=REFER)
    with pytest.raises(ApiError) as raised:
        override_screening(
            by=practitioner_user(practitioner),
            screening=old,
            clinic_id=practitioner.clinic_id,
            reason="Doctor's letter seen and filed in the notes.",
        )
    assert raised.value.code == "superseded"


def test_changed_answers_after_booking_flag_the_upcoming_sessions(practitioner) -> None:
    user = client_user()
    appointment = services.book_appointment(
        client=user, practitioner_id=practitioner.pk, start=local(3, 10)
    )
    screen(client=user, raw_answers=QUIET)  # the same answers again: nothing to review
    appointment.refresh_from_db()
    assert not appointment.needs_screening_review
    _, changed = screen(client=user, raw_answers=REFER)
    appointment.refresh_from_db()
    assert appointment.needs_screening_review
    assert appointment.rescreen_id == changed.pk
    with pytest.raises(ApiError):
        services.review_rescreen(by=user, appointment_id=appointment.pk)  # not the client
    manager = User.objects.create_user("m@example.test", "a long passphrase", role=Role.MANAGER)
    Membership.objects.create(user=manager, clinic=practitioner.clinic, role=Role.MANAGER)
    services.review_rescreen(by=manager, appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert not appointment.needs_screening_review
    assert appointment.rescreen_reviewed_by == manager


def test_past_and_cancelled_sessions_are_not_flagged(practitioner) -> None:
    user = client_user()
    kept = services.book_appointment(
        client=user, practitioner_id=practitioner.pk, start=local(3, 10)
    )
    cancelled = services.book_appointment(
        client=user, practitioner_id=practitioner.pk, start=local(4, 10)
    )
    services.cancel_appointment(by=user, appointment_id=cancelled.pk)
    screen(client=user, raw_answers=REFER)
    flagged = {a.pk for a in Appointment.objects.all() if a.needs_screening_review}
    assert flagged == {kept.pk}


def test_the_booking_page_proposes_the_course_of_the_clients_plan(client, practitioner) -> None:
    wrinkles = quiet_with(
        concerns=["wrinkles"], severity_wrinkles="mild", severity_scars=None, scar_types=None
    )
    user = screened(wrinkles)
    client.force_login(user)
    page = client.get(
        f"/practitioners/{practitioner.pk}/book/", {"start": local(3, 10).isoformat()}
    )
    assert page.status_code == 200
    assert page.context["choice"]["sessions"] == 4
    assert (page.context["choice"]["min_gap_days"], page.context["choice"]["max_gap_days"]) == (
        30,
        45,
    )
    assert "Proposed from your suitability check" in text(page)


def test_the_booking_page_says_why_and_what_to_do_next(client, practitioner) -> None:
    client.force_login(screened(REFER))
    page = client.get(
        f"/practitioners/{practitioner.pk}/book/", {"start": local(3, 10).isoformat()}
    )
    assert page.status_code == 200
    assert "see a doctor before micro-needling" in text(page)
    assert "Your result and its reasons" in text(page)
    assert 'id="confirm"' not in page.content.decode()


def test_a_deferred_client_sees_the_slots_from_their_first_bookable_week(
    client, practitioner
) -> None:
    user = screened(isotretinoin_stopped(days_ago=170))
    client.force_login(user)
    page = client.get(f"/practitioners/{practitioner.pk}/")
    bookable_from = ScreeningRecord.objects.get().bookable_from
    monday = bookable_from - dt.timedelta(days=bookable_from.weekday())
    assert page.context["days"][0].day == monday
    assert f"wait until {bookable_from.day} {bookable_from:%B %Y}" in text(page)


def test_the_client_is_told_when_new_answers_ask_for_more(client, practitioner) -> None:
    user = client_user()
    appointment = services.book_appointment(
        client=user, practitioner_id=practitioner.pk, start=local(3, 10)
    )
    client.force_login(user)
    url = f"/me/appointments/{appointment.pk}/"
    assert "changed after you booked" not in text(client.get(url))
    screen(client=user, raw_answers=REFER)
    page = text(client.get(url))
    assert "changed after you booked" in page
    assert "call the clinic before this session" in page
