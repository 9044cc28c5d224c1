"""The SMART Scheduling Links feed: the manifest, NDJSON files that validate line by line and
stream, conditional requests, and `_since` naming exactly what changed."""

import datetime as dt
import json
import time

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from needlepoint.directory.tests.factories import staff_user
from needlepoint.interop.fhir_directory import BOOKING_PHONE, DEEP_LINK, SLOT_STATUSES
from needlepoint.scheduling import services
from needlepoint.scheduling.models import TimeOff, WorkingHours
from needlepoint.scheduling.tests.factories import bookable, client_user, local

from .directory_world import HORIZON_DAYS, R4, make_world, ndjson, validate

pytestmark = pytest.mark.django_db
MANIFEST = f"{R4}/$bulk-publish"


@pytest.fixture
def world():
    return make_world()


def feed(client: Client, kind: str, country: str, query: str = "") -> list[dict]:
    response = client.get(f"{MANIFEST}/{kind}/{country}.ndjson{query}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/fhir+ndjson")
    return ndjson(response)


def read_feed(client: Client, query: str = "") -> dict[str, list[dict]]:
    manifest = json.loads(client.get(MANIFEST + query).content)
    found: dict[str, list[dict]] = {"Location": [], "Schedule": [], "Slot": []}
    for item in manifest["output"]:
        response = client.get(item["url"])
        assert response.status_code == 200
        found[item["type"]] += ndjson(response)
    return found


def test_the_manifest_names_a_file_per_type_and_country(client: Client, world) -> None:
    response = client.get(MANIFEST)
    assert response.status_code == 200
    manifest = json.loads(response.content)
    assert set(manifest) == {"transactionTime", "request", "output", "error"}
    assert manifest["error"] == []
    assert manifest["request"] == "http://testserver/fhir/R4/$bulk-publish"
    assert dt.datetime.fromisoformat(manifest["transactionTime"]).utcoffset() is not None
    kinds = {(item["type"], item["url"].rsplit("/", 1)[1]) for item in manifest["output"]}
    assert kinds == {
        (kind, f"{country}.ndjson")
        for kind in ("Location", "Schedule", "Slot")
        for country in ("GB", "US")
    }
    states = {
        item["url"].rsplit("/", 1)[1]: item["extension"]["state"] for item in manifest["output"]
    }
    assert states["US.ndjson"] == ["TX"]
    assert states["GB.ndjson"] == ["West Yorkshire"]


def test_every_line_validates_and_every_reference_resolves_within_the_feed(
    client: Client, world
) -> None:
    found = read_feed(client)
    for resources in found.values():
        assert resources
        for resource in resources:
            validate(resource)
    locations = {f"Location/{r['id']}" for r in found["Location"]}
    schedules = {f"Schedule/{r['id']}" for r in found["Schedule"]}
    for schedule in found["Schedule"]:
        assert schedule["actor"][0]["reference"] in locations
        assert schedule["serviceType"][0]["coding"]
    for slot in found["Slot"]:
        assert slot["schedule"]["reference"] in schedules
        assert slot["status"] in SLOT_STATUSES
        assert dt.datetime.fromisoformat(slot["start"]).utcoffset() is not None
    assert len({s["id"] for s in found["Slot"]}) == len(found["Slot"])
    assert "Pat Pending" not in str(found)
    assert "Noor Nohours" not in str(found)


