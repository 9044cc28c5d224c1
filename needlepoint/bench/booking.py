"""Booking under concurrency, through the real booking service (screening clearance, the
free-slot check, the insert and its notifications), from many worker processes at once:

- same slot: every worker tries one free slot at the same instant; exactly one may win;
- random slots: attempts on random free slots of random practitioners, collisions by chance.

Counted: attempts per second, bookings, 409 conflicts, other refusals, errors (must be 0), and
afterwards overlapping booked appointments in the table (must be 0). The benchmark's own
bookings are deleted at the end, so the dataset keeps its occupancy.

    python -m needlepoint.bench.booking URL OUT.json [--processes N]"""

import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from typing import Any

CLIENT_DOMAIN = "booking.bench.test"


def _clients(count: int) -> list[Any]:
    from needlepoint.accounts.models import Role, User
    from needlepoint.screening import services as screening
    from needlepoint.screening.demo import DEMO_ANSWERS

    clients = []
    for n in range(count):
        email = f"booker{n}@{CLIENT_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, role=Role.CLIENT, full_name=f"Booker {n}")
            screening.screen(client=user, raw_answers=DEMO_ANSWERS)
        clients.append(user)
    return clients


def _attempt(client: Any, practitioner_id: int, start: dt.datetime) -> str:
    from django.db import connection

    from needlepoint.errors import ApiError
    from needlepoint.scheduling import services

    try:
        services.book_appointment(client=client, practitioner_id=practitioner_id, start=start)
        return "booked"
    except ApiError as error:
        return "409" if error.status == 409 else f"{error.status} {error.code}"
    except Exception as error:  # counted, never hidden: any of these fails the target
        connection.close()
        return f"error {type(error).__name__}: {error}"[:200]


# In each worker process (forked): the barrier that releases a round, and the clients.
_gate: Any = None
_clients_by_pk: dict[int, Any] = {}


def _start_worker(gate: Any) -> None:
    global _gate
    _gate = gate


def _book(task: tuple[int, int, dt.datetime, bool]) -> str:
    """One attempt in a worker process; `together` waits until every worker holds one."""
    from needlepoint.accounts.models import User

    client_pk, practitioner_id, start, together = task
    if client_pk not in _clients_by_pk:
        _clients_by_pk[client_pk] = User.objects.get(pk=client_pk)
    if together:
        _gate.wait()
    return _attempt(_clients_by_pk[client_pk], practitioner_id, start)


def _free_slots(count: int, rng: random.Random) -> list[tuple[int, dt.datetime]]:
    """Free slots of random listable practitioners, from the product's own availability."""
    from django.utils import timezone

    from needlepoint.directory.models import Practitioner
    from needlepoint.scheduling.selectors import next_free_slots

    ids = list(
        Practitioner.objects.listable(timezone.localdate()).values_list("pk", flat=True)[:20000]
    )
    chosen = Practitioner.objects.select_related("clinic").in_bulk(
        rng.sample(ids, min(count, len(ids)))
    )
    free = next_free_slots(chosen.values(), now=timezone.now(), days=7, count=6)
    return [(pk, slot.start) for pk, slots in free.items() for slot in slots]


def measure(
    *, processes: int = 8, rounds: int = 40, attempts: int = 1200, seed: int = 7
) -> dict[str, Any]:
    """Attempts from `processes` worker processes (forked, each with its own database
    connection, as web workers are), not threads: one interpreter's lock would measure
    Python rather than the booking."""
    from django.db import connection, connections

    from needlepoint.scheduling.models import Appointment

    rng = random.Random(seed)
    clients = [client.pk for client in _clients(processes)]
    slots = _free_slots(400, rng)
    result: dict[str, Any] = {"database": connection.vendor, "processes": processes}
    context = multiprocessing.get_context("fork")
    connections.close_all()  # each worker opens its own
    with context.Pool(processes, _start_worker, (context.Barrier(processes),)) as pool:
        # Same slot: every worker released together on one slot, `rounds` times.
        tasks = [
            (clients[n], practitioner_id, start, True)
            for practitioner_id, start in rng.sample(slots, rounds)
            for n in range(processes)
        ]
        started = time.perf_counter()
        outcomes = Counter(pool.map(_book, tasks, chunksize=1))
        result["same_slot"] = _summary(outcomes, time.perf_counter() - started, rounds)
        # Random slots: collisions only by chance.
        picks = [rng.choice(slots) for _ in range(attempts)]
        tasks = [(clients[n % processes], *picks[n], False) for n in range(attempts)]
        started = time.perf_counter()
        outcomes = Counter(pool.map(_book, tasks, chunksize=4))
        result["random_slots"] = _summary(outcomes, time.perf_counter() - started, None)
    result["overlaps"] = overlaps({pid for pid, _ in slots})
    mine = Appointment.objects.filter(client__email__endswith=f"@{CLIENT_DOMAIN}")
    result["cleaned_up"] = mine.delete()[1].get("scheduling.Appointment", 0)
    return result


def _summary(outcomes: Counter[str], seconds: float, rounds: int | None) -> dict[str, Any]:
    total = sum(outcomes.values())
    errors = {k: v for k, v in outcomes.items() if k.startswith("error")}
    refused = {k: v for k, v in outcomes.items() if k not in ("booked", "409") and k not in errors}
    summary = {
        "attempts": total,
        "seconds": round(seconds, 3),
        "attempts_per_second": round(total / seconds, 1),
        "booked": outcomes["booked"],
        "bookings_per_second": round(outcomes["booked"] / seconds, 1),
        "conflicts_409": outcomes["409"],
        "other_refusals": refused,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }
    if rounds is not None:
        summary["rounds"] = rounds
        summary["one_winner_per_round"] = outcomes["booked"] == rounds
    return summary


def overlaps(practitioner_ids: set[int]) -> int:
    """Pairs of booked appointments of one practitioner whose blocked times meet."""
    from django.db import connection

    ids = sorted(practitioner_ids)
    if not ids:
        return 0
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM scheduling_appointment a JOIN scheduling_appointment b "
            "ON a.practitioner_id = b.practitioner_id AND a.id < b.id "
            "AND a.start < b.blocked_until AND b.start < a.blocked_until "
            f"WHERE a.status = 'booked' AND b.status = 'booked' AND a.practitioner_id IN ({marks})",
            ids,
        )
        return int(cursor.fetchone()[0])


def main(argv: list[str]) -> int:
    url, out = argv[:2]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.settings")
    import django

    django.setup()
    processes = int(argv[argv.index("--processes") + 1]) if "--processes" in argv else 8
    with open(out, "w") as file:
        json.dump(measure(processes=processes), file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
