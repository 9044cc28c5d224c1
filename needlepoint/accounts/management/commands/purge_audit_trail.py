"""`manage.py purge_audit_trail`: deletes audit events older than AUDIT_RETENTION_DAYS."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from needlepoint.accounts.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Delete audit events older than AUDIT_RETENTION_DAYS (default 6 years) and say how many. "
        "Safe to run as often as you like (e.g. daily from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.AUDIT_RETENTION_DAYS
        cutoff = timezone.now() - dt.timedelta(days=days)
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Deleted {deleted} audit events older than {days} days "
                f"(before {cutoff:%Y-%m-%d %H:%M} UTC)."
            )
