"""The production settings served the production way: gunicorn with two workers and our config
module, behind a (pretend) TLS proxy, on a real database, with static files collected and served
by whitenoise. Deployment checks themselves: test_deploy_check.py."""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from needlepoint.scheduling.tests.factories import bookable

from .production_support import database_url, free_port, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
HOST = "needlepoint.example"
# The command docs/production.md gives, less the environment.
GUNICORN = ["-c", "python:needlepoint.gunicorn_conf", "needlepoint.wsgi"]


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]

    def get(self, path: str, *, https: bool = True) -> http.client.HTTPResponse:
        """A request as the proxy forwards it: our public host name, and https when the visitor
        came over TLS."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Host": HOST, "X-Forwarded-For": "203.0.113.7"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response


def production_env(tmp_path: Path, port: int) -> dict[str, str]:
    return subprocess_env(
        PRODUCTION="true",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS=HOST,
        SECURE_COOKIES="true",
        BEHIND_TLS_PROXY="true",
        RATE_LIMIT_TRUSTED_PROXIES="1",
        DATABASE_URL=database_url(),
        NEEDLEPOINT_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        WHITENOISE_USE_FINDERS="false",
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module, on the test database (each test commits its own rows)."""
    tmp_path = tmp_path_factory.mktemp("production")
    port = free_port()
    env = production_env(tmp_path, port)
    collected = subprocess.run(
        [sys.executable, "-m", "needlepoint.cli", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *GUNICORN],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Server(port, process, log, env)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
            try:
                if running.get("/healthz-not-a-page").status:
                    break
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn never answered:\n{log.read_text()}"
                time.sleep(0.3)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def test_gunicorn_serves_pages_static_files_and_the_api_with_the_security_headers(
    server: Server,
) -> None:
    near_leeds = bookable(name="Pat Leeds", lat=53.80, lon=-1.55)

    home = server.get("/")
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', home.body)  # type: ignore[attr-defined]
    assert stylesheet, home.body  # type: ignore[attr-defined]
    static = server.get(stylesheet[1].decode())
    search = server.get("/api/v1/search?lat=53.8&lon=-1.55&radius_km=10")

    assert home.status == 200
    assert home.getheader("Content-Type", "").startswith("text/html")
    assert home.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "default-src 'self'" in home.getheader("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in home.getheader("Content-Security-Policy", "")
    assert home.getheader("X-Frame-Options") == "DENY"
    assert home.getheader("X-Content-Type-Options") == "nosniff"
    assert home.getheader("Referrer-Policy") == "same-origin"
    assert home.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert "camera=()" in home.getheader("Permissions-Policy", "")

    assert static.status == 200
    assert static.getheader("Content-Type", "").startswith("text/css")
    name = stylesheet[1].decode().removeprefix("/static/")
    assert static.body == (ROOT / "needlepoint/web/static" / name).read_bytes()  # type: ignore[attr-defined]
    assert (Path(server.env["STATIC_ROOT"]) / name).is_file()  # collected, not found in the app

    assert search.status == 200, search.body  # type: ignore[attr-defined]
    found = json.loads(search.body)  # type: ignore[attr-defined]
    assert [r["practitioner"]["id"] for r in found["results"]] == [near_leeds.pk]
    assert search.getheader("Content-Security-Policy")

    # Two workers answer beside the master, and each request is in the access log with the
    # visitor's address as the proxy saw it, without its query string.
    assert len(workers_of(server.process.pid)) == 2
    # A worker writes its access-log line after the answer is sent: wait for the last one.
    deadline = time.monotonic() + 10
    while '"GET /api/v1/search' not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = server.log.read_text()
    assert '203.0.113.7 127.0.0.1 "GET / HTTP/1.1" 200' in log
    assert '"GET /api/v1/search HTTP/1.1" 200' in log
    assert "lat=53.8" not in log


def test_plain_http_is_sent_to_https_and_an_unknown_host_is_refused(server: Server) -> None:
    redirected = server.get("/", https=False)

    assert redirected.status == 301
    assert redirected.getheader("Location") == f"https://{HOST}/"

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    connection.request("GET", "/", headers={"Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert connection.getresponse().status == 400
    connection.close()
    assert os.path.exists(f"/proc/{server.process.pid}")
