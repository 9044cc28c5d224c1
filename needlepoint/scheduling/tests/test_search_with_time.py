"""The near-me search with time: who is free soon, soonest first, next slots on every result."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from needlepoint.scheduling import services
from needlepoint.scheduling.models import TimeOff

from .factories import bookable, client_user, local

pytestmark = pytest.mark.django_db


def search(client: Client, **params: object) -> dict:
    response = client.get("/api/v1/search", {"near": "Leeds", **params})
    assert response.status_code == 200, response.content
    return response.json()


def names(body: dict) -> list[str]:
    return [r["practitioner"]["full_name"] for r in body["results"]]


def test_each_result_carries_its_next_free_slots(client: Client) -> None:
    bookable(name="Open")
    result = search(client)["results"][0]
    starts = [dt.datetime.fromisoformat(s["start"]) for s in result["next_slots"]]
    assert len(starts) == 3
    assert starts == sorted(starts)
    assert all(s > dt.datetime.now(dt.UTC) for s in starts)
    assert result["next_slots"][0]["timezone"] == "Europe/London"


def test_available_within_days_drops_practitioners_who_are_not_free(client: Client) -> None:
    bookable(lat=53.80, name="Free")
    away = bookable(lat=53.801, name="Away for a month")
    now = dt.datetime.now(dt.UTC)
    TimeOff.objects.create(practitioner=away, start=now, end=now + dt.timedelta(days=30))
    assert names(search(client)) == ["Free", "Away for a month"]
    assert names(search(client, available_within_days=7)) == ["Free"]
    assert names(search(client, available_within_days=60)) == ["Free", "Away for a month"]


def test_soonest_orders_by_the_earliest_free_slot(client: Client) -> None:
    near_but_busy = bookable(lat=53.80, name="Near, busy till day 5")
    bookable(lat=53.85, name="Further, free tomorrow")
    start = dt.datetime.now(dt.UTC)
    TimeOff.objects.create(practitioner=near_but_busy, start=start, end=local(5, 0))
    assert names(search(client)) == ["Near, busy till day 5", "Further, free tomorrow"]
    assert names(search(client, sort="soonest")) == [
        "Further, free tomorrow",
        "Near, busy till day 5",
    ]


def test_a_booking_moves_the_next_free_slot(client: Client) -> None:
    practitioner = bookable(name="One")
    first = dt.datetime.fromisoformat(search(client)["results"][0]["next_slots"][0]["start"])
    services.book_appointment(client=client_user(), practitioner_id=practitioner.pk, start=first)
    after = dt.datetime.fromisoformat(search(client)["results"][0]["next_slots"][0]["start"])
    assert after > first


def queries_of(client: Client, limit: int) -> int:
    with CaptureQueriesContext(connection) as context:
        assert search(client, available_within_days=7, limit=limit)["count"] == limit
    return len(context)


def test_the_query_count_does_not_grow_with_the_candidates(client: Client) -> None:
    for i in range(30):
        bookable(lat=53.80 + i * 0.0001)  # all within the first ring
    computing = queries_of(client, 25)  # free time computed and kept: a fixed few more
    kept = queries_of(client, 25)
    assert kept == queries_of(client, 3) < computing <= kept + 9


def test_every_answer_is_exactly_what_the_documented_schema_renders(client: Client) -> None:
    """The search renders plain data for speed: it must be SearchOut, field for field."""
    from needlepoint.api import api
    from needlepoint.scheduling.api import SearchOut

    bookable(name="Open")
    bookable(name="Also open", lat=53.81)
    for params in ({}, {"available_within_days": 7, "sort": "soonest"}, {"concern": "acne"}):
        response = client.get("/api/v1/search", {"near": "Leeds", **params})
        body = response.json()
        assert body["count"] >= 1
        validated = SearchOut.model_validate(body).model_dump()
        assert json.loads(api.renderer.render(None, validated, response_status=200)) == body
        assert response["Content-Type"] == api.get_content_type()
