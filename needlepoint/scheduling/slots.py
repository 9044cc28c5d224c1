"""Free booking slots from weekly hours: pure interval arithmetic in UTC, DST-correct locally."""

# The approach follows cal.com's packages/lib/date-ranges.ts: weekly hours become dated ranges
# in the practitioner's zone one local day at a time, busy time is subtracted, and slots are
# walked out of what is left. Unlike cal.com (issue #1092), nothing is ever shifted by a DST
# offset: busy time is absolute instants, and hours are resolved against each local date.
#
# Local times that a DST change makes special are resolved like this:
# - a time in a spring-forward gap (01:30 in London on 2026-03-29) does not exist; a range
#   boundary there moves forward to the first real instant after the gap (02:00 BST);
# - a time repeated by a fall-back (01:30 in London on 2026-10-25) is a range boundary at its
#   first occurrence (fold=0), so a range never ends before it starts;
# - the slot grid is the wall clock, so both occurrences of a repeated 01:30 are slot starts
#   and a gap's missing times are not: a change night holds as many slots as it has real time.

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]  # aware datetimes, half-open [start, end)

DAY = timedelta(days=1)
# datetime's resolution, so that "s < end" can be written as the inclusive "s <= end - TICK".
TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # 0 = Monday … 6 = Sunday
    start: time  # local wall-clock time
    end: time  # local wall-clock time, > start (no overnight ranges)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if not _naive(self.start) < _naive(self.end):
            raise ValueError(f"hours must end after they start: {self.start}–{self.end}")


