"""A feed leaves the platform for someone's calendar servers: a practitioner's names a client
by first name only, and no feed carries screening answers, concerns, notes or contacts."""

import datetime as dt

import pytest
from django.test import Client

from needlepoint.clinic.models import TreatmentSession
from needlepoint.directory.models import Concern
from needlepoint.interop.models import CalendarFeed
from needlepoint.scheduling.models import Appointment, Course
from needlepoint.screening.models import ScreeningRecord

from .calendar_factories import LONDON, feed_path, named_client, practitioner_user, session

pytestmark = pytest.mark.django_db


def text_of(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    # Unfold the iCalendar lines (RFC 5545 §3.1) so that no phrase hides across a fold.
    return response.content.decode().replace("\r\n ", "")


def test_no_health_data_and_only_a_first_name_in_a_practitioners_feed() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada.lovelace@example.test", "Ada Lovelace")
    client.phone = "+44 7700 900123"
    client.save(update_fields=["phone"])
    concern = Concern.objects.get(slug="acne")
    course = Course.objects.create(
        client=client,
        practitioner=practitioner,
        concern=concern,
        sessions=3,
        min_gap_days=28,
        max_gap_days=42,
    )
    day = dt.datetime.now(LONDON).date() + dt.timedelta(days=4)
    booked = session(
        practitioner, client, dt.datetime.combine(day, dt.time(10), LONDON), course=course
    )
    booked.screening = ScreeningRecord.objects.filter(client=client).latest("pk")
    booked.save(update_fields=["screening"])
    cancelled = session(
        practitioner,
        client,
        dt.datetime.combine(day, dt.time(12), LONDON),
        status=Appointment.Status.CANCELLED,
    )
    cancelled.cancel_reason = "Isotretinoin started last week"
    cancelled.save(update_fields=["cancel_reason"])
    notes = [field.name for field in TreatmentSession._meta.get_fields()]
    assert "notes" in notes  # the chart keeps notes: the feed must not reach them

    feed = text_of(feed_path(practitioner.user, CalendarFeed.Kind.APPOINTMENTS))

    assert "SUMMARY:Micro-needling session: Ada" in feed
    assert "Session 1 of 3." in feed
    for secret in (
        "Lovelace",
        "ada.lovelace",
        "7700",
        concern.name,
        "acne",
        "Isotretinoin",
        "screening",
        "Screening",
        "/clinic/clients/",
    ):
        assert secret not in feed, secret


def test_a_client_without_a_name_is_client() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("nameless@example.test", "")
    day = dt.datetime.now(LONDON).date() + dt.timedelta(days=4)
    session(practitioner, client, dt.datetime.combine(day, dt.time(10), LONDON))

    feed = text_of(feed_path(practitioner.user, CalendarFeed.Kind.APPOINTMENTS))

    assert "SUMMARY:Micro-needling session: Client" in feed
    assert "nameless" not in feed


def test_a_clients_feed_has_the_practitioner_the_clinic_and_the_aftercare_link() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    location = practitioner.locations.get()
    location.phone = "0113 496 0000"
    location.save()
    client = named_client("ada@example.test", "Ada Lovelace")
    day = dt.datetime.now(LONDON).date() + dt.timedelta(days=4)
    booked = session(practitioner, client, dt.datetime.combine(day, dt.time(10), LONDON))

    feed = text_of(feed_path(client, CalendarFeed.Kind.SESSIONS))

    assert "SUMMARY:Micro-needling session with Xena Practitioner" in feed
    assert f"LOCATION:{location.name}\\, {location.address_line}\\, {location.city}" in feed
    assert "Clinic phone: 0113 496 0000." in feed
    assert f"/me/appointments/{booked.pk}/" in feed
    assert "Aftercare advice: http" in feed
    assert "/me/appointments/#messages-heading" in feed
    assert "Needlepoint: my sessions" in feed
