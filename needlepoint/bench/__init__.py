"""`needlepoint bench`: benchmark datasets and runs (see docs/benchmarks.md).

    needlepoint bench generate --profile tiny|city|national|national-10k|world [--fresh]
    needlepoint bench run [--profile national] [--queries N] [--skip STAGE,…]
    needlepoint bench [--queries N]      the quick comparison on the current database

The database is chosen before Django starts: DATABASE_URL if set, else var/bench/PROFILE.sqlite3;
`run` opens each database it needs in a child process of its own."""

import os
import sys

USAGE = __doc__.split("\n\n")[1]


def option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv: list[str]) -> int:
    import django

    if argv[:1] == ["generate"]:
        from . import db
        from .profiles import PROFILES

        name = option(argv, "--profile", "tiny")
        if name not in PROFILES:
            print(f"unknown profile {name!r}; one of {', '.join(PROFILES)}", file=sys.stderr)
            return 2
        url = os.environ.get("DATABASE_URL") or db.sqlite_url(name)
        if "--fresh" in argv or not db.exists(url):
            db.recreate(url)
        db.use(url)
        django.setup()
        from rich.console import Console

        from . import generate

        console = Console()
        generate.prepare(url, fresh="--fresh" in argv)
        console.print(f"Generating profile [bold]{name}[/bold] into {url}")
        result = generate.generate(PROFILES[name], console=console)
        for label, count in result["rows"].items():
            console.print(f"  {label:<40} {count:>12,}")
        console.print(f"done in {result['seconds']} s")
        return 0
    if argv[:1] == ["run"]:
        from .run import main as run_main

        return run_main(argv[1:])
    if argv[:1] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    django.setup()
    from . import quick

    return quick.main(argv)