@dataclass(frozen=True)
class Rules:
    zone: ZoneInfo
    weekly: tuple[WeeklyHours, ...]
    # On a local date found here, these ranges replace the weekly hours; () = closed all day.
    overrides: Mapping[date, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    duration: timedelta = timedelta(minutes=30)
    # Slots start on local wall-clock times a whole number of steps after local midnight.
    step: timedelta = timedelta(minutes=30)
    buffer: timedelta = timedelta(0)  # kept free before and after every busy interval
    min_notice: timedelta = timedelta(hours=2)  # no slot starts sooner than now + min_notice
    horizon: timedelta = timedelta(days=60)  # no slot starts later than now + horizon

    def __post_init__(self) -> None:
        # A zero duration or step would make the slot walk loop forever.
        if self.duration <= timedelta(0) or self.step <= timedelta(0):
            raise ValueError("duration and step must be positive")
        if self.buffer < timedelta(0):
            raise ValueError("buffer must not be negative")


def working_intervals(rules: Rules, start: datetime, end: datetime) -> list[Interval]:
    """The working ranges overlapping [start, end), clipped to it, merged and sorted, in UTC.

    Built per local date of rules.zone, so 09:00–17:00 is 09:00–17:00 local whatever the
    offset that day. A boundary inside a spring-forward gap moves to the first instant after
    the gap; a boundary at a repeated fall-back time is its first occurrence (fold=0)."""
    start, end = _utc(start), _utc(end)
    if start >= end:
        return []
    weekly: dict[int, list[tuple[time, time]]] = {}
    for hours in rules.weekly:
        weekly.setdefault(hours.weekday, []).append((hours.start, hours.end))
    # Every date whose ranges can meet [start, end) lies between these local dates; a day of
    # margin either side is cheap insurance for zones whose clocks jump across midnight.
    day = start.astimezone(rules.zone).date() - DAY
    last = end.astimezone(rules.zone).date() + DAY
    found: list[Interval] = []
    while day <= last:
        ranges = rules.overrides[day] if day in rules.overrides else weekly.get(day.weekday(), ())
        for t0, t1 in ranges:
            a = max(_instant(rules.zone, day, t0), start)
            b = min(_instant(rules.zone, day, t1), end)
            if a < b:
                found.append((a, b))
        day += DAY
    return merge(found)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of the intervals as sorted, disjoint, non-touching intervals in UTC. Empty
    (end <= start) intervals are dropped."""
    merged: list[Interval] = []
    for a, b in sorted((_utc(a), _utc(b)) for a, b in intervals):
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def subtract(intervals: Iterable[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """The parts of the intervals' union not covered by any busy interval, sorted, in UTC."""
    cuts = merge(busy)
    left: list[Interval] = []
    i = 0
    for a, b in merge(intervals):
        # Both lists are sorted and disjoint, so a cut that ends before this interval ends
        # before every later one too: one sweep, O(n + m) after the sorts.
        while i < len(cuts) and cuts[i][1] <= a:
            i += 1
        cursor, j = a, i
        while j < len(cuts) and cuts[j][0] < b:
            if cuts[j][0] > cursor:
                left.append((cursor, cuts[j][0]))
            cursor = max(cursor, cuts[j][1])
            j += 1
        if cursor < b:
            left.append((cursor, b))
    return left


def free_slots(
    rules: Rules, *, busy: Iterable[Interval], now: datetime, start: datetime, end: datetime
) -> list[Interval]:
    """Every bookable slot [s, s + duration) with s in [start, end), sorted, in UTC.

    A slot lies wholly inside working hours, overlaps no busy interval widened by the buffer
    on both sides, starts on the local grid, and satisfies now + min_notice <= s <= now +
    horizon. Cost is O((days + busy) log) plus the slots returned: free time is computed as
    intervals and only the grid points inside it are visited."""
    now, start, end = _utc(now), _utc(start), _utc(end)
    first = max(start, now, now + rules.min_notice)
    last = min(end - TICK, now + rules.horizon)
    if first > last:
        return []
    work = working_intervals(rules, first, last + rules.duration)
    found: list[Interval] = []
    for a, b in subtract(work, _widened(busy, rules.buffer)):
        lo, hi = max(a, first), min(b - rules.duration, last)
        if lo <= hi:
            found.extend((s, s + rules.duration) for s in _grid(rules.zone, rules.step, lo, hi))
    return found


def slot_problem(
    rules: Rules, *, busy: Iterable[Interval], now: datetime, slot_start: datetime
) -> str | None:
    """Why a slot starting at slot_start cannot be booked, or None if it can. The first of:
    naive_time, in_the_past, too_soon, beyond_horizon, off_grid, outside_hours, taken.

    Checked independently of free_slots, by the same definitions, so that the two can be
    tested against each other: None exactly when free_slots would offer slot_start."""
    if slot_start.utcoffset() is None:
        return "naive_time"
    now, s = _utc(now), _utc(slot_start)
    if s < now:
        return "in_the_past"
    if s < now + rules.min_notice:
        return "too_soon"
    if s > now + rules.horizon:
        return "beyond_horizon"
    if not _on_grid(rules.zone, rules.step, s):
        return "off_grid"
    e = s + rules.duration
    if working_intervals(rules, s, e) != [(s, e)]:
        return "outside_hours"
    if any(a < e and s < b for a, b in _widened(busy, rules.buffer)):
        return "taken"
    return None


def next_free(
    rules: Rules, *, busy: Iterable[Interval], now: datetime, count: int, search_days: int = 14
) -> list[Interval]:
    """The first `count` free slots from now on, looking at most search_days ahead."""
    busy = list(busy)  # read once per window below, and it may be a generator
    now = _utc(now)
    end = now + timedelta(days=search_days)
    found: list[Interval] = []
    # Most practitioners have a free slot within a day or two: look there first, and widen
    # the window only when it was not enough.
    lo, width = now, DAY
    while lo < end and len(found) < count:
        hi = min(lo + width, end)
        found += free_slots(rules, busy=busy, now=now, start=lo, end=hi)
        lo, width = hi, width * 2
    return found[: max(count, 0)]


def course_dates_ok(starts: Sequence[datetime], *, min_gap: timedelta, max_gap: timedelta) -> bool:
    """Whether each session starts between min_gap and max_gap (inclusive) after the one
    before it, in the order given. Gaps are real elapsed time, so across a DST change two
    10:00 local sessions 28 days apart are 28 days ± 1 hour apart."""
    # In UTC on purpose: Python subtracts two datetimes sharing a tzinfo by wall clock.
    instants = [_utc(s) for s in starts]
    return all(min_gap <= b - a <= max_gap for a, b in itertools.pairwise(instants))


def _utc(moment: datetime) -> datetime:
    # A naive datetime would silently be read as the server's local time: refuse it.
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no UTC offset")
    return moment.astimezone(UTC)


def _naive(t: time) -> time:
    return t.replace(tzinfo=None)


def _offset(moment: datetime, zone: ZoneInfo) -> timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return offset


def _offset_differs(zone: ZoneInfo, offset: timedelta) -> Callable[[datetime], bool]:
    return lambda moment: _offset(moment, zone) != offset


def _widened(busy: Iterable[Interval], buffer: timedelta) -> list[Interval]:
    return [(a - buffer, b + buffer) for a, b in ((_utc(a), _utc(b)) for a, b in busy) if a < b]


def _first(holds: Callable[[datetime], bool], lo: datetime, hi: datetime) -> datetime:
    """The earliest instant in (lo, hi] where `holds` is true, given false at lo, true at hi
    and one change between (zone transitions fall on whole seconds, so TICK finds them)."""
    below, above = 0, (hi - lo) // TICK
    while above - below > 1:
        middle = (below + above) // 2
        if holds(lo + middle * TICK):
            above = middle
        else:
            below = middle
    return lo + above * TICK


def _instant(zone: ZoneInfo, day: date, t: time) -> datetime:
    """The UTC instant of local wall time `t` on `day`: the first occurrence of a repeated
    time, the first instant after the gap for a time that does not exist."""
    wall = datetime.combine(day, _naive(t))
    at = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: first occurrence if repeated
    if at.astimezone(zone).replace(tzinfo=None) == wall:
        return at
    # In a gap, fold=0 reads the wall time with the offset before the change (landing after
    # the gap) and fold=1 with the one after it (landing before): the change lies between.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return _first(
        lambda x: x.astimezone(zone).replace(tzinfo=None) > wall, min(at, other), max(at, other)
    )


def _on_grid(zone: ZoneInfo, step: timedelta, moment: datetime) -> bool:
    local = moment.astimezone(zone).replace(tzinfo=None)
    return (local - datetime.combine(local.date(), time())) % step == timedelta(0)


def _grid(zone: ZoneInfo, step: timedelta, lo: datetime, hi: datetime) -> list[datetime]:
    """Every instant in [lo, hi] whose local wall-clock time is on the step grid, in UTC."""
    found: list[datetime] = []
    u = lo
    while u <= hi:
        offset = _offset(u, zone)
        wall = (u + offset).replace(tzinfo=None)
        midnight = datetime.combine(wall.date(), time())
        # Until the next offset change the wall clock moves in step with UTC, so the rest of
        # this local day is a plain arithmetic walk; a change ends the stretch early and the
        # walk restarts from it with the new offset. (Two changes in one day that cancel out
        # would go unseen; real zones change their clocks months apart.)
        stop = min((midnight + DAY - offset).replace(tzinfo=UTC), hi + TICK)
        if _offset(stop - TICK, zone) != offset:
            stop = _first(_offset_differs(zone, offset), u, stop - TICK)
        k = -((midnight - wall) // step)  # ceiling: the first grid time at or after `wall`
        s = (midnight + k * step - offset).replace(tzinfo=UTC)
        while s < stop:
            found.append(s)
            s += step
        u = stop
    return found
