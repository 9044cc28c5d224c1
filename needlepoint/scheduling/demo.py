"""Demo booking book: weekly hours for every practitioner and about 60% of the next two weeks
booked, so that "free soon" and "soonest" searches show real gaps."""

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from rich.progress import Progress

from needlepoint.accounts.models import Role, User
from needlepoint.directory.models import Practitioner, Service

from . import selectors, slots
from .models import Appointment, WorkingHours

OCCUPANCY = 0.6
HORIZON_DAYS = 14
DEMO_CLIENTS = 1500
BATCH = 5000
# Typical clinic days: most work weekdays nine to five, some start later or work Saturdays.
PATTERNS = [
    (range(0, 5), dt.time(9), dt.time(17)),
    (range(0, 5), dt.time(10), dt.time(18)),
    (range(1, 6), dt.time(9), dt.time(17)),
    (range(0, 4), dt.time(8), dt.time(16)),
]


def seed_hours(rng: random.Random, progress: Progress) -> int:
    """Weekly hours at each practitioner's locations; with two locations the days are split."""
    rows = []
    pairs: dict[int, list[int]] = defaultdict(list)
    for practitioner_id, location_id in Practitioner.locations.through.objects.order_by(
        "practitioner_id", "location_id"
    ).values_list("practitioner_id", "location_id"):
        pairs[practitioner_id].append(location_id)
    step = progress.add_task("Working hours", total=len(pairs))
    for practitioner_id, location_ids in pairs.items():
        days, start, end = rng.choice(PATTERNS)
        for day in days:
            location_id = location_ids[day % len(location_ids)]
            rows.append(
                WorkingHours(
                    practitioner_id=practitioner_id,
                    location_id=location_id,
                    weekday=day,
                    start=start,
                    end=end,
                )
            )
        progress.advance(step)
    WorkingHours.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def demo_clients() -> list[int]:
    """Clients who hold the demo bookings; they cannot sign in (no usable password)."""
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"booked{n:04d}@clients.demo.test",
                full_name=f"Demo client {n}",
                role=Role.CLIENT,
                password=unusable,
            )
            for n in range(DEMO_CLIENTS)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return list(
        User.objects.filter(email__endswith="@clients.demo.test").values_list("pk", flat=True)
    )


def seed_bookings(rng: random.Random, progress: Progress, now: dt.datetime) -> int:
    """Books about OCCUPANCY of every practitioner's free slots over the next two weeks, taken
    from the same slot arithmetic the booking service uses, so every row is a legal booking."""
    clients = demo_clients()
    practitioners = list(Practitioner.objects.all())
    # Descending by price, so the cheapest session is written last and wins, as it does in
    # selectors.session_service.
    services = dict(
        Service.objects.filter(is_active=True, duration_minutes=30)
        .order_by("clinic_id", "-price")
        .values_list("clinic_id", "pk")
    )
    end = now + dt.timedelta(days=HORIZON_DAYS)
    step = progress.add_task("Booking book", total=len(practitioners))
    written = 0
    batch: list[Appointment] = []
    for first in range(0, len(practitioners), 500):
        chunk = practitioners[first : first + 500]
        rules = selectors.rules_by_location(chunk)
        for practitioner in chunk:
            service_id = services.get(practitioner.clinic_id)
            for location, rule in rules.get(practitioner.pk, []):
                if service_id is None:
                    continue
                for start, finish in slots.free_slots(rule, busy=[], now=now, start=now, end=end):
                    if rng.random() < OCCUPANCY:
                        batch.append(
                            Appointment(
                                client_id=rng.choice(clients),
                                practitioner_id=practitioner.pk,
                                location_id=location.pk,
                                service_id=service_id,
                                start=start,
                                end=finish,
                                blocked_until=finish,
                                created_at=now,
                            )
                        )
            progress.advance(step)
        if len(batch) >= BATCH:
            Appointment.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
            batch = []
    Appointment.objects.bulk_create(batch, batch_size=BATCH)
    return written + len(batch)


def seed(progress: Progress | None = None, *, seed: int = 20261125) -> dict[str, int]:
    """Hours and bookings for a freshly seeded directory; nothing when hours already exist."""
    progress = progress or Progress(disable=True)
    if WorkingHours.objects.exists():
        return {}
    rng = random.Random(seed)
    with transaction.atomic():
        hours = seed_hours(rng, progress)
        bookings = seed_bookings(rng, progress, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, so the planner picks the right index
    return {"working hours": hours, "appointments": bookings}
