"""Named reads of the directory: the near-me search and the public practitioner profile."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from needlepoint import rows
from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import is_platform_staff, member_clinic_ids

from . import geo, nearby
from .models import Clinic, Credential, Location, Practitioner, Service


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


class Near(NamedTuple):
    """A practitioner found near a point: at their nearest location within the radius."""

    practitioner_id: int
    distance_km: float
    location_id: int


@dataclass(frozen=True)
class Match:
    """One practitioner in a search answer, at their nearest location within the radius."""

    practitioner: Practitioner
    location: Location
    distance_km: float
    price: Price | None
    credentials: list[Credential]  # current and verified
    concerns: list[str]  # slugs


def session_prices(clinic_ids: set[int]) -> dict[int, Price]:
    """Each clinic's cheapest active session: the "from" price a person compares."""
    prices: dict[int, Price] = {}
    if not clinic_ids:
        return prices
    ids = sorted(clinic_ids)
    services = rows.instances(
        Service,
        ["clinic", "price", "currency"],
        f"clinic_id IN ({rows.placeholders(ids)}) AND is_active = %s",
        [*ids, True],
        order_by="clinic_id, price, id",
    )
    for service in services:
        prices.setdefault(service.clinic_id, Price(service.price, service.currency))
    return prices


# The first ring of the nearest-first walk (in a metropolis it holds a page of 20); each next
# ring is RING_GROWTH times wider, up to the radius.
FIRST_RING_KM = 1.0
RING_GROWTH = 3.0


def nearest_practitioners(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    concern: str | None = None,
    max_price: float | None = None,
    limit: int | None = 20,
    on: dt.date,
) -> list[Near]:
    """The first `limit` (all when None) of practitioners_by_distance."""
    return list(
        islice(
            practitioners_by_distance(
                latitude=latitude,
                longitude=longitude,
                radius_km=radius_km,
                concern=concern,
                max_price=max_price,
                on=on,
            ),
            limit,
        )
    )


def practitioners_by_distance(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    concern: str | None = None,
    max_price: float | None = None,
    on: dt.date,
) -> Iterator[Near]:
    """Listable practitioners within `radius_km`, nearest first (ties by id), each at their
    nearest location, read lazily in growing rings.

    Ring r reads the locations in the grid cells covering the circle of radius r
    (geo.covering_cells: the finest lattice that needs few cells, through their B-tree index)
    and inside its bounding box; the exact great-circle distance decides. Every location
    within r has then been read, so every practitioner whose nearest location lies within r
    (and who was not yielded by an earlier ring) is known and final, and is yielded. A caller
    that wants 20 in a metropolis stops after the first ring of ~100 rows, however many
    practitioners the whole circle holds."""
    nearest: dict[int, tuple[float, int]] = {}
    done: set[int] = set()
    reach = min(radius_km, FIRST_RING_KM)
    while True:
        lat_min, lat_max, lon_ranges = geo.bounding_box(latitude, longitude, reach)
        lattice, cells = geo.covering_cells(latitude, longitude, reach)
        rows = nearby.listable_pairs_in(
            lattice=lattice,
            cells=cells,
            latitudes=(lat_min, lat_max),
            longitudes=lon_ranges,
            on=on,
            concern=concern,
            max_price=max_price,
        )
        for practitioner_id, location_id, lat, lon in rows:
            if practitioner_id in done:
                continue
            distance = geo.haversine_km(latitude, longitude, lat, lon)
            if distance > reach:
                continue
            best = nearest.get(practitioner_id)
            if best is None or (distance, location_id) < best:
                nearest[practitioner_id] = (distance, location_id)
        for pk, (distance, location_id) in sorted(
            nearest.items(), key=lambda item: (item[1][0], item[0])
        ):
            done.add(pk)
            yield Near(pk, distance, location_id)
        nearest.clear()
        if reach >= radius_km:
            return
        reach = min(radius_km, reach * RING_GROWTH)


def search_practitioners(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    concern: str | None = None,
    max_price: float | None = None,
    limit: int = 20,
    on: dt.date | None = None,
) -> list[Match]:
    """The near-me answer: the nearest listable practitioners, loaded whole."""
    on = on or timezone.localdate()
    ranked = nearest_practitioners(
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        concern=concern,
        max_price=max_price,
        limit=limit,
        on=on,
    )
    return load_matches(ranked, on=on)


