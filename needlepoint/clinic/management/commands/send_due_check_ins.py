"""`manage.py send_due_check_ins`: sends the day-1, -3 and -7 check-ins that are due now, and
any recall notice whose job was lost."""

from typing import Any

from django.core.management.base import BaseCommand

from needlepoint.clinic.tasks import send_due_check_ins, send_pending_recall_notices


class Command(BaseCommand):
    help = (
        "Send every check-in after a session that is due now, and every recall notice not sent "
        "yet. Safe to run as often as you like "
        "(e.g. every 5 minutes from cron): each check-in is sent once. Needed where the task "
        "backend cannot run a task later; harmless everywhere."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        looked_at = send_due_check_ins()
        notices = send_pending_recall_notices()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Checked {looked_at} check-ins that were due and {notices} recall notices."
            )
