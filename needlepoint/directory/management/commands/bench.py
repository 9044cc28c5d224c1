"""`needlepoint bench`: near-me search latency on the current database, against a naive scan."""

from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from needlepoint.directory import bench
from needlepoint.directory.models import Location, Practitioner


class Command(BaseCommand):
    help = "Time the near-me search against a naive full scan on the current database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--radius-km", type=float, default=25)
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        console.print(
            f"{Practitioner.objects.count()} practitioners, {Location.objects.count()} locations; "
            f"{options['queries']} queries, {options['radius_km']:g} km, top {options['limit']}"
        )
        figures, disagreements = bench.run(
            queries=options["queries"], radius_km=options["radius_km"], limit=options["limit"]
        )
        baseline = next(f for f in figures if f.name == "naive scan")
        table = Table("method", "p50 ms", "p95 ms", "p99 ms", "naive p95 ÷ this p95")
        for f in figures:
            table.add_row(
                f.name,
                f"{f.p50_ms:.2f}",
                f"{f.p95_ms:.2f}",
                f"{f.p99_ms:.2f}",
                f"{baseline.p95_ms / f.p95_ms:.1f}×",
            )
        console.print(table)
        console.print(f"answers that differ from the brute-force scan: {disagreements}")
        if disagreements:
            raise SystemExit(1)
