"""The search agrees with a brute-force oracle everywhere, poles and antimeridian included."""

import random

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needlepoint.directory import geo
from needlepoint.directory.models import Practitioner

from .factories import practitioner_at

# Places where a grid index goes wrong: the poles, both sides of the antimeridian, the equator
# and the prime meridian, and an ordinary town.
ANCHORS = [(89.7, 0.0), (-89.6, 120.0), (0.5, 179.8), (-30.0, -179.9), (0.0, 0.0), (53.8, -1.55)]


def jitter(rng: random.Random, lat: float, lon: float, spread: float) -> tuple[float, float]:
    return (
        max(-90.0, min(90.0, lat + rng.uniform(-spread, spread))),
        geo.normalize_longitude(lon + rng.uniform(-spread * 3, spread * 3)),
    )


@pytest.fixture
def scattered(db: None) -> list[tuple[int, float, float]]:
    """About 180 practitioners around the anchors, some not listable, with their positions."""
    rng = random.Random(20261125)
    for lat, lon in ANCHORS:
        for _ in range(30):
            plat, plon = jitter(rng, lat, lon, 2.0)
            practitioner_at(plat, plon, with_credential=rng.random() > 0.1)
    return [
        (p.pk, loc.latitude, loc.longitude)
        for p in Practitioner.objects.listable(on=timezone.localdate())
        for loc in p.locations.all()
    ]


def oracle(
    rows: list[tuple[int, float, float]], lat: float, lon: float, radius: float, limit: int
) -> list[int]:
    best: dict[int, float] = {}
    for pk, plat, plon in rows:
        distance = geo.haversine_km(lat, lon, plat, plon)
        if distance <= radius:
            best[pk] = min(distance, best.get(pk, distance))
    return [pk for pk, _ in sorted(best.items(), key=lambda item: (item[1], item[0]))][:limit]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    anchor=st.sampled_from(ANCHORS),
    dlat=st.floats(-2.5, 2.5),
    dlon=st.floats(-7, 7),
    radius=st.floats(1, 200),
    limit=st.integers(1, 100),
)
def test_the_api_returns_exactly_what_the_oracle_returns(
    client: Client,
    scattered: list[tuple[int, float, float]],
    anchor: tuple[float, float],
    dlat: float,
    dlon: float,
    radius: float,
    limit: int,
) -> None:
    lat = max(-90.0, min(90.0, anchor[0] + dlat))
    lon = geo.normalize_longitude(anchor[1] + dlon)
    response = client.get(
        "/api/v1/search", {"lat": lat, "lon": lon, "radius_km": radius, "limit": limit}
    )
    assert response.status_code == 200, response.content
    found = [r["practitioner"]["id"] for r in response.json()["results"]]
    assert found == oracle(scattered, lat, lon, radius, limit)


def test_the_oracle_fixture_is_not_empty(scattered: list[tuple[int, float, float]]) -> None:
    # Guards the property above against passing on an empty directory.
    assert len(scattered) > 150
    assert oracle(scattered, 89.7, 0.0, 200, 100)
    assert oracle(scattered, 0.5, -179.9, 200, 100)