def load_matches(ranked: list[Near], *, on: dt.date) -> list[Match]:
    """Ranked practitioners loaded whole, in the same order: with clinic, nearest location,
    current credentials, concerns and price. Six plain statements for any number (rows.py:
    through the ORM's compiler this cost several times more, docs/benchmarks.md)."""
    if not ranked:
        return []
    ids = [near.practitioner_id for near in ranked]
    practitioners = {
        p.pk: p
        for p in rows.instances(
            Practitioner,
            ["clinic", "full_name", "title", "years_experience", "languages"],
            f"id IN ({rows.placeholders(ids)})",
            ids,
        )
    }
    clinic_ids = sorted({p.clinic_id for p in practitioners.values()})
    clinics = {
        c.pk: c
        for c in rows.instances(
            Clinic, ["name"], f"id IN ({rows.placeholders(clinic_ids)})", clinic_ids
        )
    }
    for practitioner in practitioners.values():
        practitioner.clinic = clinics[practitioner.clinic_id]
    locations = locations_by_id({near.location_id for near in ranked})
    credentials: dict[int, list[Credential]] = {pk: [] for pk in ids}
    for credential in current_credentials(ids, on):
        credentials[credential.practitioner_id].append(credential)
    concerns: dict[int, list[str]] = {pk: [] for pk in ids}
    for practitioner_id, concern in nearby.concerns_of(ids):
        concerns[practitioner_id].append(concern)
    prices = session_prices(set(clinic_ids))
    return [
        Match(
            practitioner=practitioners[near.practitioner_id],
            location=locations[near.location_id],
            distance_km=near.distance_km,
            price=prices.get(practitioners[near.practitioner_id].clinic_id),
            credentials=credentials[near.practitioner_id],
            concerns=concerns[near.practitioner_id],
        )
        for near in ranked
    ]


LOCATION_FIELDS = [
    "clinic", "name", "address_line", "city", "region", "postcode", "country", "latitude",
    "longitude", "timezone", "phone",
]  # fmt: skip


def locations_by_id(ids: set[int]) -> dict[int, Location]:
    """Locations by id, with what a search result shows of them."""
    if not ids:
        return {}
    wanted = sorted(ids)
    found = rows.instances(
        Location, LOCATION_FIELDS, f"id IN ({rows.placeholders(wanted)})", wanted
    )
    return {location.pk: location for location in found}


def current_credentials(practitioner_ids: list[int], on: dt.date) -> list[Credential]:
    """The verified credentials valid `on` of these practitioners (Credential.objects.current),
    by kind."""
    current, params = nearby.current_credential(on)
    return rows.instances(
        Credential,
        ["practitioner", "kind", "issuing_body", "number", "valid_from", "valid_until", "status"],
        f"practitioner_id IN ({rows.placeholders(practitioner_ids)}) AND {current}",
        [*practitioner_ids, *params],
        order_by="kind, id",
    )


def public_practitioner(practitioner_id: int, *, on: dt.date | None = None) -> Practitioner:
    """A practitioner's public profile; 404 for anyone the public may not find."""
    on = on or timezone.localdate()
    practitioner = (
        Practitioner.objects.listable(on)
        .select_related("clinic")
        .prefetch_related(
            "concerns",
            "locations",
            Prefetch("credentials", queryset=Credential.objects.current(on).order_by("kind", "pk")),
        )
        .filter(pk=practitioner_id)
        .first()
    )
    if practitioner is None:
        raise Http404("No such practitioner.")
    return practitioner


def credential_evidence_for(user: User, credential_id: int) -> Credential:
    """A credential whose evidence `user` may open: platform staff (who verify it), the
    practitioner it belongs to, and managers of their clinic. Anyone else gets 404."""
    credential = Credential.objects.select_related("practitioner").filter(pk=credential_id).first()
    if credential is None or not credential.evidence:
        raise Http404("No such evidence.")
    if is_platform_staff(user):
        return credential
    if user.is_authenticated and credential.practitioner.user_id == user.pk:
        return credential
    managed = member_clinic_ids(user, roles=("manager",)) if user.is_authenticated else []
    if credential.practitioner.clinic_id in managed:
        return credential
    raise Http404("No such evidence.")
