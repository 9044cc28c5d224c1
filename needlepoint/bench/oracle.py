"""The brute-force NumPy oracle every faster near-me method must agree with.

It shares no code with the product's search: listability is one plain SQL join, distance is
the haversine over every listable practitioner–location pair at once, and "free within N days"
is a boolean grid of 30-minute steps per practitioner (working hours in the location's zone,
minus booked appointments and time off, from now + minimum notice). One disagreement with any
method fails the run."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection

from needlepoint.directory.geo import EARTH_RADIUS_KM
from needlepoint.scheduling.models import DEFAULT_POLICY

STEP = dt.timedelta(minutes=30)
STEP_S = 1800
END = '"end"'


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _epoch_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::bigint"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


class Oracle:
    """Loaded once per database and `now`; answers any number of queries."""

    def __init__(self, now: dt.datetime, *, days: int) -> None:
        self.now, self.days = now, days
        today = now.date().isoformat()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pl.practitioner_id, pl.location_id, l.latitude, l.longitude "
                "FROM directory_practitioner_locations pl "
                "JOIN directory_location l ON l.id = pl.location_id "
                "JOIN directory_practitioner p ON p.id = pl.practitioner_id "
                "JOIN directory_clinic c ON c.id = p.clinic_id "
                "WHERE l.is_active AND p.is_active AND c.is_active AND EXISTS ("
                " SELECT 1 FROM directory_credential k WHERE k.practitioner_id = p.id "
                " AND k.status = 'verified' AND k.valid_from <= %s "
                " AND (k.valid_until IS NULL OR k.valid_until >= %s))",
                [today, today],
            )
            rows = cursor.fetchall()
        pairs = np.array(rows, dtype=float).reshape(-1, 4)
        self.pid = pairs[:, 0].astype(np.int64)
        self.lid = pairs[:, 1].astype(np.int64)
        self.lat, self.lon = pairs[:, 2], pairs[:, 3]
        self._free: dict[int, bool] = {}
        self._busy: dict[int, list[tuple[int, int]]] | None = None

    def ranked(self, lat: float, lon: float, radius_km: float) -> list[tuple[int, float]]:
        """Every listable practitioner within the radius at their nearest location, nearest
        first, ties by id."""
        distance = haversine_km(lat, lon, self.lat, self.lon)
        inside = np.flatnonzero(distance <= radius_km)
        if not len(inside):
            return []
        order = inside[np.lexsort((self.lid[inside], distance[inside]))]
        _, first = np.unique(self.pid[order], return_index=True)
        nearest = order[first]
        final = nearest[np.lexsort((self.pid[nearest], distance[nearest]))]
        return list(zip(self.pid[final].tolist(), distance[final].tolist(), strict=True))

    def nearest(self, lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
        return [pk for pk, _ in self.ranked(lat, lon, radius_km)[:limit]]

    def nearest_free(self, lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
        found = []
        for pk, _ in self.ranked(lat, lon, radius_km):
            if self.is_free(pk):
                found.append(pk)
                if len(found) == limit:
                    break
        return found

    def is_free(self, practitioner_id: int) -> bool:
        if practitioner_id not in self._free:
            self._free.update(self._grid([practitioner_id]))
        return self._free[practitioner_id]

    def _grid(self, ids: list[int]) -> dict[int, bool]:
        """Whether each practitioner has one free 30-minute step within the window."""
        now = self.now
        first = now + dt.timedelta(minutes=DEFAULT_POLICY.min_notice_minutes)
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        start_s = int((first - epoch).total_seconds())
        start_s += -start_s % STEP_S  # the first :00 or :30 at or after now + notice
        end_s = int((now + dt.timedelta(days=self.days) - epoch).total_seconds())
        steps = np.arange(start_s, end_s, STEP_S)
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT h.practitioner_id, h.weekday, h.start, h."end", l.timezone '
                "FROM scheduling_workinghours h JOIN directory_location l ON l.id = h.location_id "
                f"WHERE l.is_active AND h.practitioner_id IN ({marks})",
                ids,
            )
            hours = cursor.fetchall()
            cursor.execute(
                f"SELECT practitioner_id, {_epoch_sql('start')}, {_epoch_sql('blocked_until')} "
                "FROM scheduling_appointment WHERE status = 'booked' "
                f"AND practitioner_id IN ({marks}) AND start < %s AND blocked_until > %s",
                [
                    *ids,
                    _db(now + dt.timedelta(days=self.days + 1)),
                    _db(now - dt.timedelta(days=1)),
                ],
            )
            busy = cursor.fetchall()
            cursor.execute(
                f"SELECT practitioner_id, {_epoch_sql('start')}, {_epoch_sql(END)} "
                f"FROM scheduling_timeoff WHERE practitioner_id IN ({marks})",
                ids,
            )
            busy += cursor.fetchall()
            cursor.execute(
                f"SELECT COUNT(*) FROM scheduling_dayoverride WHERE practitioner_id IN ({marks})",
                ids,
            )
            overrides = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM scheduling_bookingpolicy")
            if overrides or cursor.fetchone()[0]:
                raise NotImplementedError("the oracle reads neither day overrides nor policies")
        working = {pk: np.zeros(len(steps), dtype=bool) for pk in ids}
        for pk, weekday, t0, t1, zone in hours:
            tz = ZoneInfo(zone)
            day = now.astimezone(tz).date() - dt.timedelta(days=1)
            while day <= (now + dt.timedelta(days=self.days)).astimezone(tz).date():
                if day.weekday() == weekday:
                    a = dt.datetime.combine(day, _time(t0), tzinfo=tz)
                    b = dt.datetime.combine(day, _time(t1), tzinfo=tz)
                    a_s, b_s = (int((x - epoch).total_seconds()) for x in (a, b))
                    working[pk] |= (steps >= a_s) & (steps + STEP_S <= b_s)
                day += dt.timedelta(days=1)
        for pk, a_s, b_s in busy:
            working[pk] &= ~((a_s < steps + STEP_S) & (steps < b_s))
        return {pk: bool(mask.any()) for pk, mask in working.items()}


def _time(value: Any) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def _db(moment: dt.datetime) -> Any:
    return (
        moment
        if connection.vendor == "postgresql"
        else str(moment.astimezone(dt.UTC).replace(tzinfo=None))
    )
