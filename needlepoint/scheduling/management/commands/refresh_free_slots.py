"""`manage.py refresh_free_slots`: computes the kept first free slots that are due."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from needlepoint.scheduling import free_time


class Command(BaseCommand):
    help = (
        "Compute every practitioner's kept first free slots that are missing, out of date, or "
        "stop holding within --ahead minutes, so that near-me searches find them ready. Safe "
        "to run as often as you like (e.g. every 5 minutes from cron): a search never trusts a "
        "row that no longer holds, so this only saves searches the work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=30, help="minutes (default 30)")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 0

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stdout.write(f"  {done:,} / {total:,}")

        count = free_time.sweep(ahead=dt.timedelta(minutes=options["ahead"]), progress=progress)
        if verbose:
            self.stdout.write(f"Computed the free slots of {count:,} practitioners.")
