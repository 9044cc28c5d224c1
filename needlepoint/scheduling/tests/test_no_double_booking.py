"""The database never holds two booked appointments of one practitioner that overlap, however
many requests race for the same time. Runs on SQLite and, in CI, on PostgreSQL."""

import datetime as dt
import json
import random
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from needlepoint.errors import ApiError
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment

from .factories import bearer, bookable, client_user, local

pytestmark = pytest.mark.django_db(transaction=True)


def overlapping_pairs() -> int:
    """Booked appointments that meet another booked one of the same practitioner."""
    clash = (
        Appointment.objects.booked()
        .filter(
            practitioner_id=OuterRef("practitioner_id"),
            start__lt=OuterRef("blocked_until"),
            blocked_until__gt=OuterRef("start"),
        )
        .exclude(pk=OuterRef("pk"))
    )
    return Appointment.objects.booked().filter(Exists(clash)).count()


def post(url: str, token: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": token},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_fifty_simultaneous_requests_for_one_slot_book_it_exactly_once(live_server) -> None:
    practitioner = bookable()
    tokens = [bearer(client_user())["HTTP_AUTHORIZATION"] for _ in range(50)]
    payload = {"practitioner_id": practitioner.pk, "start": local(4, 11).isoformat()}
    url = live_server.url + "/api/v1/bookings"
    start_together = threading.Barrier(len(tokens))
    answers: list[tuple[int, dict]] = []

    def attempt(token: str) -> None:
        start_together.wait()
        answers.append(post(url, token, payload))

    threads = [threading.Thread(target=attempt, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 409: 49}, statuses
    losers = [body for status, body in answers if status == 409]
    assert all(body["error"]["code"] == "slot_taken" and body["alternatives"] for body in losers)
    assert Appointment.objects.booked().count() == 1


def test_thousands_of_random_concurrent_changes_leave_no_overlap() -> None:
    practitioners = [bookable(buffer_minutes=random.choice([0, 15])) for _ in range(3)]
    clients = [client_user() for _ in range(8)]
    grid = [
        local(day, hour, minute)
        for day in range(2, 6)
        for hour in range(9, 17)
        for minute in (0, 30)
    ]
    outcomes: Counter[str] = Counter()
    failures: list[BaseException] = []

    def worker(seed: int, client) -> None:
        rng = random.Random(seed)
        mine: list[int] = []
        try:
            for _ in range(250):
                roll = rng.random()
                try:
                    if roll < 0.6 or not mine:
                        appointment = services.book_appointment(
                            client=client,
                            practitioner_id=rng.choice(practitioners).pk,
                            start=rng.choice(grid),
                        )
                        mine.append(appointment.pk)
                        outcomes["booked"] += 1
                    elif roll < 0.8:
                        services.cancel_appointment(
                            by=client, appointment_id=mine.pop(rng.randrange(len(mine)))
                        )
                        outcomes["cancelled"] += 1
                    else:
                        services.move_sessions(
                            by=client, moves={rng.choice(mine): rng.choice(grid)}
                        )
                        outcomes["moved"] += 1
                except ApiError as error:
                    outcomes[f"refused {error.status}"] += 1
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not failures, failures[:3]
    assert sum(outcomes.values()) == 8 * 250
    assert outcomes["booked"] > 100, outcomes
    assert outcomes["refused 409"] > 100, outcomes
    assert overlapping_pairs() == 0


def test_the_overlap_check_itself_sees_an_overlap() -> None:
    """Guards the assertion above: write an overlap past the services and it is counted (on
    PostgreSQL the exclusion constraint refuses it outright)."""
    from django.db import IntegrityError, transaction

    practitioner = bookable()
    client = client_user()
    first = services.book_appointment(
        client=client, practitioner_id=practitioner.pk, start=local(3, 10)
    )
    clash = Appointment(
        client=client,
        practitioner=practitioner,
        location=first.location,
        service=first.service,
        start=first.start + dt.timedelta(minutes=10),
        end=first.end + dt.timedelta(minutes=10),
        blocked_until=first.end + dt.timedelta(minutes=10),
    )
    if connection.vendor == "postgresql":
        with (
            pytest.raises(IntegrityError, match="appointment_no_double_booking"),
            transaction.atomic(),
        ):
            clash.save()
    else:
        clash.save()
        assert overlapping_pairs() == 2
