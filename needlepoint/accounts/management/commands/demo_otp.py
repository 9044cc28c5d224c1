"""`manage.py demo_otp EMAIL`: the current authenticator code of a demo account (@demo.test)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from needlepoint.accounts import mfa
from needlepoint.accounts.models import TOTPDevice

DEMO_DOMAIN = "@demo.test"


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (emails ending @demo.test only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if not email.endswith(DEMO_DOMAIN):
            raise CommandError(f"Only demo accounts ({DEMO_DOMAIN}) have codes printed here.")
        device = TOTPDevice.objects.filter(user__email=email, confirmed_at__isnull=False).first()
        if device is None:
            raise CommandError(f"{email} has no authenticator: run `needlepoint demo` first.")
        now = time.time()
        left = mfa.STEP_SECONDS - int(now) % mfa.STEP_SECONDS
        code = mfa.code_at_step(device.secret, mfa.step_at(now))
        self.stdout.write(f"{code}  (valid for {left} more seconds, once)")
