"""In a real Chromium: a client follows a booking link taken from the SMART Scheduling Links
feed, with the aggregator's own parameters added, and books that very slot."""

import datetime as dt
import json
from urllib.request import urlopen

import pytest

from needlepoint.interop.fhir_directory import DEEP_LINK
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.tests.factories import client_user

from .directory_world import make_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "a long passphrase"


def test_a_client_books_through_a_deep_link_from_the_feed(live_server, page) -> None:
    world = make_world()
    client_user("feed-reader@example.test")
    with urlopen(f"{live_server.url}/fhir/R4/$bulk-publish") as response:
        manifest = json.load(response)
    slot_file = next(
        item["url"] for item in manifest["output"] if item["type"] == "Slot" and "GB" in item["url"]
    )
    with urlopen(slot_file) as response:
        assert response.headers["Content-Type"].startswith("application/fhir+ndjson")
        slots = [json.loads(line) for line in response.read().decode().splitlines()]
    york_slots = [
        s
        for s in slots
        if s["status"] == "free"
        and s["schedule"]["reference"].startswith(f"Schedule/{world.york.pk}-")
    ]
    slot = york_slots[3]
    link = next(e["valueUrl"] for e in slot["extension"] if e["url"] == DEEP_LINK)
    link += "&source=needle-finder&booking-referral=ref-42"
    assert link.startswith(live_server.url)

    page.goto(link)  # not signed in: the sign-in page, then back to the link
    assert "/accounts/login/" in page.url
    # Signing in on the page the link led to brings the client back to the whole link.
    page.fill("#id_username", "feed-reader@example.test")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "booking-referral=ref-42" in page.url
    assert "source=needle-finder" in page.url
    page.wait_for_selector("#first-session")
    start = dt.datetime.fromisoformat(slot["start"])
    local = start.astimezone(dt.timezone(start.utcoffset()))
    assert f"{local:%H:%M}" in page.inner_text("#first-session")
    with page.expect_navigation():
        page.click("#confirm")
    assert "Booked" in page.inner_text(".flash")
    booked = Appointment.objects.get(practitioner=world.york)
    assert booked.start == start

    # The feed now publishes that slot as busy.
    with urlopen(slot_file) as response:
        now = {json.loads(line)["id"]: json.loads(line) for line in response.read().splitlines()}
    assert now[slot["id"]]["status"] == "busy"
