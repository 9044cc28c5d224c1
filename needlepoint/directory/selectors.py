"""Named reads of the directory: the near-me search and the public practitioner profile."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import is_platform_staff, member_clinic_ids

from . import geo
from .models import Credential, Location, Practitioner, Service


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Match:
    """One practitioner in a search answer, at their nearest location within the radius."""

    practitioner: Practitioner
    location: Location
    distance_km: float
    price: Price | None


def session_prices(clinic_ids: set[int]) -> dict[int, Price]:
    """Each clinic's cheapest active session: the "from" price a person compares."""
    prices: dict[int, Price] = {}
    rows = (
        Service.objects.filter(clinic_id__in=clinic_ids, is_active=True)
        .order_by("clinic_id", "price", "pk")
        .values_list("clinic_id", "price", "currency")
    )
    for clinic_id, amount, currency in rows:
        prices.setdefault(clinic_id, Price(amount, currency))
    return prices


def nearest_practitioners(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    concern: str | None = None,
    max_price: float | None = None,
    limit: int | None = 20,
    on: dt.date,
) -> list[tuple[int, float, int]]:
    """(practitioner id, distance km, location id) of listable practitioners within
    `radius_km`, nearest first (ties by id), each at their nearest location.

    Candidates come from the grid cells covering the circle: one indexed read of the
    practitioner–location pairs there; the exact great-circle distance filters and orders."""
    lattice, cells = geo.covering_cells(latitude, longitude, radius_km)
    pairs = Practitioner.locations.through.objects.filter(
        **{f"location__{lattice}__in": cells},
        location__is_active=True,
        practitioner__is_active=True,
        practitioner__clinic__is_active=True,
    ).filter(
        Exists(Credential.objects.current(on).filter(practitioner_id=OuterRef("practitioner_id")))
    )
    if concern is not None:
        pairs = pairs.filter(
            Exists(
                Practitioner.concerns.through.objects.filter(
                    practitioner_id=OuterRef("practitioner_id"), concern_id=concern
                )
            )
        )
    if max_price is not None:
        pairs = pairs.filter(
            Exists(
                Service.objects.filter(
                    clinic_id=OuterRef("practitioner__clinic_id"),
                    is_active=True,
                    price__lte=Decimal(str(max_price)),
                )
            )
        )

    nearest: dict[int, tuple[float, int]] = {}
    for practitioner_id, location_id, lat, lon in pairs.values_list(
        "practitioner_id", "location_id", "location__latitude", "location__longitude"
    ):
        distance = geo.haversine_km(latitude, longitude, lat, lon)
        if distance > radius_km:
            continue
        best = nearest.get(practitioner_id)
        if best is None or (distance, location_id) < best:
            nearest[practitioner_id] = (distance, location_id)

    ranked = sorted(nearest.items(), key=lambda item: (item[1][0], item[0]))
    if limit is not None:
        ranked = ranked[:limit]
    return [(pk, distance, location_id) for pk, (distance, location_id) in ranked]


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


def load_matches(ranked: list[tuple[int, float, int]], *, on: dt.date) -> list[Match]:
    """Ranked (practitioner, distance, location) triples loaded whole with clinic, current
    credentials, concerns and price, in the same order. Four queries for any number."""
    if not ranked:
        return []
    practitioners = (
        Practitioner.objects.select_related("clinic")
        .prefetch_related(
            "concerns",
            Prefetch("credentials", queryset=Credential.objects.current(on).order_by("kind", "pk")),
        )
        .in_bulk([practitioner_id for practitioner_id, _, _ in ranked])
    )
    locations = Location.objects.in_bulk([location_id for _, _, location_id in ranked])
    prices = session_prices({p.clinic_id for p in practitioners.values()})
    return [
        Match(
            practitioner=practitioners[practitioner_id],
            location=locations[location_id],
            distance_km=distance,
            price=prices.get(practitioners[practitioner_id].clinic_id),
        )
        for practitioner_id, distance, location_id in ranked
    ]


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
