"""`needlepoint bench generate`: a benchmark dataset — practitioners and clinics around real towns
in proportion to population, weekly hours in each town's zone, a booking horizon filled to the
profile's occupancy.

It builds on the demo seeding (the same working patterns, the same slot arithmetic for every
booking, so each row is a booking the service would have accepted) but writes plain synthetic
names instead of Faker's, which would take hours at a million practitioners."""

import datetime as dt
import random
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from needlepoint.accounts.models import Role, User
from needlepoint.directory import geo
from needlepoint.directory.concerns import CONCERN_SLUGS
from needlepoint.directory.models import Clinic, Credential, Location, Practitioner, Service
from needlepoint.scheduling import free_time, slots
from needlepoint.scheduling.demo import PATTERNS
from needlepoint.scheduling.models import DEFAULT_POLICY, Appointment, WorkingHours

from .db import Loader, next_id
from .profiles import Profile, around, shares, towns

# Clinic sizes as in the demo directory: mostly one or two practitioners.
CLINIC_SIZES = ((1, 2, 3, 4), (30, 45, 20, 5))
SECOND_LOCATION = 0.15
# Who the search must hide (as in the demo): expired, pending or rejected credentials only.
EXPIRED, PENDING, REJECTED = 0.08, 0.05, 0.02
STAFF_EMAIL = "bench-staff@bench.test"
PRICE_USD = 350


def progress_bar(console: Console | None = None) -> Progress:
    return Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


class Plan:
    """Who works where: ids are given here, so every table is written in one pass."""

    def __init__(self, profile: Profile, rng: random.Random) -> None:
        places = towns(profile)
        per_town = shares([p.population for p in places], profile.practitioners)
        self.clinics: list[tuple[int, int]] = []  # (town index, practitioners)
        for index, count in enumerate(per_town):
            while count > 0:
                size = min(count, rng.choices(*CLINIC_SIZES)[0])
                self.clinics.append((index, size))
                count -= size
        self.places = places


def _clinic_rows(plan: Plan, first: int, now: Any, loader: Loader) -> Iterator[tuple[Any, ...]]:
    created = loader.moment(now)
    for n, _ in enumerate(plan.clinics):
        yield (first + n, f"Bench clinic {first + n}", "", "", True, created)


def _locations(
    plan: Plan, rng: random.Random, first_clinic: int, first: int
) -> list[tuple[Any, ...]]:
    """(id, clinic id, latitude, longitude, zone, town index) of every location."""
    rows: list[tuple[Any, ...]] = []
    for n, (town, _) in enumerate(plan.clinics):
        place = plan.places[town]
        for _ in range(2 if rng.random() < SECOND_LOCATION else 1):
            lat, lon = around(rng, place)
            rows.append((first + len(rows), first_clinic + n, lat, lon, place.timezone, town))
    return rows


