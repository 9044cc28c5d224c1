"""`needlepoint backup`: the database and the private media, with a manifest of checksums."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from needlepoint.backup import BackupError, backup


class Command(BaseCommand):
    # A backup or a restore must work even when some check of the code fails.
    requires_system_checks: list[str] = []
    help = (
        "Back up the database (SQLite: online backup API, safe while the site runs; PostgreSQL: "
        "pg_dump custom format) and every file of the private storage into one new directory "
        "with a manifest of SHA-256 checksums. `needlepoint restore DIRECTORY` puts it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The directory to create (default: var/backups/needlepoint-<UTC time>).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        console = Console(stderr=True, quiet=quiet)
        try:
            summary = backup(options["output"], console)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not quiet:
            self.stdout.write(
                f"Backed up the {summary.engine} database ({summary.database_bytes:,} bytes) and "
                f"{summary.media_files} private file(s) ({summary.media_bytes:,} bytes) to "
                f"{summary.directory}"
            )
