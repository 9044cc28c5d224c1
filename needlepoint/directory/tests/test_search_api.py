"""GET /api/v1/search: who is found, in what order, with which filters."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from needlepoint.directory.models import Credential, Location

from .factories import practitioner_at

pytestmark = pytest.mark.django_db

LEEDS = (53.7997, -1.5492)


def search(client: Client, **params: object) -> dict:
    response = client.get("/api/v1/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def names(body: dict) -> list[str]:
    return [r["practitioner"]["full_name"] for r in body["results"]]


def test_it_sorts_nearest_first_with_distances(client: Client) -> None:
    practitioner_at(53.85, -1.55, name="Far")  # ~5.6 km north
    practitioner_at(53.80, -1.55, name="Near")  # under 100 m
    practitioner_at(53.82, -1.55, name="Middle")
    body = search(client, lat=LEEDS[0], lon=LEEDS[1])
    assert names(body) == ["Near", "Middle", "Far"]
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)
    assert distances[-1] == pytest.approx(5.6, abs=0.2)


def test_it_finds_a_town_by_name(client: Client) -> None:
    practitioner_at(53.80, -1.55, name="In Leeds")
    practitioner_at(51.51, -0.13, name="In London")
    body = search(client, near="leeds")
    assert names(body) == ["In Leeds"]
    assert "Leeds" in body["centre"]["label"]
    assert body["centre"]["radius_km"] == 25


def test_each_result_carries_what_a_person_compares(client: Client) -> None:
    practitioner_at(53.80, -1.55, price="180", currency="GBP", concerns=("acne",))
    result = search(client, near="Leeds")["results"][0]
    assert result["price"] == {"amount": "180.00", "currency": "GBP"}
    assert result["clinic"]["name"].startswith("Clinic")
    assert result["location"]["timezone"] == "Europe/London"
    assert result["practitioner"]["years_experience"] == 5
    assert result["practitioner"]["concerns"] == ["acne"]
    assert result["practitioner"]["credentials"][0]["kind"] == "nursing_registration"


def test_the_radius_bounds_the_answer(client: Client) -> None:
    practitioner_at(53.80, -1.55, name="Near")
    practitioner_at(54.20, -1.55, name="45 km away")
    assert names(search(client, near="Leeds", radius_km=25)) == ["Near"]
    assert names(search(client, near="Leeds", radius_km=50)) == ["Near", "45 km away"]


def test_it_filters_by_concern(client: Client) -> None:
    practitioner_at(53.80, -1.55, name="Scars", concerns=("scars",))
    practitioner_at(53.81, -1.55, name="Stretch marks", concerns=("stretch-marks", "acne"))
    assert names(search(client, near="Leeds", concern="stretch-marks")) == ["Stretch marks"]
    assert names(search(client, near="Leeds", concern="scars")) == ["Scars"]


def test_it_filters_by_maximum_price(client: Client) -> None:
    practitioner_at(53.80, -1.55, name="Cheap", price="150")
    practitioner_at(53.81, -1.55, name="Dear", price="450")
    assert names(search(client, near="Leeds", max_price=200)) == ["Cheap"]
    assert names(search(client, near="Leeds", max_price=450)) == ["Cheap", "Dear"]


def test_the_limit_cuts_the_nearest(client: Client) -> None:
    for i in range(5):
        practitioner_at(53.80 + i * 0.01, -1.55, name=f"P{i}")
    assert names(search(client, near="Leeds", limit=2)) == ["P0", "P1"]


def test_unverified_rejected_and_uncredentialed_practitioners_are_not_found(client: Client) -> None:
    practitioner_at(53.80, -1.55, name="Verified")
    practitioner_at(53.80, -1.55, name="Pending", status=Credential.Status.PENDING)
    practitioner_at(53.80, -1.55, name="Rejected", status=Credential.Status.REJECTED)
    practitioner_at(53.80, -1.55, name="None", with_credential=False)
    assert names(search(client, near="Leeds")) == ["Verified"]


def test_a_practitioner_drops_out_the_day_after_the_credential_expires(client: Client) -> None:
    today = timezone.localdate()
    practitioner_at(53.80, -1.55, name="Last day today", valid_until=today)
    practitioner_at(
        53.80, -1.55, name="Expired yesterday", valid_until=today - dt.timedelta(days=1)
    )
    assert names(search(client, near="Leeds")) == ["Last day today"]


def test_an_inactive_clinic_or_location_is_not_found(client: Client) -> None:
    gone = practitioner_at(53.80, -1.55, name="Clinic closed")
    gone.clinic.is_active = False
    gone.clinic.save()
    moved = practitioner_at(53.80, -1.55, name="Location closed")
    Location.objects.filter(practitioners=moved).update(is_active=False)
    practitioner_at(53.80, -1.55, name="Open")
    assert names(search(client, near="Leeds")) == ["Open"]


def test_a_practitioner_with_two_locations_appears_once_at_the_nearer(client: Client) -> None:
    practitioner = practitioner_at(53.90, -1.55, name="Two sites")
    nearer = Location.objects.create(
        clinic=practitioner.clinic,
        name="Second site",
        address_line="1 Park Row",
        city="Leeds",
        country="GB",
        latitude=53.80,
        longitude=-1.55,
        timezone="Europe/London",
    )
    practitioner.locations.add(nearer)
    body = search(client, near="Leeds")
    assert names(body) == ["Two sites"]
    assert body["results"][0]["location"]["name"] == "Second site"


def queries_of_search(client: Client, **params: object) -> int:
    with CaptureQueriesContext(connection) as context:
        assert search(client, near="Leeds", **params)["count"] == params["limit"]
    return len(context)


def test_the_number_of_queries_does_not_grow_with_the_answer(client: Client) -> None:
    for i in range(30):
        practitioner_at(53.80 + i * 0.0001, -1.55)  # all within the first ring
    # The ring walk, every candidate's free slots read from what is kept, the page loaded
    # whole: a fixed count. Computing free time where nothing is kept yet adds a fixed few
    # (rules 4, busy time 2 per window, the upsert 1).
    computing = queries_of_search(client, limit=25)
    kept = queries_of_search(client, limit=25)
    assert kept == queries_of_search(client, limit=3)
    assert kept < computing <= kept + 9


def test_a_practitioner_profile_is_public_only_while_listable(client: Client) -> None:
    listed = practitioner_at(53.80, -1.55)
    hidden = practitioner_at(53.80, -1.55, status=Credential.Status.PENDING)
    assert client.get(f"/api/v1/practitioners/{listed.pk}").status_code == 200
    response = client.get(f"/api/v1/practitioners/{hidden.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"/practitioners/{listed.pk}/").status_code == 200
    assert client.get(f"/practitioners/{hidden.pk}/").status_code == 404


def test_the_openapi_document_describes_the_search(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"near", "lat", "lon", "radius_km", "concern", "max_price", "limit"} <= parameters