def test_slots_are_free_and_busy_with_link_and_phone(client: Client, world) -> None:
    slots = feed(client, "Slot", "GB")
    statuses = {s["status"] for s in slots}
    assert statuses == {"free", "busy"}
    booked = next(s for s in slots if dt.datetime.fromisoformat(s["start"]) == world.booked.start)
    assert booked["status"] == "busy"
    leeds_place = world.leeds.locations.get()
    for slot in slots:
        extensions = {e["url"]: e for e in slot["extension"]}
        if slot["schedule"]["reference"] == f"Schedule/{world.leeds.pk}-{leeds_place.pk}":
            assert extensions[BOOKING_PHONE]["valueString"] == "0113 496 0000"
        if slot["status"] == "free":
            link = extensions[DEEP_LINK]["valueUrl"]
            assert link.startswith("http://testserver/practitioners/")
            assert "/book/?start=" in link
        else:
            assert DEEP_LINK not in extensions
    austin = feed(client, "Slot", "US")
    assert austin
    assert all(s["start"].endswith(("-06:00", "-05:00")) for s in austin)


def test_unknown_files_are_404(client: Client, world) -> None:
    for path in ("Patient/GB.ndjson", "Slot/gb.ndjson", "Slot/GBR.ndjson"):
        response = client.get(f"{MANIFEST}/{path}")
        assert response.status_code == 404, path
    assert feed(client, "Slot", "FR") == []


