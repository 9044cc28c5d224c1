"""Practitioners' first free slots, read through a kept summary (models.NextFreeSlots).

Computing free time means reading a practitioner's hours, overrides, time off and ~60
bookings and subtracting intervals: a few milliseconds each, far too slow to do for every
candidate of every near-me search (docs/benchmarks.md). So each practitioner's first few free
slots, over the widest window a search may ask, are kept in one row, and a search trusts that
row only while it provably still holds (see `_holds`); otherwise it computes the slots again
and keeps them. Nothing is ever answered from a row that no longer holds, so the answers are
those of computing every time (the benchmark's oracle checks exactly that). The
`refresh_free_slots` sweep keeps rows ahead of the clock so that a search rarely computes."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db.models import F, Q
from django.utils import timezone

from needlepoint.directory.models import Practitioner
from needlepoint.directory.search import MAX_AVAILABLE_WITHIN_DAYS
from needlepoint.directory.selectors import locations_by_id

from .models import NextFreeSlots
from .selectors import Slot, next_free_slots, rules_by_location

SLOTS = 3  # as many as a search result shows
# Kept per practitioner: more than shown, so that a row goes on holding while the first few
# stop being bookable as the day goes on (the sweep then recomputes a few times a day, not
# every half hour).
KEEP = 8
DAYS = MAX_AVAILABLE_WITHIN_DAYS  # the widest window a search may ask
# Most practitioners have KEEP free slots within a few days: compute that window first
# (reading few bookings) and the whole DAYS only for the others.
FIRST_DAYS = 3
SWEEP_BATCH = 500
REFRESH_FIELDS = ("pk", "clinic_id", "availability_changed_at")
# A row with fewer than KEEP slots is swept this long before it stops holding for a search
# of the default window.
SHORT_AHEAD = dt.timedelta(days=14)


class Kept(NamedTuple):
    notice: dt.timedelta
    known_until: dt.datetime | None
    slots: list[list[Any]]


def first_free_slots(
    practitioner_ids: list[int], *, now: dt.datetime, days: int, count: int = SLOTS
) -> dict[int, list[Slot]]:
    """The first `count` (at most SLOTS) free slots starting within `days` (at most DAYS) from
    now of each practitioner: exactly selectors.next_free_slots, from the kept rows where they
    hold and computed (and kept) where not. Two queries when every row holds."""
    if count > SLOTS or days > DAYS:
        raise ValueError(f"the summary keeps {SLOTS} slots within {DAYS} days")
    # Only rows computed from the practitioner's current change stamp: nothing the slots are
    # computed from has changed since.
    current = NextFreeSlots.objects.filter(
        practitioner_id__in=practitioner_ids, basis=F("practitioner__availability_changed_at")
    )
    kept = {
        pk: Kept(dt.timedelta(minutes=notice), known_until, slots)
        for pk, notice, known_until, slots in current.values_list(
            "practitioner_id", "notice_minutes", "known_until", "slots"
        )
    }
    end = now + dt.timedelta(days=days)
    live = {pk: _live(row, now) for pk, row in kept.items()}
    stale = [pk for pk in practitioner_ids if pk not in kept or not _holds(kept[pk], live[pk], end)]
    if stale:
        computed = refresh(Practitioner.objects.filter(pk__in=stale).only(*REFRESH_FIELDS), now=now)
        for pk, row in computed.items():
            kept[pk] = Kept(dt.timedelta(minutes=row.notice_minutes), row.known_until, row.slots)
            live[pk] = _live(kept[pk], now)
    locations = locations_by_id(
        {location_id for pk in practitioner_ids for _, _, location_id in live[pk]}
    )
    return {
        pk: [
            Slot(start, finish, locations[location_id])
            for start, finish, location_id in live[pk][:count]
            if start < end
        ]
        for pk in practitioner_ids
    }


def _live(row: Kept, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """The kept slots still bookable at `now` (now + notice has not passed their start)."""
    found = []
    for start, finish, location_id in row.slots:
        begins = dt.datetime.fromisoformat(start)
        if begins - row.notice >= now:
            found.append((begins, dt.datetime.fromisoformat(finish), location_id))
    return found


def _holds(row: Kept, live: list[Any], end: dt.datetime) -> bool:
    """Whether a kept current row gives the same slots as computing now would.

    The row holds the first KEEP free slots from when it was computed. Since then slots can
    only have stopped being bookable (now + notice passed them: dropped by `_live`) or have
    appeared after the horizon (after every kept one). So the first SLOTS still bookable are
    the answer, as long as SLOTS are left; a row with fewer than KEEP slots holds every free
    slot up to `known_until`, and answers any window that ends by then."""
    if row.known_until is None:
        return len(live) >= SLOTS
    return end <= row.known_until


def refresh(practitioners: Iterable[Practitioner], *, now: dt.datetime) -> dict[int, NextFreeSlots]:
    """Computes and keeps the first KEEP free slots within DAYS of each practitioner (whose
    `availability_changed_at` must have been read before their bookings are: a booking that
    commits in between then leaves a row whose basis is already old)."""
    practitioners = list(practitioners)
    rules = rules_by_location(practitioners)
    free = next_free_slots(practitioners, now=now, days=FIRST_DAYS, count=KEEP, rules=rules)
    short = [p for p in practitioners if len(free[p.pk]) < KEEP]
    if short:
        free.update(next_free_slots(short, now=now, days=DAYS, count=KEEP, rules=rules))
    rows = []
    for practitioner in practitioners:
        found = free[practitioner.pk]
        mine = [rule for _, rule in rules.get(practitioner.pk, [])]
        horizon = min([rule.horizon for rule in mine], default=dt.timedelta(days=DAYS))
        known_until = now + min(dt.timedelta(days=DAYS), horizon)
        notice = max([rule.min_notice for rule in mine], default=dt.timedelta(0))
        complete = len(found) == KEEP
        rows.append(
            NextFreeSlots(
                practitioner_id=practitioner.pk,
                basis=practitioner.availability_changed_at,
                computed_at=now,
                # when fewer than SLOTS will be left, or a short row nears its known end
                fresh_until=found[KEEP - SLOTS].start - notice
                if complete
                else known_until - SHORT_AHEAD,
                known_until=None if complete else known_until,
                notice_minutes=notice // dt.timedelta(minutes=1),
                slots=[[s.start.isoformat(), s.end.isoformat(), s.location.pk] for s in found],
            )
        )
    # In id order: concurrent searches upserting overlapping rows then lock them in the same
    # order and cannot deadlock on PostgreSQL.
    rows.sort(key=lambda row: row.practitioner_id)
    NextFreeSlots.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["practitioner"],
        update_fields=[
            "basis", "computed_at", "fresh_until", "known_until", "notice_minutes", "slots"
        ],
    )  # fmt: skip
    return {row.practitioner_id: row for row in rows}


def due(now: dt.datetime, *, ahead: dt.timedelta) -> "list[int]":
    """Active practitioners whose row is missing, out of date, or stops holding within
    `ahead`: what the sweep computes."""
    return list(
        Practitioner.objects.filter(is_active=True)
        .filter(
            Q(next_free__isnull=True)
            | Q(next_free__fresh_until__lt=now + ahead)
            | ~Q(next_free__basis=F("availability_changed_at"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def sweep(
    now: dt.datetime | None = None,
    *,
    ahead: dt.timedelta = dt.timedelta(minutes=30),
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Computes every row that is due (see `due`) in batches; the number computed. Safe to
    run at any time and as often as wanted (cron, every few minutes)."""
    now = now or timezone.now()
    ids = due(now, ahead=ahead)
    for first in range(0, len(ids), SWEEP_BATCH):
        batch = Practitioner.objects.filter(pk__in=ids[first : first + SWEEP_BATCH])
        refresh(batch.only(*REFRESH_FIELDS), now=now)
        if progress is not None:
            progress(min(first + SWEEP_BATCH, len(ids)), len(ids))
    return len(ids)
