"""What the production tests share: the test database as a DATABASE_URL for a subprocess, a
free loopback port, and an environment for a subprocess running the production settings."""

import os
import socket
from typing import Any
from urllib.parse import quote

from django.db import connection


def database_url(settings_dict: dict[str, Any] | None = None) -> str:
    """The database this test runs on, as a subprocess's DATABASE_URL (the test database, not
    the one the settings name)."""
    found = settings_dict or connection.settings_dict
    if found["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{found['NAME']}"
    user = quote(found.get("USER") or "", safe="")
    password = quote(found.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = found.get("HOST") or "127.0.0.1"
    port = f":{found['PORT']}" if found.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(found['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def subprocess_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the settings a test run may carry, plus overrides."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "RATE_LIMIT_", "DJANGO_", "AWS_", "PYTEST_"))
        and key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "PRODUCTION",
            "CACHE_URL",
            "TASKS_BACKEND",
            "REDIS_URL",
            "DATABASE_URL",
        }
    }
    env.update(overrides)
    return env
