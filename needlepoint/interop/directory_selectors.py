"""Named reads behind the public FHIR directory and the scheduling feed.

What is public is what the near-me search shows: listable practitioners (active, at an active
clinic, holding a verified credential valid today), their active locations and their clinics.
Free time comes from scheduling's own reads (`rules_by_location`, `busy_intervals`) and its
slot arithmetic (slots.py): the feed and the booking page can never disagree about a slot."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from needlepoint.directory import geo
from needlepoint.directory.models import Clinic, Credential, Location, Practitioner, Service
from needlepoint.scheduling import slots
from needlepoint.scheduling.models import WorkingHours
from needlepoint.scheduling.selectors import busy_intervals, rules_by_location

from .fhir_directory import SlotFacts
from .fhir_params import DateRange, Near

# Free time is computed for this many practitioners at a time: a fixed number of queries per
# batch and memory bounded by the batch, however many practitioners are published.
SLOT_BATCH = 50
# No clinic's booking horizon is longer (BookingPolicy.horizon_days is at most 366).
LONGEST_HORIZON = dt.timedelta(days=367)


def listable(on: dt.date | None = None) -> QuerySet[Practitioner]:
    return Practitioner.objects.listable(on or timezone.localdate())


def public_locations(on: dt.date | None = None) -> QuerySet[Location]:
    """Active locations of active clinics where a listable practitioner is listed or works."""
    people = listable(on)
    return Location.objects.filter(is_active=True, clinic__is_active=True).filter(
        Exists(people.filter(locations=OuterRef("pk")))
        | Exists(
            WorkingHours.objects.filter(
                location_id=OuterRef("pk"), practitioner_id__in=people.values("pk")
            )
        )
    )


def public_clinics(on: dt.date | None = None) -> QuerySet[Clinic]:
    return Clinic.objects.filter(is_active=True, pk__in=listable(on).values("clinic_id"))


def public_services(on: dt.date | None = None) -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, clinic__in=public_clinics(on))


def changed(queryset: QuerySet[Any], field: str, window: DateRange) -> QuerySet[Any]:
    """Rows whose `field` lies in the window (the `_lastUpdated` and `_since` filters)."""
    if window.lower:
        op = "gte" if window.lower.inclusive else "gt"
        queryset = queryset.filter(**{f"{field}__{op}": window.lower.at})
    if window.upper:
        op = "lte" if window.upper.inclusive else "lt"
        queryset = queryset.filter(**{f"{field}__{op}": window.upper.at})
    return queryset


def locations_near(near: Near, queryset: QuerySet[Location]) -> list[tuple[Location, float]]:
    """The locations of `queryset` within the circle, nearest first (ties by id), each with
    its distance in km: the near-me search's grid cells read the candidates through their
    index, and the great-circle distance decides (needlepoint/directory/geo.py)."""
    lattice, cells = geo.covering_cells(near.latitude, near.longitude, near.distance_km)
    found = []
    for place in queryset.filter(**{f"{lattice}__in": cells}):
        km = geo.haversine_km(near.latitude, near.longitude, place.latitude, place.longitude)
        if km <= near.distance_km:
            found.append((place, km))
    found.sort(key=lambda item: (item[1], item[0].pk))
    return found


def current_credentials(practitioner_ids: Iterable[int]) -> dict[int, list[Credential]]:
    """Each practitioner's verified credentials valid today: their FHIR qualifications."""
    found: dict[int, list[Credential]] = {}
    rows = Credential.objects.current(timezone.localdate()).filter(
        practitioner_id__in=list(practitioner_ids)
    )
    for credential in rows.order_by("kind", "pk"):
        found.setdefault(credential.practitioner_id, []).append(credential)
    return found


