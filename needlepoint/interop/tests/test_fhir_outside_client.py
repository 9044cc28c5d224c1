"""An outside client that knows only FHIR: from a point on the map to the free slots of the
practitioners near it, following nothing but the URLs and references the server gives."""

import datetime as dt
import json

import pytest
from django.test import Client

from needlepoint.scheduling import selectors as scheduling
from needlepoint.scheduling.models import Appointment

from .directory_world import LEEDS, R4, make_world, validate

pytestmark = pytest.mark.django_db


def fetch(client: Client, url: str) -> dict:
    """GET a FHIR URL (absolute or relative to the base) and check what came back."""
    url = url.removeprefix("http://testserver")
    if not url.startswith("/"):
        url = f"{R4}/{url}"
    response = client.get(url, headers={"Accept": "application/fhir+json"})
    assert response.status_code == 200, url
    body = json.loads(response.content)
    validate(body)
    return body


def every_entry(client: Client, url: str) -> list[dict]:
    found = []
    while url:
        bundle = fetch(client, url)
        found += bundle.get("entry", [])
        url = {link["relation"]: link["url"] for link in bundle["link"]}.get("next")
    return found


def test_practitioners_near_a_point_and_their_free_slots(client: Client) -> None:
    world = make_world()
    lat, lon = LEEDS
    places = every_entry(client, f"{R4}/Location?near={lat}|{lon}|50|km&_count=1")
    nearby = {}
    for entry in places:
        distance = entry["search"]["extension"][0]["valueDistance"]["value"]
        nearby[f"Location/{entry['resource']['id']}"] = distance
    # Leeds, York and the rooms of a practitioner with no hours; not Austin, not the
    # unverified practitioner's.
    assert len(nearby) == 3
    roles_seen = set()

    answer: dict[str, list[str]] = {}
    for location_ref in nearby:
        for role in every_entry(client, f"PractitionerRole?location={location_ref}"):
            practitioner = fetch(client, role["resource"]["practitioner"]["reference"])
            assert practitioner["qualification"]
            name = practitioner["name"][0]["text"]
            roles_seen.add(name)
            schedules = every_entry(client, f"Schedule?actor={location_ref}")
            for schedule in schedules:
                actors = [a["reference"] for a in schedule["resource"]["actor"]]
                if f"Practitioner/{practitioner['id']}" not in actors:
                    continue
                slots = every_entry(
                    client,
                    f"Slot?schedule=Schedule/{schedule['resource']['id']}&status=free&_count=40",
                )
                answer[name] = [s["resource"]["start"] for s in slots]

    assert roles_seen == {"Lena Leeds", "Yusuf York", "Noor Nohours"}
    assert set(answer) == {"Lena Leeds", "Yusuf York"}  # no hours, no schedule, no slots
    booked = Appointment.objects.get()
    for name, practitioner in (("Lena Leeds", world.leeds), ("Yusuf York", world.york)):
        starts = [dt.datetime.fromisoformat(s) for s in answer[name]]
        if practitioner == world.leeds:
            assert booked.start not in starts
        now = dt.datetime.now(dt.UTC)
        truth = scheduling.free_slots(practitioner, now, now + dt.timedelta(days=10), now=now)
        assert starts == [slot.start for slot in truth]
