"""The production path: notification tasks through Redis and a real RQ worker.

Needs Redis on 127.0.0.1:6379 (TEST_REDIS_URL overrides). A missing Redis fails the test rather
than skipping it: CI starts one, so its absence is a broken set-up."""

import datetime as dt
import os
import signal
from collections.abc import Iterator
from typing import Any

import django_rq
import pytest
import redis
from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_rq import Job
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from needlepoint.scheduling import tasks
from needlepoint.scheduling.models import Message

from .test_notifications import client, days_ahead, ics_events, practitioner, session

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


@pytest.fixture
def rq_queue(settings: Any) -> Iterator[str]:
    """A queue of this test process's own (pytest-xdist runs several), on the RQ backend."""
    name = f"needlepoint-test-notifications-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({error}); start it: {START_REDIS}")
    # django-tasks-rq looks finished jobs up through the "default" connection.
    settings.RQ_QUEUES = {name: {"URL": REDIS_URL}, "default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    queue = django_rq.get_queue(name, job_class=Job)
    # The worker takes over SIGINT/SIGTERM for a graceful stop; pytest must have them back.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield name
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for registry in (queue.finished_job_registry, queue.scheduled_job_registry):
        for job_id in registry.get_job_ids():
            queue.connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    queue.delete(delete_jobs=True)
    for key in connection.scan_iter(match=f"rq:*{name}*"):
        connection.delete(key)


def run_worker(queue_name: str) -> None:
    queue = django_rq.get_queue(queue_name, job_class=Job)
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True, with_scheduler=True)


@pytest.mark.django_db(transaction=True)
def test_an_rq_worker_runs_queued_and_due_scheduled_tasks(rq_queue: str) -> None:
    who, by = client(), practitioner()
    upcoming = session(who, by, days_ahead(10))
    finished = session(who, by, timezone.now() - dt.timedelta(hours=1))
    on_queue = tasks.send_confirmation.using(queue_name=rq_queue)

    confirmation = on_queue.enqueue([upcoming.pk])
    aftercare = tasks.send_aftercare.using(queue_name=rq_queue, run_after=finished.end).enqueue(
        finished.pk, finished.start.isoformat()
    )
    reminder_at = upcoming.start - dt.timedelta(hours=24)
    reminder = tasks.send_reminder.using(queue_name=rq_queue, run_after=reminder_at).enqueue(
        upcoming.pk, upcoming.start.isoformat()
    )
    assert not Message.objects.exists()  # queued in Redis, not run in this process

    run_worker(rq_queue)

    results = {r.id: on_queue.get_backend().get_result(r.id) for r in (confirmation, aftercare)}
    assert {r.status for r in results.values()} == {TaskResultStatus.SUCCESSFUL}
    sent = sorted((m.kind, m.emailed_at is not None) for m in Message.objects.all())
    assert sent == [("aftercare", True), ("confirmation", True)]
    confirmation_email = next(e for e in mail.outbox if e.subject.startswith("Booked"))
    (event,) = ics_events(confirmation_email)
    assert str(event["UID"]) == f"appointment-{upcoming.pk}@needlepoint"
    # The reminder is not due for days: it waits in Redis's schedule, not in the queue.
    registry = ScheduledJobRegistry(queue=django_rq.get_queue(rq_queue, job_class=Job))
    assert registry.get_job_ids() == [reminder.id]
    scheduled_for = registry.get_scheduled_time(reminder.id)
    assert abs(scheduled_for - reminder_at) < dt.timedelta(seconds=1)
