"""`manage.py erase_expired_records`: finishes erasure requests whose retention is over."""

from typing import Any

from django.core.management.base import BaseCommand

from needlepoint.clinic.privacy import erase_expired


class Command(BaseCommand):
    help = (
        "Erase the clinical records (and anonymise the account) of every client whose erasure "
        "request waited for CLINICAL_RECORD_RETENTION_DAYS to pass. Safe to run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = erase_expired()
        if options["verbosity"] > 0:
            self.stdout.write(f"Finished {done} erasure request(s).")
