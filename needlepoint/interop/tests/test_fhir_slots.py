"""FHIR slots are the booking's own free time: the same computation, free and busy, paged
without gaps or repeats, filtered by status and start."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.scheduling import selectors as scheduling
from needlepoint.scheduling import services
from needlepoint.scheduling.tests.factories import client_user, local

from .directory_world import HORIZON_DAYS, R4, entries, get_json, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def slots_of(client: Client, query: str) -> list[dict]:
    """Every slot a search finds, following next links."""
    found: list[dict] = []
    url: str | None = f"{R4}/Slot?{query}"
    while url:
        status, bundle = get_json(client, url)
        assert status == 200
        found += entries(bundle)
        url = {link["relation"]: link["url"] for link in bundle["link"]}.get("next")
    return found


def starts(slots: list[dict]) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(s["start"]) for s in slots]


def test_free_slots_are_exactly_the_ones_the_booking_page_offers(client: Client, world) -> None:
    for practitioner in (world.leeds, world.york, world.austin):
        place = practitioner.locations.get()
        now = timezone.now()
        offered = scheduling.free_slots(
            practitioner, now, now + dt.timedelta(days=HORIZON_DAYS + 1), now=now
        )
        published = slots_of(
            client, f"schedule=Schedule/{practitioner.pk}-{place.pk}&status=free&_count=500"
        )
        assert starts(published) == [slot.start for slot in offered]
        assert offered


def test_a_booked_session_and_time_off_are_busy_never_free(client: Client, world) -> None:
    leeds_place = world.leeds.locations.get()
    published = slots_of(client, f"schedule=Schedule/{world.leeds.pk}-{leeds_place.pk}&_count=500")
    by_start = {dt.datetime.fromisoformat(s["start"]): s for s in published}
    assert by_start[world.booked.start]["status"] == "busy"
    assert all(s["status"] == "free" for at, s in by_start.items() if at != world.booked.start)
    york_place = world.york.locations.get()
    york = slots_of(client, f"schedule=Schedule/{world.york.pk}-{york_place.pk}&_count=500")
    off_start, off_end = local(2, 0), local(3, 0)
    for slot in york:
        at = dt.datetime.fromisoformat(slot["start"])
        assert slot["status"] == ("busy" if off_start <= at < off_end else "free")
    assert any(slot["status"] == "busy" for slot in york)


def test_booking_a_free_slot_turns_it_busy(client: Client, world) -> None:
    york_place = world.york.locations.get()
    (first, *_) = slots_of(
        client, f"schedule=Schedule/{world.york.pk}-{york_place.pk}&status=free&_count=1"
    )
    services.book_appointment(
        client=client_user(),
        practitioner_id=world.york.pk,
        start=dt.datetime.fromisoformat(first["start"]),
    )
    status, now_busy = get_json(client, f"{R4}/Slot/{first['id']}")
    assert status == 200
    assert now_busy["status"] == "busy"
    assert "booking-deep-link" not in str(now_busy)


def test_paging_returns_every_slot_once_in_order(client: Client, world) -> None:
    whole = slots_of(client, "_count=500")
    paged = slots_of(client, "_count=7")
    assert [s["id"] for s in paged] == [s["id"] for s in whole]
    assert len({s["id"] for s in paged}) == len(paged) > 7
    _, first = get_json(client, f"{R4}/Slot?_count=7")
    assert len(first["entry"]) == 7
    assert "total" not in first  # counting computed slots would cost a whole computation


def test_status_and_start_filter(client: Client, world) -> None:
    whole = slots_of(client, "_count=500")
    busy = slots_of(client, "status=busy&_count=500")
    assert busy == [s for s in whole if s["status"] == "busy"]
    assert busy
    lower = local(2, 9).astimezone(dt.UTC)
    upper = local(3, 12).astimezone(dt.UTC)
    query = (
        f"start=ge{lower.isoformat().replace('+00:00', 'Z')}"
        f"&start=lt{upper.isoformat().replace('+00:00', 'Z')}&_count=500"
    )
    window = slots_of(client, query)
    expected = [s for s in whole if lower <= dt.datetime.fromisoformat(s["start"]) < upper]
    assert [s["id"] for s in window] == [s["id"] for s in expected]
    assert window
    gt = slots_of(client, f"start=gt{lower.isoformat().replace('+00:00', 'Z')}&_count=500")
    assert all(dt.datetime.fromisoformat(s["start"]) > lower for s in gt)
    le = slots_of(client, f"start=le{lower.isoformat().replace('+00:00', 'Z')}&_count=500")
    assert all(dt.datetime.fromisoformat(s["start"]) <= lower for s in le)
    assert len(gt) + len(le) == len(whole)


def test_last_updated_finds_the_practitioners_whose_time_changed(client: Client, world) -> None:
    before = timezone.now().isoformat().replace("+00:00", "Z")
    york_place = world.york.locations.get()
    services.book_appointment(
        client=client_user(), practitioner_id=world.york.pk, start=local(1, 11)
    )
    schedule = f"Schedule/{world.york.pk}-{york_place.pk}"
    expected = [s for s in slots_of(client, "_count=500") if s["schedule"]["reference"] == schedule]
    assert expected
    # Exactly York's slots, whole, whatever the page size.
    for count in (500, 5):
        changed = slots_of(client, f"_lastUpdated=gt{before}&_count={count}")
        assert [s["id"] for s in changed] == [s["id"] for s in expected]
    assert slots_of(client, f"_lastUpdated=gt{timezone.now().isoformat()}") == []


def test_a_slot_id_that_is_not_a_slot_is_404(client: Client, world) -> None:
    place = world.leeds.locations.get()
    off_grid = (local(1, 10, 10)).astimezone(dt.UTC)
    for rid in (
        f"{world.leeds.pk}-{place.pk}-{off_grid:%Y%m%d%H%M}",
        f"{world.leeds.pk}-{place.pk}-200001010900",
        f"{world.pending.pk}-{world.pending.locations.get().pk}-{local(1, 10):%Y%m%d%H%M}",
        "1-2-3",
    ):
        response = client.get(f"{R4}/Slot/{rid}")
        assert response.status_code == 404, rid
        assert b"OperationOutcome" in response.content
