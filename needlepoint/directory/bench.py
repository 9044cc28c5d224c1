"""Near-me search benchmark on the current database: finding and ranking the nearest
practitioners through the grid index against a naive full scan (both return the same ids, so
the naive scan is also the brute-force check). Figures are ratios from one run."""

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from . import gazetteer, geo, selectors
from .models import Location, Practitioner


@dataclass(frozen=True)
class Figures:
    name: str
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentiles(name: str, samples_ms: list[float]) -> Figures:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return Figures(name, statistics.median(samples_ms), cuts[94], cuts[98])


def query_points(count: int, seed: int) -> list[tuple[float, float]]:
    """Points where people live: near the towns that have clinics, jittered a few km."""
    rng = random.Random(seed)
    towns = list(Location.objects.values_list("latitude", "longitude").distinct()[:5000])
    if not towns:
        towns = [(t.latitude, t.longitude) for t in gazetteer.towns()[:500]]
    points = []
    for _ in range(count):
        lat, lon = rng.choice(towns)
        points.append((lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.15, 0.15)))
    return points


def naive_search(lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
    """What a typical app does: every listable practitioner's locations, distance to each."""
    rows = Practitioner.locations.through.objects.filter(
        practitioner__in=Practitioner.objects.listable(timezone.localdate()),
        location__is_active=True,
    ).values_list("practitioner_id", "location__latitude", "location__longitude")
    best: dict[int, float] = {}
    for pk, plat, plon in rows:
        distance = geo.haversine_km(lat, lon, plat, plon)
        if distance <= radius_km and distance < best.get(pk, float("inf")):
            best[pk] = distance
    return [pk for pk, _ in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))][:limit]


def indexed_search(lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
    ranked = selectors.nearest_practitioners(
        latitude=lat, longitude=lon, radius_km=radius_km, limit=limit, on=timezone.localdate()
    )
    return [pk for pk, _, _ in ranked]


def timed(fn: Callable[[], list[int]]) -> tuple[float, list[int]]:
    start = time.perf_counter()
    answer = fn()
    return (time.perf_counter() - start) * 1000, answer


def run(
    *, queries: int = 200, radius_km: float = 25, limit: int = 20, seed: int = 7
) -> tuple[list[Figures], int]:
    """Times both methods on the same points; returns their figures and how many answers
    differed (must be 0)."""
    points = query_points(queries, seed)
    samples: dict[str, list[float]] = {"grid index": [], "naive scan": []}
    disagreements = 0
    for lat, lon in points:
        fast_ms, fast = timed(lambda: indexed_search(lat, lon, radius_km, limit))  # noqa: B023
        slow_ms, slow = timed(lambda: naive_search(lat, lon, radius_km, limit))  # noqa: B023
        samples["grid index"].append(fast_ms)
        samples["naive scan"].append(slow_ms)
        disagreements += fast != slow
    return [percentiles(name, values) for name, values in samples.items()], disagreements
