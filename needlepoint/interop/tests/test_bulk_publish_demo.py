"""The feed of the demo directory (its tiny profile, with hours and a booking book) validates
line by line, and every booked session shows as busy, never free."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from needlepoint.directory.models import Clinic
from needlepoint.scheduling.models import Appointment, BookingPolicy

from .directory_world import ndjson, validate

pytestmark = pytest.mark.django_db
HORIZON_DAYS = 3  # the demo's book runs months ahead; three days keep the run short


def test_every_line_of_the_demo_feed_validates(client: Client) -> None:
    out = io.StringIO()
    call_command("seed_demo", profile="tiny", stdout=out)
    call_command("seed_demo_bookings", stdout=out)
    BookingPolicy.objects.all().delete()
    BookingPolicy.objects.bulk_create(
        BookingPolicy(clinic=clinic, horizon_days=HORIZON_DAYS, min_notice_minutes=0)
        for clinic in Clinic.objects.all()
    )
    manifest = json.loads(client.get("/fhir/R4/$bulk-publish").content)
    assert len({item["url"].rsplit("/", 1)[1] for item in manifest["output"]}) > 3
    found: dict[str, list[dict]] = {"Location": [], "Schedule": [], "Slot": []}
    for item in manifest["output"]:
        response = client.get(item["url"])
        assert response.status_code == 200
        lines = ndjson(response)
        for resource in lines:
            assert resource["resourceType"] == item["type"]
            validate(resource)
        found[item["type"]] += lines
    assert all(found.values())
    locations = {f"Location/{r['id']}" for r in found["Location"]}
    schedules = {f"Schedule/{r['id']}" for r in found["Schedule"]}
    assert {s["actor"][0]["reference"] for s in found["Schedule"]} <= locations
    assert {s["schedule"]["reference"] for s in found["Slot"]} <= schedules
    statuses = {s["status"] for s in found["Slot"]}
    assert statuses == {"free", "busy"}

    # Every booked session inside the published window lies over busy slots only.
    by_schedule: dict[str, dict[dt.datetime, str]] = {}
    for slot in found["Slot"]:
        at = dt.datetime.fromisoformat(slot["start"])
        by_schedule.setdefault(slot["schedule"]["reference"], {})[at] = slot["status"]
    checked = 0
    for appointment in Appointment.objects.booked():
        published = by_schedule.get(
            f"Schedule/{appointment.practitioner_id}-{appointment.location_id}", {}
        )
        if appointment.start in published:
            assert published[appointment.start] == "busy"
            checked += 1
    assert checked > 0
