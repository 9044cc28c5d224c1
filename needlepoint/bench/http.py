"""The near-me search over HTTP on loopback: a real app server with several workers, loaded by
wrk from a second process, for each of the app servers we could deploy on.

The servers run the WSGI application (Needlepoint has no ASGI entry point: its views are
synchronous), each with the same number of worker processes, rate limits off, persistent
database connections, and the same query points as the in-process stage."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APP = "needlepoint.wsgi:application"


def server_command(server: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [str(BIN / "gunicorn"), APP, "--workers", str(workers), "--bind",
                f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    if server == "uvicorn":
        return [str(BIN / "uvicorn"), APP, "--interface", "wsgi", "--workers", str(workers),
                "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                "--log-level", "warning"]  # fmt: skip
    if server == "granian":
        return [str(BIN / "granian"), "--interface", "wsgi", "--workers", str(workers),
                "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                "--log-level", "warning", APP]  # fmt: skip
    raise ValueError(f"unknown server {server!r}")


def search_path(lat: float, lon: float) -> str:
    return (
        f"/api/v1/search?lat={lat:.6f}&lon={lon:.6f}&radius_km=25&limit=20&available_within_days=7"
    )


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "socket_errors": %%d, "non_2xx": %%d, ' ..
    '"p50_ms": %%.3f, "p95_ms": %%.3f, "p99_ms": %%.3f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not answer in time")


def _wrk(script: Path, port: int, connections: int, seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    result["per_second"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["connections"] = connections
    return result


def measure(
    url: str,
    points: list[tuple[float, float]],
    *,
    servers: tuple[str, ...] = ("gunicorn", "uvicorn", "granian"),
    workers: int = 4,
    connections: tuple[int, ...] = (2, 8, 32),
    seconds: int = 15,
    port: int = 8791,
) -> dict[str, Any]:
    """For each server: requests per second and latency at each concurrency."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install -y wrk)"}
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "needlepoint.settings",
        "RATE_LIMIT_SEARCH": "",
        "DEBUG": "false",
        "PYTHONPATH": str(ROOT),
    }
    results: dict[str, Any] = {"workers": workers, "seconds": seconds, "servers": {}}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "search.lua"
        paths = ", ".join(f'"{search_path(lat, lon)}"' for lat, lon in points)
        script.write_text(WRK_SCRIPT % paths)
        for server in servers:
            # as the production cron does (`refresh_free_slots` every few minutes)
            sweep_started = time.perf_counter()
            subprocess.run(
                [str(BIN / "needlepoint"), "refresh_free_slots", "-v", "0"],
                env=env, cwd=ROOT, check=True,
            )  # fmt: skip
            results.setdefault("sweep_s", []).append(round(time.perf_counter() - sweep_started, 1))
            process = subprocess.Popen(
                server_command(server, port, workers), env=env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            try:
                _wait_until_up(f"http://127.0.0.1:{port}{search_path(*points[0])}", process)
                _wrk(script, port, max(connections), 3)  # every worker warm
                results["servers"][server] = [_wrk(script, port, c, seconds) for c in connections]
            except (RuntimeError, subprocess.CalledProcessError, StopIteration) as error:
                stderr = (
                    process.stderr.read(2000).decode()
                    if process.poll() is not None and process.stderr
                    else ""
                )
                results["servers"][server] = {"error": f"{error} {stderr}".strip()}
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            port += 1
    return results
