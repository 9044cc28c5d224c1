"""Production settings pass Django's deployment checklist, and production will not start on a
generated secret key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "RATE_LIMIT_", "DJANGO_"))
        and key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PRODUCTION", "CACHE_URL"}
    }
    env.update(
        PRODUCTION="true",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        SECURE_COOKIES="true",
        ALLOWED_HOSTS="needlepoint.example",
        NEEDLEPOINT_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key_from_the_environment(
    tmp_path: Path,
) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_embedded_set_up_generates_and_keeps_its_own_key(tmp_path: Path) -> None:
    env = production_env(tmp_path, PRODUCTION="false")
    del env["SECRET_KEY"]
    assert manage(env, "check").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert manage(env, "check").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize(
    ("setting", "value", "warning"),
    [
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
        ("SECURE_SSL_REDIRECT", "false", "security.W008"),
        ("SECURE_COOKIES", "false", "security.W012"),
    ],
)
def test_turning_a_protection_off_fails_the_checklist(
    tmp_path: Path, setting: str, value: str, warning: str
) -> None:
    env = production_env(tmp_path, **{setting: value})
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr
