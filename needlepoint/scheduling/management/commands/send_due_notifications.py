"""`manage.py send_due_notifications`: sends the reminders, aftercare and recalls due now."""

from typing import Any

from django.core.management.base import BaseCommand

from needlepoint.scheduling.notifications import send_due_notifications


class Command(BaseCommand):
    help = (
        "Send every reminder, aftercare message and course recall that is due now. Safe to run "
        "as often as you like (e.g. every 5 minutes from cron): each message is sent once. "
        "Needed where the task backend cannot run a task later; harmless everywhere."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        looked_at = send_due_notifications()
        if options["verbosity"] > 0:
            self.stdout.write(f"Checked {looked_at} sessions and courses for a due message.")
