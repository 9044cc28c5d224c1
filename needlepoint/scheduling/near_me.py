"""The near-me search with time: the nearest listable practitioners, each with their next free
slots, only those free within N days if asked, nearest or soonest first.

Candidates come nearest first from the directory's ring walk, in batches; each batch's free
slots come from the kept summary (free_time.py). A search of a metropolis therefore reads a
few km of the map and one summary row per candidate, whatever the size of the directory."""

import datetime as dt
from dataclasses import dataclass
from itertools import islice

from django.utils import timezone

from needlepoint.directory.search import Centre, SearchQuery
from needlepoint.directory.selectors import Match, Near, load_matches, practitioners_by_distance

from . import free_time
from .selectors import Slot

# "Soonest" compares the earliest free slot of at most this many nearest candidates, so its
# cost is bounded however dense the area; "distance" walks candidates nearest first in batches
# and stops once the page is full. Most candidates have a free slot, so the first batch is the
# page and a margin; each later batch doubles, up to AVAILABILITY_BATCH.
SOONEST_CANDIDATES = 200
AVAILABILITY_BATCH = 200
FIRST_BATCH_MARGIN = 5
NEXT_SLOTS = free_time.SLOTS
DEFAULT_SLOT_DAYS = 14


@dataclass(frozen=True)
class TimedMatch:
    match: Match
    next_slots: list[Slot]


def search_with_time(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    concern: str | None = None,
    max_price: float | None = None,
    limit: int = 20,
    available_within_days: int | None = None,
    sort: str = "distance",
    now: dt.datetime | None = None,
) -> list[TimedMatch]:
    """The near-me search with time: each result carries its next free slots; with
    `available_within_days` only practitioners free in that window; `sort="soonest"` orders by
    the earliest free slot (then distance)."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    needs_slots = available_within_days is not None or sort == "soonest"
    nearest = practitioners_by_distance(
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        concern=concern,
        max_price=max_price,
        on=on,
    )
    if sort == "soonest":
        nearest = islice(nearest, SOONEST_CANDIDATES)
    days = available_within_days or DEFAULT_SLOT_DAYS
    chosen: list[tuple[Near, list[Slot]]] = []
    size = SOONEST_CANDIDATES if sort == "soonest" else limit + FIRST_BATCH_MARGIN
    while batch := list(islice(nearest, size)):
        size = min(2 * size, AVAILABILITY_BATCH)
        free = free_time.first_free_slots(
            [near.practitioner_id for near in batch],
            now=now,
            days=days,
            count=NEXT_SLOTS,
        )
        for near in batch:
            slots_of = free.get(near.practitioner_id, [])
            if slots_of or not needs_slots:
                chosen.append((near, slots_of))
        if sort == "distance" and len(chosen) >= limit:
            break
    if sort == "soonest":
        chosen.sort(
            key=lambda item: (item[1][0].start, item[0].distance_km, item[0].practitioner_id)
        )
    chosen = chosen[:limit]
    matches = load_matches([near for near, _ in chosen], on=on)
    return [
        TimedMatch(match, slots_of) for match, (_, slots_of) in zip(matches, chosen, strict=True)
    ]


def search_for(query: SearchQuery, centre: Centre) -> list[TimedMatch]:
    """The timed search for a parsed query (one definition for the page and the API)."""
    return search_with_time(
        latitude=centre.latitude,
        longitude=centre.longitude,
        radius_km=query.radius_km,
        concern=query.concern,
        max_price=query.max_price,
        limit=query.limit,
        available_within_days=query.available_within_days,
        sort=query.sort,
    )