def test_conditional_requests_answer_304_until_something_changes(client: Client, world) -> None:
    url = f"{MANIFEST}/Slot/GB.ndjson"
    first = client.get(url)
    b"".join(first.streaming_content)
    assert "max-age=" in first["Cache-Control"]
    max_age = int(first["Cache-Control"].split("max-age=")[1])
    assert 1 <= max_age <= 60
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    if again.status_code == 200:  # the one-minute cache period rolled over in between
        etag, modified = again["ETag"], again["Last-Modified"]
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    old = http_date(time.time() - 3600)
    assert client.get(url, headers={"If-Modified-Since": old}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    manifest = client.get(MANIFEST)
    assert client.get(MANIFEST, headers={"If-None-Match": manifest["ETag"]}).status_code in {
        304,
        200,
    }
    time.sleep(1.1)  # Last-Modified has whole seconds
    services.book_appointment(
        client=client_user(), practitioner_id=world.york.pk, start=local(1, 11)
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200


def ids_of(resources: list[dict]) -> list[str]:
    return [r["id"] for r in resources]


def test_since_returns_exactly_the_slots_whose_practitioner_changed(client: Client, world) -> None:
    time.sleep(0.01)
    since = timezone.now()
    stamp = since.isoformat().replace("+00:00", "Z")
    assert feed(client, "Slot", "GB", f"?_since={stamp}") == []
    assert feed(client, "Schedule", "GB", f"?_since={stamp}") == []
    assert feed(client, "Location", "GB", f"?_since={stamp}") == []

    services.book_appointment(
        client=client_user(), practitioner_id=world.york.pk, start=local(1, 11)
    )
    full = feed(client, "Slot", "GB")
    york_place = world.york.locations.get()
    york_schedule = f"Schedule/{world.york.pk}-{york_place.pk}"
    expected = [s for s in full if s["schedule"]["reference"] == york_schedule]
    changed = feed(client, "Slot", "GB", f"?_since={stamp}")
    assert ids_of(changed) == ids_of(expected)
    assert changed == expected
    assert any(
        s["status"] == "busy" and dt.datetime.fromisoformat(s["start"]) == local(1, 11)
        for s in changed
    )
    # The manifest passes _since on to every file.
    manifest = json.loads(client.get(f"{MANIFEST}?_since={stamp}").content)
    assert all("_since=" in item["url"] for item in manifest["output"])
    through_manifest = read_feed(client, f"?_since={stamp}")
    assert ids_of(through_manifest["Slot"]) == ids_of(expected)


@pytest.mark.parametrize("change", ["hours", "time_off_deleted", "cancelled", "location"])
def test_since_sees_every_kind_of_change_to_free_time(client: Client, world, change: str) -> None:
    time.sleep(0.01)
    stamp = timezone.now().isoformat().replace("+00:00", "Z")
    leeds_place = world.leeds.locations.get()
    if change == "hours":
        WorkingHours.objects.filter(
            practitioner=world.leeds, weekday=local(2, 9).weekday()
        ).delete()
        expected = world.leeds
    elif change == "time_off_deleted":
        TimeOff.objects.filter(practitioner=world.york).delete()
        expected = world.york
    elif change == "cancelled":
        services.cancel_appointment(by=world.booked.client, appointment_id=world.booked.pk)
        expected = world.leeds
    else:
        leeds_place.phone = "0113 000 0000"
        leeds_place.save()
        expected = world.leeds
    changed = feed(client, "Slot", "GB", f"?_since={stamp}")
    place = expected.locations.get()
    assert changed
    assert {s["schedule"]["reference"] for s in changed} == {f"Schedule/{expected.pk}-{place.pk}"}


def test_reminders_and_other_bookkeeping_do_not_count_as_changes(client: Client, world) -> None:
    time.sleep(0.01)
    stamp = timezone.now().isoformat().replace("+00:00", "Z")
    world.booked.reminder_sent_at = timezone.now()
    world.booked.save(update_fields=["reminder_sent_at"])
    assert feed(client, "Slot", "GB", f"?_since={stamp}") == []


def test_a_bad_since_is_ignored_or_refused(client: Client, world) -> None:
    url = f"{MANIFEST}/Location/GB.ndjson?_since=yesterday"
    assert len(ndjson(client.get(url))) == len(feed(client, "Location", "GB"))
    strict = client.get(url, headers={"Prefer": "handling=strict"})
    assert strict.status_code == 400
    assert json.loads(strict.content)["resourceType"] == "OperationOutcome"
    naive = client.get(
        f"{MANIFEST}?_since=2026-01-01T00:00:00", headers={"Prefer": "handling=strict"}
    )
    assert naive.status_code == 400


def test_a_deep_link_with_the_clients_parameters_opens_the_booking_page_at_that_slot(
    client: Client, world
) -> None:
    slot = next(s for s in feed(client, "Slot", "GB") if s["status"] == "free")
    link = next(e["valueUrl"] for e in slot["extension"] if e["url"] == DEEP_LINK)
    link += "&source=aggregator-test&booking-referral=abc-123"
    path = link.removeprefix("http://testserver")
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    client.force_login(client_user("deeplink@example.test"))
    page = client.get(path)
    assert page.status_code == 200
    start = dt.datetime.fromisoformat(slot["start"])
    assert page.context["first"] is not None
    assert page.context["first"].start == start
    assert page.context["choice"]["start"] == start


def test_the_slot_file_costs_the_same_queries_for_one_or_many_practitioners(
    client: Client, world
) -> None:
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            lines = feed(client, "Slot", "GB")
        return len(captured), len(lines)

    few, few_lines = queries()
    for n in range(6):
        extra = bookable(name=f"Extra {n}", lat=53.7 + n / 100, lon=-1.5)
        extra.clinic.booking_policy.horizon_days = HORIZON_DAYS
        extra.clinic.booking_policy.save()
    many, many_lines = queries()
    assert many_lines > few_lines
    assert many == few


def test_since_names_a_place_that_became_public_when_its_practitioner_was_verified(
    client: Client, world
) -> None:
    time.sleep(0.01)
    stamp = timezone.now().isoformat().replace("+00:00", "Z")
    credential = world.pending.credentials.get()
    credential.status = "verified"
    credential.verified_by = staff_user()
    credential.verified_at = timezone.now()
    credential.save()
    place = world.pending.locations.get()
    assert ids_of(feed(client, "Location", "GB", f"?_since={stamp}")) == [str(place.pk)]
    schedules = feed(client, "Schedule", "GB", f"?_since={stamp}")
    assert ids_of(schedules) == [f"{world.pending.pk}-{place.pk}"]
    slots = feed(client, "Slot", "GB", f"?_since={stamp}")
    assert slots
    assert {s["schedule"]["reference"] for s in slots} == {
        f"Schedule/{world.pending.pk}-{place.pk}"
    }
