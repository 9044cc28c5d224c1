"""The benchmark on the tiny profile: the generator's proportions and occupancy, every method
agreeing with the brute-force oracle, and a run writing its JSON result and plot. The national
run itself is a benchmark, never a test."""

import datetime as dt
import json
import math
import random
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from needlepoint.bench import generate, inprocess, profiles, report
from needlepoint.bench.oracle import Oracle, haversine_km
from needlepoint.directory import geo
from needlepoint.directory.models import Location, Practitioner
from needlepoint.scheduling import slots
from needlepoint.scheduling.models import Appointment, WorkingHours

pytestmark = pytest.mark.django_db

TINY = profiles.PROFILES["tiny"]


@pytest.fixture
def tiny() -> dict[str, object]:
    return generate.generate(TINY)


def test_shares_follow_population_and_add_up() -> None:
    parts = profiles.shares([9_000_000, 1_000_000, 500_000, 20_000], 1000)
    assert sum(parts) == 1000
    assert parts[0] > parts[1] > parts[2] >= parts[3]
    assert abs(parts[0] / parts[1] - 9) < 0.1


def test_query_points_lie_on_their_towns_discs() -> None:
    towns = profiles.towns(TINY)
    for lat, lon in profiles.query_points(TINY, 50, seed=3):
        assert any(
            geo.haversine_km(lat, lon, town.latitude, town.longitude)
            <= profiles.town_radius_km(town) + 0.01
            for town in towns
        )


def test_the_oracle_haversine_matches_the_products() -> None:
    rng = random.Random(1)
    lats = [rng.uniform(-80, 80) for _ in range(200)]
    lons = [rng.uniform(-180, 180) for _ in range(200)]
    import numpy as np

    ours = haversine_km(51.5, -0.1, np.array(lats), np.array(lons))
    for a, b, km in zip(lats, lons, ours, strict=True):
        assert math.isclose(km, geo.haversine_km(51.5, -0.1, a, b), rel_tol=1e-12, abs_tol=1e-9)


def test_practitioners_follow_town_population(tiny: dict[str, object]) -> None:
    assert Practitioner.objects.count() == TINY.practitioners
    by_town = Counter(Location.objects.values_list("city", flat=True))
    towns = {p.town: p.population for p in profiles.towns(TINY)}
    biggest = max(towns, key=lambda t: towns[t])
    # London holds about its share of the people living in British towns.
    share = towns[biggest] / sum(towns.values())
    assert abs(by_town[biggest] / Location.objects.count() - share) < 0.08
    assert set(Location.objects.values_list("country", flat=True)) == {"GB"}


def test_bookings_fill_the_horizon_to_the_occupancy(tiny: dict[str, object]) -> None:
    """Booked ÷ bookable slots of the next 14 days is the profile's 60% (within sampling)."""
    now = dt.datetime.fromisoformat(str(tiny["generated_at"]))
    bookable = 0
    for hours in WorkingHours.objects.select_related("location"):
        from zoneinfo import ZoneInfo

        rules = slots.Rules(
            zone=ZoneInfo(hours.location.timezone),
            weekly=(slots.WeeklyHours(hours.weekday, hours.start, hours.end),),
        )
        bookable += len(
            slots.free_slots(rules, busy=[], now=now, start=now, end=now + dt.timedelta(days=14))
        )
    booked = Appointment.objects.booked().count()
    assert bookable > 1000
    assert abs(booked / bookable - TINY.occupancy) < 0.03
    # Every booking lies in the horizon and no two of one practitioner overlap.
    assert not Appointment.objects.filter(start__lt=now).exists()
    from needlepoint.bench.booking import overlaps

    assert overlaps(set(Practitioner.objects.values_list("pk", flat=True))) == 0


def test_every_method_agrees_with_the_oracle_on_the_tiny_profile(
    tiny: dict[str, object],
) -> None:
    result = inprocess.measure("tiny", queries=25, naive_queries=5, geo_only=False)
    assert result["disagreements"] == []
    assert result["points_with_answers"] >= 15
    methods = set(result["samples_ms"])
    assert {"geo|needlepoint", "geo|naive", "near-me|needlepoint", "near-me|naive"} <= methods
    if connection.vendor == "postgresql":
        assert {"geo|postgis", "near-me|postgis"} <= methods


def test_the_oracle_notices_a_wrong_answer(tiny: dict[str, object]) -> None:
    """A booked-solid practitioner drops out of the oracle's answer: it really reads bookings."""
    now = timezone.now().replace(microsecond=0)
    oracle = Oracle(now, days=7)
    lat, lon = next(
        point for point in profiles.query_points(TINY, 50, seed=5) if oracle.nearest(*point, 25, 1)
    )
    first = oracle.nearest_free(lat, lon, 25, 1)[0]
    # One booking over the whole week (PostgreSQL refuses overlapping ones: the others go).
    theirs = Appointment.objects.filter(practitioner_id=first)
    keep = theirs.values_list("pk", flat=True).first()
    theirs.exclude(pk=keep).delete()
    theirs.update(
        start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=9),
        blocked_until=now + dt.timedelta(days=9),
    )  # fmt: skip
    assert first not in Oracle(now, days=7).nearest_free(lat, lon, 25, 20)


def test_a_run_writes_its_json_and_plot(tmp_path: Path) -> None:
    figures = {"p50": 1.0, "p95": 2.0, "p99": 3.0, "n": 10}
    stage = {
        "practitioners": 200, "locations": 207, "appointments": 18000, "queries": 10,
        "points_with_answers": 9, "disagreements": [],
        "figures": {"near-me|needlepoint": figures, "near-me|naive": {**figures, "p95": 200.0},
                    "geo|needlepoint": figures},
    }  # fmt: skip
    bigger = {"geo|needlepoint": {**figures, "p95": 2.5}}
    result = {
        "profile": "tiny", "started_at": "now",
        "machine": {"nproc": 2, "cpu": "test", "load_before": (1, 1, 1), "load_after": (1, 1, 1)},
        "sqlite": stage,
        "growth": {"sqlite|10000": stage, "sqlite|100000": {**stage, "figures": bigger}},
        "http": {"servers": {"gunicorn": [{"connections": 8, "per_second": 500.0, "p50_ms": 10.0,
                 "p95_ms": 30.0, "p99_ms": 40.0, "non_2xx": 0, "socket_errors": 0}]}},
    }  # fmt: skip
    result["targets"] = report.judge(result)
    met = {t["target"]: t["met"] for t in result["targets"]}
    assert met["near-me p95, in process, sqlite"]
    assert met["near-me speed-up vs naive (p95 ratio), sqlite"]  # 100×
    assert met["HTTP searches/s at p95 ≤ 50 ms"]
    assert not met["booking attempts/s, PostgreSQL (201 or 409)"]  # not measured
    (tmp_path / "r.json").write_text(json.dumps(result))
    picture = report.plot(result, tmp_path / "r.png")
    assert picture is not None
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "r.json").read_text())["targets"] == result["targets"]
