"""Gunicorn's settings for production: `gunicorn -c python:needlepoint.gunicorn_conf
needlepoint.wsgi`. Every value can be changed from the environment without editing this file.

Which server and worker class serve fastest is measured, not guessed: see docs/benchmarks.md."""

import multiprocessing
import os


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw else default


# Where to listen: behind a reverse proxy on the same machine, loopback; in a container, 0.0.0.0
# (PORT alone is enough for platforms that set it).
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Sync workers, 2 × cores + 1 (gunicorn's advice): a request waits on the database, not the CPU,
# so a second worker per core keeps the core busy. WEB_CONCURRENCY overrides (platforms set it).
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# Threads per worker: 1 keeps one database connection per process, the simplest to size
# PostgreSQL's max_connections (or PgBouncer's pool) against: web processes × workers.
threads = env_int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# A request that runs past this is killed and its worker replaced: no page of ours takes
# seconds (the near-me search answers in milliseconds), so a stuck one is a fault.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a load balancer's idle timeout would make it reuse connections we have closed.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# Replace each worker after a number of requests (jittered so they do not all restart at once):
# a slow leak in any library then never grows without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that can stall and get healthy workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The proxy's address(es): only from them are X-Forwarded-For / -Proto believed. Django decides
# https from SECURE_PROXY_SSL_HEADER (BEHIND_TLS_PROXY=true) and the client's address for rate
# limits and the audit trail from RATE_LIMIT_TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One line per request on stdout, for the process manager's journal; the client's address as the
# proxy saw it, and the time taken in microseconds. No query strings: a search for a postcode is
# a person's whereabouts, and the access log is not the place for it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus'

# Request line and header limits: gunicorn's defaults, stated so nobody loosens them unnoticed.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
