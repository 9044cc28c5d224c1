"""Many "new link" clicks at once for one user: each gets a link, exactly one stays live, and
none fails on the one-live-link constraint. Runs on SQLite and, in CI, on PostgreSQL (where
the lock on the owner's row is what serialises them)."""

import threading

import pytest
from django.db import connection

from needlepoint.interop import calendar_services
from needlepoint.interop.models import CalendarFeed

from .calendar_factories import named_client

pytestmark = pytest.mark.django_db(transaction=True)

CLICKS = 8


def test_simultaneous_new_links_leave_exactly_one_live() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    start_together = threading.Barrier(CLICKS)
    tokens: list[str] = []
    failures: list[BaseException] = []

    def click() -> None:
        try:
            start_together.wait()
            tokens.append(calendar_services.issue_feed(owner=client, kind="sessions"))
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures[:3]
    assert len(tokens) == CLICKS
    feeds = CalendarFeed.objects.filter(owner=client, kind="sessions")
    assert feeds.count() == CLICKS
    (live,) = feeds.filter(revoked_at__isnull=True)
    assert live.digest in {CalendarFeed.digest_of(token) for token in tokens}
