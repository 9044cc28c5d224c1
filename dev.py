#!/usr/bin/env python3
"""One command per habit, needing only Python 3.11+ and pip: demo, test, lint, format, types,
bench, lock. Each installs what it needs into .venv from the hash-locked requirements first."""

from __future__ import annotations  # so an older Python reaches the version message below

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
LOCKS = {"base": ROOT / "requirements" / "base.txt", "dev": ROOT / "requirements" / "dev.txt"}
CHROMIUM = "/usr/bin/chromium"
DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def must(*args: str | Path) -> None:
    if run(*args) != 0:
        sys.exit(f"dev.py: failed: {' '.join(str(a) for a in args)}")


def ensure_venv(lock: str) -> None:
    """Creates .venv and installs the locked set once; again only when a lock file changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by any python3
        sys.exit("Needlepoint needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = [LOCKS["base"]] if lock == "base" else [LOCKS["base"], LOCKS["dev"]]
    digest = hashlib.sha256(
        b"".join(p.read_bytes() for p in [*wanted, ROOT / "pyproject.toml"])
    ).hexdigest()
    stamp = VENV / f".installed-{lock}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing the locked {lock} requirements into .venv …", flush=True)
    must(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    must(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", wanted[-1])
    must(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    stamp.write_text(digest)
    if lock == "dev":
        (VENV / ".installed-base").write_text("")  # dev includes base; recheck base next time


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium; install it when missing (as root), else fail:
    a missing browser must fail the run, not skip it."""
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing Chromium for the browser tests …", flush=True)
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if run("apt-get", "update", "-qq", env=quiet) == 0:
            run("apt-get", "install", "-y", "-qq", "chromium", env=quiet)
    if not Path(CHROMIUM).exists():
        sys.exit(f"The browser tests need Chromium at {CHROMIUM} (Debian package 'chromium').")


def pytest(database_url: str | None, args: list[str]) -> int:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    label = "SQLite"
    if database_url:
        env["DATABASE_URL"] = database_url
        label = "PostgreSQL"
    print(f"\n=== tests on {label} ===", flush=True)
    workers = env.get("PYTEST_WORKERS", "2")
    code = run(BIN / "pytest", "-n", workers, *args, env=env)
    if code == 5:
        print("No test ran: that is a failure.", flush=True)
        return 1
    return code


def cmd_demo(args: list[str]) -> int:
    ensure_venv("base")
    return run(BIN / "needlepoint", "demo", *args)


def cmd_test(args: list[str]) -> int:
    """Runs the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL names one."""
    ensure_venv("dev")
    ensure_chromium()
    failed = pytest(None, args) != 0
    database_url = os.environ.get("TEST_DATABASE_URL")
    if database_url:
        failed = pytest(database_url, args) != 0 or failed
    return 1 if failed else 0


def cmd_lint(args: list[str]) -> int:
    ensure_venv("dev")
    return run(BIN / "ruff", "check", ".", *args) or run(BIN / "ruff", "format", "--check", ".")


def cmd_format(args: list[str]) -> int:
    ensure_venv("dev")
    return run(BIN / "ruff", "check", "--fix", ".", *args) or run(BIN / "ruff", "format", ".")


def cmd_types(args: list[str]) -> int:
    ensure_venv("dev")
    return run(BIN / "mypy", "needlepoint", *args)


def cmd_bench(args: list[str]) -> int:
    ensure_venv("dev")
    return run(BIN / "needlepoint", "bench", *args)


def cmd_lock(args: list[str]) -> int:
    """Re-pins requirements/*.in into hash-locked *.txt (needs the network to PyPI)."""
    ensure_venv("dev")
    must(PYTHON, "-m", "pip", "install", "--quiet", "uv")
    for name in ("base", "dev"):
        must(
            BIN / "uv",
            "pip",
            "compile",
            "--quiet",
            "--generate-hashes",
            "--python-version",
            "3.11",
            "--universal",
            "-o",
            f"requirements/{name}.txt",
            f"requirements/{name}.in",
            *args,
        )
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "test": cmd_test,
    "lint": cmd_lint,
    "format": cmd_format,
    "types": cmd_types,
    "bench": cmd_bench,
    "lock": cmd_lock,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [args…]\n\n{__doc__}")
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
