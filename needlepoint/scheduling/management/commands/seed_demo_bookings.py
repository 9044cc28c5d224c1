"""`manage.py seed_demo_bookings`: working hours and a 60% booking book for the demo directory."""

import time
from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from needlepoint.directory.management.commands.seed_demo import _Stream
from needlepoint.scheduling import demo


class Command(BaseCommand):
    help = "Give every demo practitioner weekly hours and book about 60% of the next two weeks."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=_Stream(self.stdout), markup=False)  # type: ignore[arg-type]
        started = time.monotonic()
        columns = (TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
            written = demo.seed(progress)
        if not written:
            console.print("Demo bookings already present.")
            return
        summary = ", ".join(f"{n} {label}" for label, n in written.items())
        console.print(f"Booked the demo in {time.monotonic() - started:.1f} s: {summary}.")