def role_links(
    practitioners: Iterable[Practitioner],
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Each practitioner's public location ids and their clinic's active service ids."""
    practitioners = list(practitioners)
    ids = [p.pk for p in practitioners]
    public = set(public_locations().values_list("pk", flat=True))
    places: dict[int, set[int]] = {pk: set() for pk in ids}
    for pid, lid in Practitioner.locations.through.objects.filter(
        practitioner_id__in=ids
    ).values_list("practitioner_id", "location_id"):
        if lid in public:
            places[pid].add(lid)
    for pid, lid in WorkingHours.objects.filter(practitioner_id__in=ids).values_list(
        "practitioner_id", "location_id"
    ):
        if lid in public:
            places[pid].add(lid)
    services: dict[int, list[int]] = {}
    for clinic_id, sid in (
        Service.objects.filter(clinic_id__in={p.clinic_id for p in practitioners}, is_active=True)
        .order_by("pk")
        .values_list("clinic_id", "pk")
    ):
        services.setdefault(clinic_id, []).append(sid)
    return (
        {pid: sorted(lids) for pid, lids in places.items()},
        {p.pk: services.get(p.clinic_id, []) for p in practitioners},
    )


def service_locations(services: Iterable[Service]) -> dict[int, list[int]]:
    clinic_ids = {s.clinic_id for s in services}
    by_clinic: dict[int, list[int]] = {}
    for clinic_id, lid in (
        public_locations()
        .filter(clinic_id__in=clinic_ids)
        .order_by("pk")
        .values_list("clinic_id", "pk")
    ):
        by_clinic.setdefault(clinic_id, []).append(lid)
    return {s.pk: by_clinic.get(s.clinic_id, []) for s in services}


# --- Schedules and slots --------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    practitioner: Practitioner
    location: Location


def schedule_pairs(
    practitioners: QuerySet[Practitioner],
) -> "QuerySet[WorkingHours, tuple[int, int]]":
    """The (practitioner, location) pairs with weekly hours at an active location: the
    schedules. A practitioner without hours somewhere has no schedule there, so nothing about
    that place is ever published as free."""
    return (
        WorkingHours.objects.filter(
            practitioner__in=practitioners,
            location__is_active=True,
            location__clinic__is_active=True,
        )
        .values_list("practitioner_id", "location_id")
        .distinct()
        .order_by("practitioner_id", "location_id")
    )


def schedules(
    practitioners: QuerySet[Practitioner], *, country: str | None = None
) -> Iterator[ScheduleRow]:
    """Every schedule of the practitioners (at locations in `country`), ordered by
    (practitioner, location) and read in batches, so a whole country streams in bounded
    memory."""
    pairs = schedule_pairs(practitioners)
    if country is not None:
        pairs = pairs.filter(location__country=country)
    batch: list[tuple[int, int]] = []
    for pair in pairs.iterator(chunk_size=500):
        batch.append(pair)
        if len(batch) >= 500:
            yield from _load_schedules(batch)
            batch = []
    yield from _load_schedules(batch)


def _load_schedules(pairs: list[tuple[int, int]]) -> list[ScheduleRow]:
    if not pairs:
        return []
    people = Practitioner.objects.in_bulk({p for p, _ in pairs})
    places = Location.objects.in_bulk({loc for _, loc in pairs})
    return [ScheduleRow(people[p], places[loc]) for p, loc in pairs]


def schedule_of(practitioner_id: int, location_id: int) -> ScheduleRow:
    """One public schedule, or 404."""
    pairs = schedule_pairs(listable().filter(pk=practitioner_id)).filter(location_id=location_id)
    if not pairs.exists():
        raise Http404("No such schedule.")
    return _load_schedules([(practitioner_id, location_id)])[0]


@dataclass(frozen=True)
class SlotWindow:
    """Which slots to compute: schedules and times. `after` is a paging cursor: only slots
    ordered after that (practitioner, location, start)."""

    start: DateRange = field(default_factory=DateRange)
    location_ids: frozenset[int] | None = None
    schedules: frozenset[tuple[int, int]] | None = None
    statuses: frozenset[str] = frozenset({"free", "busy"})
    after: tuple[int, int, dt.datetime] | None = None


def slot_facts(
    practitioners: QuerySet[Practitioner], window: SlotWindow, *, now: dt.datetime
) -> Iterator[tuple[SlotFacts, Location]]:
    """Every slot of the practitioners' schedules from now to the end of each clinic's booking
    horizon, ordered by (practitioner, location, start), computed one batch of practitioners
    at a time.

    A slot is a start on the booking grid inside working hours, at least the clinic's notice
    ahead and within its horizon (scheduling's free_slots with nothing busy); it is free when
    free_slots, given the practitioner's appointments and time off, offers it too, and busy
    otherwise. A practitioner with no hours has no slots: unknown time is never free."""
    start = now
    end = now + LONGEST_HORIZON
    if window.start.lower and window.start.lower.at > start:
        start = window.start.lower.at
    if window.start.upper and window.start.upper.at < end:
        end = window.start.upper.at + slots.TICK
    if start >= end:
        return
    ids = practitioners.order_by("pk").values_list("pk", flat=True)
    if window.after:
        ids = ids.filter(pk__gte=window.after[0])
    batch: list[int] = []
    for pk in ids.iterator(chunk_size=SLOT_BATCH * 10):
        batch.append(pk)
        if len(batch) >= SLOT_BATCH:
            yield from _batch_slots(batch, window, start, end, now)
            batch = []
    yield from _batch_slots(batch, window, start, end, now)


def _batch_slots(
    ids: list[int], window: SlotWindow, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> Iterator[tuple[SlotFacts, Location]]:
    if not ids:
        return
    people = Practitioner.objects.in_bulk(ids)
    rules = rules_by_location(people.values())
    busy = busy_intervals(ids, start, end)
    for pk in ids:
        person = people[pk]
        for place, rule in sorted(rules.get(pk, []), key=lambda item: item[0].pk):
            if window.location_ids is not None and place.pk not in window.location_ids:
                continue
            if window.schedules is not None and (pk, place.pk) not in window.schedules:
                continue
            if window.after and (pk, place.pk) < window.after[:2]:
                continue
            taken = busy.get(pk, [])
            everything = slots.free_slots(rule, busy=[], now=now, start=start, end=end)
            free = set(slots.free_slots(rule, busy=taken, now=now, start=start, end=end))
            for s, e in everything:
                if window.after and (pk, place.pk, s) <= window.after:
                    continue
                if not window.start.holds(s):
                    continue
                is_free = (s, e) in free
                if ("free" if is_free else "busy") not in window.statuses:
                    continue
                facts = SlotFacts(
                    pk, place.pk, place.timezone, s, e, is_free, person.availability_changed_at
                )
                yield facts, place


def last_change(on: dt.date | None = None) -> tuple[dt.datetime | None, int]:
    """The latest change time of anything published, and how many public rows there are (a
    removal lowers the count even when no time moves): the version behind ETag and
    Last-Modified."""
    people = listable(on)
    stamps = people.aggregate(
        a=Max("availability_changed_at"), u=Max("updated_at"), c=Max("clinic__updated_at")
    )
    places = public_locations(on)
    stamps["l"] = places.aggregate(m=Max("updated_at"))["m"]
    found = [value for value in stamps.values() if value is not None]
    return (max(found) if found else None), people.count() + places.count()


def practitioners_changed_since(since: dt.datetime | None) -> QuerySet[Practitioner]:
    people = listable()
    return people if since is None else people.filter(availability_changed_at__gt=since)


def schedules_changed_since(since: dt.datetime | None) -> QuerySet[Practitioner]:
    people = listable()
    if since is None:
        return people
    return people.filter(
        Q(availability_changed_at__gt=since)
        | Q(updated_at__gt=since)
        | Exists(
            WorkingHours.objects.filter(
                practitioner_id=OuterRef("pk"), location__updated_at__gt=since
            )
        )
    )
