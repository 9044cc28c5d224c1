"""The at-scale task path run as production runs it: settings switched to Redis by the
environment (TASKS_BACKEND=rq), a booking's confirmation enqueued by one process and run by
`needlepoint rqworker`, the real worker command, in another. Uses Redis database 9 (its own)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.models import Message
from needlepoint.scheduling.tests.factories import bookable, client_user, local

from .production_support import database_url, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_RQ_REDIS_URL", "redis://127.0.0.1:6379/9")
WORKER = ["rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default"]


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    """Redis database 9, empty before and after: no other test uses it."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({error}); .ci/run starts one.")
    connection.flushdb()
    yield connection
    connection.flushdb()


def needlepoint(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(
        TASKS_BACKEND="rq",
        REDIS_URL=REDIS_URL,
        DATABASE_URL=database_url(),
        NEEDLEPOINT_VAR_DIR=str(tmp_path),
    )
    return subprocess.run(
        [sys.executable, "-m", "needlepoint.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_rq_worker_command_runs_a_task_queued_in_redis(
    redis_db: redis.Redis, tmp_path: Path
) -> None:
    practitioner = bookable(name="Pat Worker")
    client = client_user("queued@example.test")
    appointment = scheduling_services.book_appointment(
        client=client, practitioner_id=practitioner.pk, start=local(3, 10)
    )
    enqueue = (
        "from needlepoint.scheduling.tasks import send_confirmation;"
        f"print(send_confirmation.enqueue([{appointment.pk}]).id)"
    )

    queued = needlepoint("shell", "--no-imports", "-c", enqueue, tmp_path=tmp_path)

    assert queued.returncode == 0, queued.stderr
    job_id = queued.stdout.strip()
    assert redis_db.lrange("rq:queue:default", 0, -1) == [job_id.encode()]
    assert not Message.objects.exists()  # waiting in Redis, not run by anyone

    worked = needlepoint(*WORKER, tmp_path=tmp_path)

    assert worked.returncode == 0, worked.stderr
    assert redis_db.hget(f"rq:job:{job_id}", "status") == b"finished"
    assert redis_db.llen("rq:queue:default") == 0
    message = Message.objects.get()
    assert (message.kind, message.client_id) == (Message.Kind.CONFIRMATION, client.pk)
    assert message.emailed_at is not None
    # The console e-mail backend printed the confirmation from the worker's process.
    assert "Subject: Booked: Pat Worker" in worked.stdout
