"""`needlepoint bench run`: every figure of docs/benchmarks.md in one run, each as p50/p95/p99
and as a ratio to the baselines measured in the same run; a table on screen, a JSON result
and a PNG plot under var/bench/results/ (`--docs` also copies the plot to docs/).

Each database is measured in a child process of its own (Django holds one database per
process): in-process near-me on SQLite and PostgreSQL, the geo stage at every size for the
growth curve, HTTP with each app server, booking under concurrency on PostgreSQL."""

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import db
from .profiles import PROFILES, query_points

RESULTS = db.VAR_BENCH / "results"
DOCS = Path(__file__).resolve().parents[2] / "docs"
STAGES = ("sqlite", "postgres", "growth", "http", "booking")
# The sizes of the growth curve and the profile holding each.
GROWTH = (("national-10k", 10_000), ("national", 100_000), ("world", 1_000_000))

TARGETS = {
    "near_me_p95_sqlite_ms": 10.0,
    "near_me_p95_postgres_ms": 20.0,
    "speedup_vs_naive": 50.0,
    "speedup_vs_postgis": 1.0,
    "growth_per_10x": 1.5,
    "http_per_second": 400.0,
    "http_p95_ms": 50.0,
    "bookings_per_second": 300.0,
}


def figures(samples: list[float]) -> dict[str, float]:
    if len(samples) < 2:
        value = samples[0] if samples else float("nan")
        return {"n": len(samples), "p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50": statistics.median(samples), "p95": cuts[94], "p99": cuts[98]}


def _child(
    module: str, positional: list[str], flags: list[str] | None = None, timeout: int = 1800
) -> dict[str, Any]:
    """Runs `python -m needlepoint.bench.MODULE *positional OUT *flags` and reads OUT."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as file:
        out = file.name
    command = [sys.executable, "-m", f"needlepoint.bench.{module}", *positional, out]
    command += flags or []
    try:
        subprocess.run(command, check=True, timeout=timeout, cwd=DOCS.parent)
        return dict(json.loads(Path(out).read_text()))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        return {"error": str(error)}
    finally:
        Path(out).unlink(missing_ok=True)


@dataclass
class Options:
    profile: str = "national"
    queries: int = 200
    naive: int = 15
    seconds: int = 15
    skip: tuple[str, ...] = ()
    docs: bool = False


def parse_run(argv: list[str]) -> Options:
    """--profile NAME --queries N --naive N --seconds S --skip sqlite,http,… --docs"""
    options = Options()
    for flag, attribute, kind in (
        ("--profile", "profile", str), ("--queries", "queries", int),
        ("--naive", "naive", int), ("--seconds", "seconds", int),
    ):  # fmt: skip
        if flag in argv:
            setattr(options, attribute, kind(argv[argv.index(flag) + 1]))
    if "--skip" in argv:
        options.skip = tuple(argv[argv.index("--skip") + 1].split(","))
    options.docs = "--docs" in argv
    if options.profile not in PROFILES or not set(options.skip) <= set(STAGES):
        raise SystemExit(f"profiles: {', '.join(PROFILES)}; stages to --skip: {', '.join(STAGES)}")
    return options


def _summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """Percentiles per stage and method, in place of the raw samples."""
    if "error" in raw:
        return raw
    raw["figures"] = {key: figures(values) for key, values in raw.pop("samples_ms").items()}
    return raw


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "load_before": os.getloadavg()}


def main(argv: list[str]) -> int:
    """Runs every stage not skipped; exits 1 if any method disagreed with the oracle."""
    options = parse_run(argv)
    profile = PROFILES[options.profile]
    skip = set(options.skip)
    started = time.perf_counter()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    result: dict[str, Any] = {
        "profile": profile.name,
        "started_at": stamp,
        "machine": machine(),
        "settings": {"radius_km": 25, "limit": 20, "days": 7, "queries": options.queries},
    }
    sqlite, postgres = db.sqlite_url(profile.name), db.postgres_url(profile.name)
    args = ["--queries", str(options.queries), "--naive", str(options.naive)]
    if profile.days == 0:
        args.append("--geo-only")
    print(
        f"needlepoint bench run --profile {profile.name}: "
        f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    if "sqlite" not in skip:
        print("· in process, SQLite …", flush=True)
        result["sqlite"] = (
            _summarise(_child("inprocess", [sqlite, profile.name], args))
            if db.exists(sqlite)
            else {
                "error": f"no {sqlite}: run `needlepoint bench generate --profile {profile.name}`"
            }
        )
    if "postgres" not in skip:
        print("· in process, PostgreSQL (with PostGIS) …", flush=True)
        result["postgres"] = (
            _summarise(_child("inprocess", [postgres, profile.name], args))
            if db.exists(postgres)
            else {"error": f"no {postgres}"}
        )
    if "growth" not in skip:
        result["growth"] = _growth(options, result)
    if "http" not in skip:
        from . import http

        url = postgres if db.exists(postgres) else sqlite
        print(f"· HTTP on loopback ({url.split(':')[0]}) …", flush=True)
        points = query_points(profile, 2000, seed=11)
        result["http"] = {
            "database": url.split(":")[0],
            **http.measure(url, points, seconds=options.seconds),
        }
    if "booking" not in skip:
        print("· booking under concurrency, PostgreSQL …", flush=True)
        result["booking"] = (
            _child("booking", [postgres]) if db.exists(postgres) else {"error": f"no {postgres}"}
        )
    result["machine"]["load_after"] = os.getloadavg()
    result["seconds"] = round(time.perf_counter() - started, 1)
    from .report import disagreements, judge, markdown, plot, print_table

    result["targets"] = judge(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{profile.name}-{stamp}.json"
    path.write_text(json.dumps(result, indent=1, default=str))
    picture = plot(result, RESULTS / f"{profile.name}-{stamp}.png")
    (RESULTS / f"{profile.name}-{stamp}.md").write_text(markdown(result) + "\n")
    if options.docs and picture is not None:
        shutil.copy(picture, DOCS / f"benchmarks-{profile.name}.png")
    print_table(result)
    print(f"result: {path}\nplot:   {picture}\ntook {result['seconds']} s")
    return 1 if disagreements(result) else 0


def _growth(options: Any, result: dict[str, Any]) -> dict[str, Any]:
    """The geo stage at each size, on SQLite and PostgreSQL where the database exists; the
    size of the profile being run is taken from its own stage above."""
    growth: dict[str, Any] = {}
    for name, size in GROWTH:
        for engine, url in (("sqlite", db.sqlite_url(name)), ("postgres", db.postgres_url(name))):
            key = f"{engine}|{size}"
            if name == options.profile and engine in result and "figures" in result[engine]:
                growth[key] = {"profile": name, "from": engine, **result[engine]}
                continue
            if not db.exists(url):
                growth[key] = {"error": f"no {url}: `needlepoint bench generate --profile {name}`"}
                continue
            print(f"· growth: geo stage at {size:,} practitioners, {engine} …", flush=True)
            naive = "3" if size >= 1_000_000 else str(options.naive)
            queries = str(min(options.queries, 100))
            growth[key] = _summarise(
                _child(
                    "inprocess", [url, name], ["--queries", queries, "--naive", naive, "--geo-only"]
                )
            )
    return growth
