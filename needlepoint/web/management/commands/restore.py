"""`needlepoint restore DIRECTORY`: puts a backup back, once its checksums are verified."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from needlepoint.backup import BackupError, restore


class Command(BaseCommand):
    # A backup or a restore must work even when some check of the code fails.
    requires_system_checks: list[str] = []
    help = (
        "Restore a backup made by `needlepoint backup`: every checksum is verified first, then "
        "the database is replaced and the private storage made to hold exactly the backup's "
        "files. Stop the web processes and workers first. A database or storage that already "
        "holds data is only overwritten with --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The backup directory.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database and storage that already hold data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        console = Console(stderr=True, quiet=quiet)
        try:
            summary = restore(options["directory"], force=options["force"], console=console)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not quiet:
            removed = (
                f"; removed {summary.removed_files} file(s) the backup does not hold"
                if summary.removed_files
                else ""
            )
            self.stdout.write(
                f"Restored the {summary.engine} database and {summary.media_files} private "
                f"file(s) from {summary.directory}{removed}. Run `needlepoint migrate` if this "
                "version of Needlepoint is newer than the backup."
            )
