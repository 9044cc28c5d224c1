"""The `needlepoint` console script: `needlepoint demo`, and any manage.py command."""

import os
import subprocess
import sys

DEMO_ADDRESS = "127.0.0.1:8000"


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.settings")
    import django
    from django.core.management import call_command, execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(
            "usage: needlepoint demo [--address HOST:PORT] [--no-serve]\n"
            "       needlepoint bench generate --profile tiny|city|national|world [--fresh]\n"
            "       needlepoint bench run [--profile national] [--queries N]\n"
            "       needlepoint bench [--queries N]\n"
            "       needlepoint <manage.py command> [options]"
        )
        return
    if args[0] == "demo":
        django.setup()
        address = DEMO_ADDRESS
        if "--address" in args:
            address = args[args.index("--address") + 1]
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        call_command("seed_demo_bookings")
        from needlepoint.clinic.demo import ensure_demo_story
        from needlepoint.screening.demo import ensure_demo_screening

        ensure_demo_screening()
        ensure_demo_story()
        print_demo_second_factor()
        if "--no-serve" in args:
            return
        # Confirmations, reminders and aftercare are sent by the task worker, beside the server.
        worker = subprocess.Popen(
            [sys.executable, "-m", "needlepoint.cli", "db_worker", "--no-reload", "-v", "0"]
        )
        print(
            f"\nNeedlepoint is serving on http://{address}/  (Ctrl+C stops it)\n"
            "Sign in with the demo accounts above, e.g. client@demo.test / needlepoint-demo\n"
            "E-mails are printed here (console backend) and listed in each client's account.\n",
            flush=True,
        )
        try:
            call_command("runserver", address, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
        return
    if args[0] == "bench":
        # Not set up here: the benchmark picks its database (DATABASE_URL) before Django starts.
        from needlepoint import bench

        sys.exit(bench.main(args[1:]))
    execute_from_command_line(["needlepoint", *args])


def print_demo_second_factor() -> None:
    """How to pass the clinic roles' second factor in the demo (its key is public: demo only)."""
    from needlepoint.accounts import mfa
    from needlepoint.accounts.models import TOTPDevice

    devices = TOTPDevice.objects.filter(
        user__email__endswith="@demo.test", confirmed_at__isnull=False
    ).select_related("user")
    secrets = {device.secret for device in devices}
    if not secrets:
        return
    emails = ", ".join(sorted(device.user.email for device in devices))
    print(
        f"\nTwo-factor sign-in (demo only) for {emails}: after the password, type the 6-digit "
        "code from an authenticator app holding the key\n"
        f"    {' / '.join(mfa.grouped(secret) for secret in sorted(secrets))}\n"
        "(time-based, 30 s), or print the current code with "
        "`needlepoint demo_otp practitioner@demo.test`.",
        flush=True,
    )


if __name__ == "__main__":
    main()
