"""`manage.py seed_demo`: fill an empty directory with demo clinics and print the demo sign-ins."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, OutputWrapper
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from needlepoint.directory import demo
from needlepoint.directory.models import Clinic, Practitioner


class _Stream:
    """Lets rich write through the command's stdout (so call_command(stdout=...) captures it)
    without OutputWrapper adding a newline to every partial write."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending="")
        return len(text)

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class Command(BaseCommand):
    help = "Seed demo clinics, practitioners and credentials if the directory is empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", choices=sorted(demo.PROFILES), default="demo")

    def handle(self, *args: Any, **options: Any) -> None:
        # No markup: a clinic name with "[...]" in it must print as written.
        console = Console(file=_Stream(self.stdout), markup=False)  # type: ignore[arg-type]
        clinics = Clinic.objects.count()
        if clinics:
            practitioners = Practitioner.objects.count()
            console.print(
                f"Demo data already present: {clinics} clinics, {practitioners} practitioners."
            )
        else:
            started = time.monotonic()
            columns = (TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
                written = demo.seed(options["profile"], progress=progress)
            summary = ", ".join(f"{n} {label.split('.')[-1]}" for label, n in written.items())
            console.print(f"Seeded in {time.monotonic() - started:.1f} s: {summary}.")
        table = Table(title="Demo accounts")
        for column in ("Role", "Email", "Password"):
            table.add_column(column, no_wrap=True)  # to be copied whole, even on a narrow screen
        table.add_column("What they can do")
        for account in demo.ensure_demo_accounts():
            table.add_row(account.role, account.email, demo.DEMO_PASSWORD, account.can)
        console.print(table)
