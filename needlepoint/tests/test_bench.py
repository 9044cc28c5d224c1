"""The benchmark's methods agree with their baselines on every query, so its ratios compare
equal answers."""

import pytest
from django.core.management import call_command

from needlepoint import bench

pytestmark = pytest.mark.django_db


def test_every_method_agrees_with_its_baseline_on_the_tiny_profile() -> None:
    call_command("seed_demo", profile="tiny", verbosity=0)
    call_command("seed_demo_bookings", verbosity=0)
    figures, disagreements = bench.run(queries=30, radius_km=50, limit=10)
    assert disagreements == 0
    assert {(f.stage, f.method) for f in figures} == {
        ("ranking", "grid index"),
        ("ranking", "naive scan"),
        ("near-me with time", "timed search"),
        ("near-me with time", "naive per-candidate"),
    }
    assert all(0 < f.p50_ms <= f.p95_ms <= f.p99_ms for f in figures)
    # The points are drawn where clinics are, so the answers are not trivially empty.
    assert bench.indexed_ranking(*bench.query_points(1, seed=7)[0], 50, 10)
