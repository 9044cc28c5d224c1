"""GET /api/v1/practitioners/{id}/slots: free slots with offsets, and its bad input."""

import datetime as dt

import pytest
from django.test import Client

from .factories import bookable, local

pytestmark = pytest.mark.django_db


def test_slots_come_with_offsets_in_the_locations_zone(client: Client) -> None:
    practitioner = bookable()
    window = {"start": local(2, 0).isoformat(), "end": local(3, 0).isoformat()}
    slots = client.get(f"/api/v1/practitioners/{practitioner.pk}/slots", window).json()
    assert len(slots) == 16
    first = dt.datetime.fromisoformat(slots[0]["start"])
    assert first.tzinfo is not None
    assert first == local(2, 9)
    assert slots[0]["timezone"] == "Europe/London"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-12-01T10:00:00"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"start": "2026-12-02T00:00:00+00:00", "end": "2026-12-01T00:00:00+00:00"}, "end"),
        ({"start": "2026-12-01T00:00:00+00:00", "end": "2027-03-01T00:00:00+00:00"}, "end"),
    ],
)
def test_bad_windows_get_422_naming_the_field(client: Client, params: dict, field: str) -> None:
    practitioner = bookable()
    response = client.get(f"/api/v1/practitioners/{practitioner.pk}/slots", params)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field


def test_an_unknown_practitioner_is_404(client: Client) -> None:
    response = client.get("/api/v1/practitioners/999999/slots")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
