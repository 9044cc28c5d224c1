"""`needlepoint bench` with no subcommand: the quick near-me comparison on the current database (the
demo's by default), each method against the naive baseline measured in the same run.

1. ranking: the nearest listable practitioners through the grid index vs a full scan;
2. near-me with time: the nearest practitioners with a free slot within 7 days — the timed
   search vs what a typical app does (distance to every practitioner, then availability read
   per candidate, nearest first, until the page is full)."""

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from needlepoint.directory import gazetteer, geo
from needlepoint.directory.models import Location, Practitioner
from needlepoint.directory.selectors import nearest_practitioners
from needlepoint.scheduling import near_me
from needlepoint.scheduling import selectors as scheduling
from needlepoint.scheduling.models import Appointment


@dataclass(frozen=True)
class Figures:
    stage: str
    method: str
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentiles(stage: str, method: str, samples_ms: list[float]) -> Figures:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return Figures(stage, method, statistics.median(samples_ms), cuts[94], cuts[98])


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


def naive_ranking(lat: float, lon: float, radius_km: float, limit: int | None) -> list[int]:
    """Every listable practitioner's locations, distance to each, nearest first."""
    rows = Practitioner.locations.through.objects.filter(
        practitioner__in=Practitioner.objects.listable(timezone.localdate()),
        location__is_active=True,
    ).values_list("practitioner_id", "location__latitude", "location__longitude")
    best: dict[int, float] = {}
    for pk, plat, plon in rows:
        distance = geo.haversine_km(lat, lon, plat, plon)
        if distance <= radius_km and distance < best.get(pk, float("inf")):
            best[pk] = distance
    ranked = [pk for pk, _ in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))]
    return ranked if limit is None else ranked[:limit]


def indexed_ranking(lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
    ranked = nearest_practitioners(
        latitude=lat, longitude=lon, radius_km=radius_km, limit=limit, on=timezone.localdate()
    )
    return [pk for pk, _, _ in ranked]


def naive_available(
    lat: float, lon: float, radius_km: float, limit: int, days: int, now: dt.datetime
) -> list[int]:
    found = []
    for pk in naive_ranking(lat, lon, radius_km, None):
        practitioner = Practitioner.objects.get(pk=pk)
        if scheduling.free_slots(practitioner, now, now + dt.timedelta(days=days), now=now):
            found.append(pk)
            if len(found) == limit:
                break
    return found


def timed_available(
    lat: float, lon: float, radius_km: float, limit: int, days: int, now: dt.datetime
) -> list[int]:
    found = near_me.search_with_time(
        latitude=lat,
        longitude=lon,
        radius_km=radius_km,
        limit=limit,
        available_within_days=days,
        now=now,
    )
    return [t.match.practitioner.pk for t in found]


def timed(fn: Callable[[], list[int]]) -> tuple[float, list[int]]:
    start = time.perf_counter()
    answer = fn()
    return (time.perf_counter() - start) * 1000, answer


def run(
    *, queries: int = 100, radius_km: float = 25, limit: int = 20, days: int = 7, seed: int = 7
) -> tuple[list[Figures], int]:
    """Times every method on the same points; returns the figures and how many answers
    differed from the baseline (must be 0)."""
    now = timezone.now()
    stages: dict[tuple[str, str], Callable[[float, float], list[int]]] = {
        ("ranking", "grid index"): lambda a, b: indexed_ranking(a, b, radius_km, limit),
        ("ranking", "naive scan"): lambda a, b: naive_ranking(a, b, radius_km, limit),
        ("near-me with time", "timed search"): lambda a, b: timed_available(
            a, b, radius_km, limit, days, now
        ),
        ("near-me with time", "naive per-candidate"): lambda a, b: naive_available(
            a, b, radius_km, limit, days, now
        ),
    }
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in stages}
    disagreements = 0
    for lat, lon in query_points(queries, seed):
        answers: dict[str, list[list[int]]] = {}
        for (stage, method), fn in stages.items():
            elapsed, answer = timed(lambda fn=fn, lat=lat, lon=lon: fn(lat, lon))  # type: ignore[misc]
            samples[(stage, method)].append(elapsed)
            answers.setdefault(stage, []).append(answer)
        disagreements += sum(1 for pair in answers.values() if pair[0] != pair[1])
    figures = [percentiles(stage, method, values) for (stage, method), values in samples.items()]
    return figures, disagreements


def main(argv: list[str]) -> int:
    """Prints the table; exits non-zero if any answer differed from its baseline."""
    from rich.console import Console
    from rich.table import Table

    queries = int(argv[argv.index("--queries") + 1]) if "--queries" in argv else 100
    console = Console()
    console.print(
        f"{Practitioner.objects.count()} practitioners, {Location.objects.count()} locations, "
        f"{Appointment.objects.count()} appointments; {queries} queries, 25 km, top 20"
    )
    figures, disagreements = run(queries=queries)
    table = Table("stage", "method", "p50 ms", "p95 ms", "p99 ms", "baseline p95 ÷ this p95")
    baselines = {f.stage: f for f in figures if f.method.startswith("naive")}
    for f in figures:
        ratio = baselines[f.stage].p95_ms / f.p95_ms
        table.add_row(
            f.stage,
            f.method,
            f"{f.p50_ms:.2f}",
            f"{f.p95_ms:.2f}",
            f"{f.p99_ms:.2f}",
            f"{ratio:.1f}×",
        )
    console.print(table)
    console.print(f"answers that differ from the baseline: {disagreements}")
    return 1 if disagreements else 0
