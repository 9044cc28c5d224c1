"""The benchmark's two methods agree on every query, so its ratios compare equal answers."""

import pytest
from django.core.management import call_command

from needlepoint.directory import bench

pytestmark = pytest.mark.django_db


def test_the_grid_index_and_the_naive_scan_agree_on_the_tiny_profile() -> None:
    call_command("seed_demo", profile="tiny", verbosity=0)
    figures, disagreements = bench.run(queries=40, radius_km=50, limit=10)
    assert disagreements == 0
    assert {f.name for f in figures} == {"grid index", "naive scan"}
    assert all(0 < f.p50_ms <= f.p95_ms <= f.p99_ms for f in figures)
    # The points are drawn where clinics are, so the answers are not trivially empty.
    assert bench.indexed_search(*bench.query_points(1, seed=7)[0], 50, 10)
