"""The in-process stages on one database, run in a child process of its own so that each
database (SQLite file, PostgreSQL) has Django to itself:

    python -m needlepoint.bench.inprocess URL PROFILE OUT.json [--queries N] [--naive N]
                                          [--geo-only]

Every method answers the same query points; each answer is compared with the oracle's."""

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

RADIUS_KM = 25.0
LIMIT = 20
DAYS = 7
WARM_UP = 5

Method = Callable[[float, float], list[int]]


def _methods(now: dt.datetime, *, geo_only: bool) -> dict[tuple[str, str], Method]:
    from django.utils import timezone

    from needlepoint.directory.selectors import nearest_practitioners
    from needlepoint.scheduling.near_me import search_with_time

    from . import baselines

    today = timezone.localdate(now)
    methods: dict[tuple[str, str], Method] = {
        ("geo", "needlepoint"): lambda a, b: [
            pk
            for pk, _, _ in nearest_practitioners(
                latitude=a, longitude=b, radius_km=RADIUS_KM, limit=LIMIT, on=today
            )
        ],
        ("geo", "naive"): lambda a, b: baselines.naive_nearest(a, b, RADIUS_KM, LIMIT),
    }
    postgis = baselines.postgis_ready() is None
    if postgis:
        methods[("geo", "postgis")] = lambda a, b: baselines.postgis_nearest(a, b, RADIUS_KM, LIMIT)
    if geo_only:
        return methods
    methods[("near-me", "needlepoint")] = lambda a, b: [
        t.match.practitioner.pk
        for t in search_with_time(
            latitude=a,
            longitude=b,
            radius_km=RADIUS_KM,
            limit=LIMIT,
            available_within_days=DAYS,
            now=now,
        )
    ]
    methods[("near-me", "naive")] = lambda a, b: baselines.naive_free(
        a, b, RADIUS_KM, LIMIT, DAYS, now
    )
    if postgis:
        methods[("near-me", "postgis")] = lambda a, b: baselines.postgis_free(
            a, b, RADIUS_KM, LIMIT, DAYS, now
        )
    return methods


def measure(
    profile_name: str, *, queries: int, naive_queries: int, geo_only: bool, seed: int = 7
) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from needlepoint.directory.models import Location, Practitioner
    from needlepoint.scheduling import free_time
    from needlepoint.scheduling.models import Appointment

    from .oracle import Oracle, haversine_km
    from .profiles import PROFILES, query_points

    profile = PROFILES[profile_name]
    call_command("migrate", interactive=False, verbosity=0)  # a dataset older than the code
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    # as the production cron does (`refresh_free_slots` every few minutes)
    swept = 0 if geo_only else free_time.sweep(now)
    sweep_s = time.perf_counter() - started
    started = time.perf_counter()
    oracle = Oracle(now, days=DAYS)
    oracle_load_s = time.perf_counter() - started
    methods = _methods(now, geo_only=geo_only)
    points = query_points(profile, queries + WARM_UP, seed)
    samples: dict[str, list[float]] = {f"{s}|{m}": [] for s, m in methods}
    oracle_ms: list[float] = []
    disagreements: list[dict[str, Any]] = []
    answered = 0
    for n, (lat, lon) in enumerate(points):
        warm = n < WARM_UP
        t0 = time.perf_counter()
        haversine_km(lat, lon, oracle.lat, oracle.lon)
        expected_geo = oracle.nearest(lat, lon, RADIUS_KM, LIMIT)
        if not warm:
            oracle_ms.append((time.perf_counter() - t0) * 1000)
        expected = {"geo": expected_geo}
        if not geo_only:
            expected["near-me"] = oracle.nearest_free(lat, lon, RADIUS_KM, LIMIT)
        answered += bool(expected_geo)
        for (stage, method), fn in methods.items():
            if method == "naive" and n >= WARM_UP + naive_queries:
                continue
            t0 = time.perf_counter()
            answer = fn(lat, lon)
            elapsed = (time.perf_counter() - t0) * 1000
            if not warm:
                samples[f"{stage}|{method}"].append(elapsed)
            if answer != expected[stage]:
                disagreements.append(
                    {"stage": stage, "method": method, "point": [lat, lon],
                     "expected": expected[stage], "got": answer}
                )  # fmt: skip
    samples["geo|numpy oracle"] = oracle_ms
    return {
        "database": connection.vendor,
        "profile": profile_name,
        "now": now.isoformat(),
        "practitioners": Practitioner.objects.count(),
        "locations": Location.objects.count(),
        "appointments": Appointment.objects.count(),
        "queries": queries,
        "points_with_answers": answered - min(answered, WARM_UP),
        "oracle_load_s": round(oracle_load_s, 2),
        "sweep": {"computed": swept, "seconds": round(sweep_s, 1)},
        "samples_ms": samples,
        "disagreements": disagreements,
    }


def main(argv: list[str]) -> int:
    url, profile, out = argv[:3]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.settings")
    import django

    django.setup()
    queries = int(argv[argv.index("--queries") + 1]) if "--queries" in argv else 200
    naive = int(argv[argv.index("--naive") + 1]) if "--naive" in argv else 20
    result = measure(profile, queries=queries, naive_queries=naive, geo_only="--geo-only" in argv)
    with open(out, "w") as file:
        json.dump(result, file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