def _location_rows(plan: Plan, locations: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for pk, clinic, lat, lon, zone, town in locations:
        place = plan.places[town]
        cells = geo.cells_of(lat, lon)
        yield (
            pk, clinic, f"Bench location {pk}", f"{pk} Bench Street", place.town[:120], "",
            "", place.country_code, lat, lon, zone, "", cells["micro_cell"], cells["cell"],
            cells["coarse_cell"], True,
        )  # fmt: skip


LOCATION_COLUMNS = [
    "id", "clinic_id", "name", "address_line", "city", "region", "postcode", "country",
    "latitude", "longitude", "timezone", "phone", "micro_cell", "cell", "coarse_cell",
    "is_active",
]  # fmt: skip


def _staff(loader: Loader) -> int:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is None:
        staff = User.objects.create_user(STAFF_EMAIL, None, role=Role.STAFF, full_name="Bench")
    return staff.pk


def _clients(profile: Profile, loader: Loader) -> list[int]:
    """Clients who hold the bookings; they cannot sign in (no usable password)."""
    first = next_id(User)
    joined = loader.moment(loader.now)
    rows = (
        (first + n, "!", False, f"client{first + n}@clients.bench.test", f"Client {n}",
         Role.CLIENT, True, joined, "", 0)
        for n in range(profile.clients)
    )  # fmt: skip
    columns = ["id", "password", "is_superuser", "email", "full_name", "role", "is_active"]
    loader.write(User, [*columns, "date_joined", "phone", "failed_logins"], rows)
    return list(range(first, first + profile.clients))


def generate(profile: Profile, *, console: Console | None = None) -> dict[str, Any]:
    """Writes the profile's rows into the current (empty, migrated) database; returns the row
    counts and seconds taken."""
    started = time.perf_counter()
    rng = random.Random(profile.seed)
    draws = np.random.default_rng(profile.seed)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate(now)
    loader = Loader(now)
    postgres = loader.postgres
    # SQLite cannot change its safety level inside a transaction (a test's); nor need it there.
    fast_sqlite = not postgres and not connection.in_atomic_block
    with connection.cursor() as cursor:
        if postgres:  # rows are consistent by construction: skip the per-row FK triggers
            cursor.execute("SET session_replication_role = replica")
        elif fast_sqlite:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -400000")
    plan = Plan(profile, rng)
    staff = _staff(loader)
    with progress_bar(console) as progress:
        step = progress.add_task("Directory", total=6)
        with transaction.atomic():
            first_clinic = next_id(Clinic)
            loader.write(
                Clinic,
                ["id", "name", "email", "website", "is_active", "created_at"],
                _clinic_rows(plan, first_clinic, now, loader),
            )
            progress.advance(step)
            locations = _locations(plan, rng, first_clinic, next_id(Location))
            loader.write(Location, LOCATION_COLUMNS, _location_rows(plan, locations))
            progress.advance(step)
            services = _write_services(plan, loader, first_clinic)
            progress.advance(step)
            works = _write_practitioners(plan, rng, loader, first_clinic, locations, staff, today)
            progress.advance(step, 3)
        if profile.days:
            with transaction.atomic():
                hours = _write_hours(rng, loader, works)
            clients = _clients(profile, loader)
            task = progress.add_task("Bookings", total=len(hours))
            with transaction.atomic(), loader.without_indexes(Appointment):
                loader.write(
                    Appointment,
                    APPOINTMENT_COLUMNS,
                    _bookings(
                        profile, hours, services, clients, draws, now, loader, progress, task
                    ),
                )
        loader.finish(
            [Clinic, Location, Service, Practitioner, Credential, WorkingHours, Appointment, User]
        )
        if profile.days:
            task = progress.add_task("Free slots kept", total=profile.practitioners)
            free_time.sweep(now, progress=lambda done, total: progress.update(task, completed=done))
    with connection.cursor() as cursor:  # the connection may go on serving (tests)
        if postgres:
            cursor.execute("SET session_replication_role = DEFAULT")
        elif fast_sqlite:
            cursor.execute("PRAGMA synchronous = NORMAL")
    return {
        "profile": profile.name,
        "rows": loader.counts,
        "seconds": round(time.perf_counter() - started, 1),
        "generated_at": now.isoformat(),
    }


def _write_services(plan: Plan, loader: Loader, first_clinic: int) -> dict[int, int]:
    """One 30-minute session per clinic, priced in the town's currency; clinic → service."""
    from needlepoint.directory import demo_data

    first = next_id(Service)
    rows = []
    for n, (town, _) in enumerate(plan.clinics):
        code = plan.places[town].country_code
        currency = str(demo_data.country(code)["currencycode"])
        rate = demo_data.USD_RATES.get(currency)
        if rate is None:
            currency, rate = "USD", 1.0
        price = Decimal(round(PRICE_USD * rate, 2)).quantize(Decimal("0.01"))
        rows.append(
            (first + n, first_clinic + n, "Micro-needling session", 30, str(price), currency, True)
        )
    columns = ["id", "clinic_id", "name", "duration_minutes", "price", "currency", "is_active"]
    loader.write(Service, columns, iter(rows))
    return {clinic: pk for pk, clinic, *_ in rows}


def _write_practitioners(
    plan: Plan,
    rng: random.Random,
    loader: Loader,
    first_clinic: int,
    locations: list[tuple[Any, ...]],
    staff: int,
    today: dt.date,
) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Practitioners, where they work, what they treat, one credential each; returns
    (practitioner, clinic, [(location, zone)]) for the hours and bookings."""
    by_clinic: dict[int, list[tuple[int, str]]] = {}
    for pk, clinic, _, _, zone, _ in locations:
        by_clinic.setdefault(clinic, []).append((pk, zone))
    first = next_id(Practitioner)
    works: list[tuple[int, int, list[tuple[int, str]]]] = []
    people: list[tuple[Any, ...]] = []
    at: list[tuple[int, int]] = []
    treats: list[tuple[int, str]] = []
    credentials: list[tuple[Any, ...]] = []
    verified_at = loader.moment(loader.now - dt.timedelta(days=30))
    for n, (_, size) in enumerate(plan.clinics):
        clinic = first_clinic + n
        for _ in range(size):
            pk = first + len(people)
            people.append(
                (
                    pk,
                    clinic,
                    f"Practitioner {pk}",
                    "Registered nurse",
                    "",
                    rng.randint(1, 25),
                    '["en"]',
                    True,
                )
            )
            places = rng.sample(by_clinic[clinic], rng.randint(1, len(by_clinic[clinic])))
            works.append((pk, clinic, places))
            at.extend((pk, location) for location, _ in places)
            treats.extend((pk, slug) for slug in rng.sample(CONCERN_SLUGS, rng.randint(3, 8)))
            draw = rng.random()
            status, until = (
                Credential.Status.VERIFIED,
                today + dt.timedelta(days=rng.randint(31, 900)),
            )
            if draw < EXPIRED:
                until = today - dt.timedelta(days=rng.randint(1, 540))
            elif draw < EXPIRED + PENDING:
                status = Credential.Status.PENDING
            elif draw < EXPIRED + PENDING + REJECTED:
                status = Credential.Status.REJECTED
            decided = status != Credential.Status.PENDING
            credentials.append(
                (pk, "nursing_registration", "Bench Nursing Council", f"BN-{pk}",
                 (until - dt.timedelta(days=3 * 365)).isoformat(), until.isoformat(), "", status,
                 staff if decided else None, verified_at if decided else None)
            )  # fmt: skip
    loader.write(
        Practitioner,
        [
            "id",
            "clinic_id",
            "full_name",
            "title",
            "bio",
            "years_experience",
            "languages",
            "is_active",
        ],
        iter(people),
    )
    loader.write(Practitioner.locations.through, ["practitioner_id", "location_id"], iter(at))
    loader.write(Practitioner.concerns.through, ["practitioner_id", "concern_id"], iter(treats))
    columns = ["practitioner_id", "kind", "issuing_body", "number", "valid_from", "valid_until"]
    loader.write(
        Credential,
        [*columns, "evidence", "status", "verified_by_id", "verified_at"],
        iter(credentials),
    )
    return works


def _write_hours(
    rng: random.Random, loader: Loader, works: list[tuple[int, int, list[tuple[int, str]]]]
) -> list[tuple[int, int, int, str, tuple[int, ...], dt.time, dt.time]]:
    """Weekly hours as in the demo: a pattern per practitioner, days split over locations.
    Returns (practitioner, clinic, location, zone, weekdays, start, end) per location."""
    hours = []
    rows: list[tuple[Any, ...]] = []
    for practitioner, clinic, places in works:
        days, start, end = rng.choice(PATTERNS)
        per_location: dict[int, list[int]] = {}
        for day in days:
            per_location.setdefault(day % len(places), []).append(day)
        for index, weekdays in per_location.items():
            location, zone = places[index]
            hours.append((practitioner, clinic, location, zone, tuple(weekdays), start, end))
            rows.extend(
                (practitioner, location, day, start.isoformat(), end.isoformat())
                for day in weekdays
            )
    columns = ["practitioner_id", "location_id", "weekday", "start", "end"]
    loader.write(WorkingHours, columns, iter(rows))
    return hours


APPOINTMENT_COLUMNS = [
    "practitioner_id", "location_id", "service_id", "client_id", "start", "end", "blocked_until",
    "sequence", "status", "created_at", "cancel_reason",
]  # fmt: skip


def _bookings(
    profile: Profile,
    hours: list[tuple[int, int, int, str, tuple[int, ...], dt.time, dt.time]],
    services: dict[int, int],
    clients: list[int],
    draws: np.random.Generator,
    now: dt.datetime,
    loader: Loader,
    progress: Progress,
    task: Any,
) -> Iterator[tuple[Any, ...]]:
    """About `occupancy` of every free slot of the horizon, booked. The free slots of one zone
    and weekly pattern are the same for everyone who has them, so they are computed once."""
    end = now + dt.timedelta(days=profile.days)
    cache: dict[tuple[str, tuple[int, ...], dt.time, dt.time], list[tuple[Any, Any]]] = {}
    created = loader.moment(now)
    for n, (practitioner, clinic, location, zone, weekdays, start, finish) in enumerate(hours):
        key = (zone, weekdays, start, finish)
        free = cache.get(key)
        if free is None:
            rules = slots.Rules(
                zone=ZoneInfo(zone),
                weekly=tuple(slots.WeeklyHours(day, start, finish) for day in weekdays),
                min_notice=dt.timedelta(minutes=DEFAULT_POLICY.min_notice_minutes),
                horizon=dt.timedelta(days=DEFAULT_POLICY.horizon_days),
            )
            found = slots.free_slots(rules, busy=[], now=now, start=now, end=end)
            free = cache[key] = [(loader.moment(a), loader.moment(b)) for a, b in found]
        service = services[clinic]
        taken = np.flatnonzero(draws.random(len(free)) < profile.occupancy)
        who = draws.integers(0, len(clients), len(taken))
        for index, client in zip(taken.tolist(), who.tolist(), strict=True):
            a, b = free[index]
            yield (
                practitioner,
                location,
                service,
                clients[client],
                a,
                b,
                b,
                1,
                "booked",
                created,
                "",
            )
        if n % 1000 == 0:
            progress.update(task, completed=n)
    progress.update(task, completed=len(hours))


def prepare(url: str, *, fresh: bool) -> None:
    """Migrates the database (created by the caller) and refuses to add a second dataset."""
    call_command("migrate", interactive=False, verbosity=0)
    if Practitioner.objects.exists() and not fresh:
        raise SystemExit(f"{url} already holds practitioners; pass --fresh to start again.")
