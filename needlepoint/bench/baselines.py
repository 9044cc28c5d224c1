"""The baselines the product's search is measured against, built honestly in the benchmark:

- naive: what a typical app does — haversine over every listable practitioner's locations,
  then each candidate's availability read on its own, nearest first, until the page is full;
- PostGIS: `ORDER BY geog <-> point LIMIT k` on a GiST index (in a side table the runner
  builds in its own database), with availability decided in SQL from working hours,
  appointments and time off; k doubles until the page is full or the radius is passed."""

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import selectors as scheduling
from needlepoint.scheduling.models import DEFAULT_POLICY

from .quick import naive_ranking

GEO_TABLE = "bench_location_geo"


def naive_nearest(lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
    return naive_ranking(lat, lon, radius_km, limit)


def naive_free(
    lat: float, lon: float, radius_km: float, limit: int, days: int, now: dt.datetime
) -> list[int]:
    found = []
    for pk in naive_ranking(lat, lon, radius_km, None):
        practitioner = Practitioner.objects.get(pk=pk)
        if scheduling.free_slots(practitioner, now, now + dt.timedelta(days=days), now=now):
            found.append(pk)
            if len(found) == limit:
                break
    return found


def postgis_ready() -> str | None:
    """Builds the PostGIS side table once; None when ready, else why PostGIS is unavailable."""
    if connection.vendor != "postgresql":
        return "not PostgreSQL"
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except Exception as error:  # the package may be missing on this machine
            return f"CREATE EXTENSION postgis failed: {error}".splitlines()[0]
        cursor.execute("SELECT to_regclass(%s)", [GEO_TABLE])
        if cursor.fetchone()[0] is None:
            cursor.execute(
                f"CREATE TABLE {GEO_TABLE} AS SELECT id AS location_id, "
                "ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography AS geog "
                "FROM directory_location WHERE is_active"
            )
            cursor.execute(f"CREATE INDEX {GEO_TABLE}_gist ON {GEO_TABLE} USING gist (geog)")
            cursor.execute(f"CREATE UNIQUE INDEX {GEO_TABLE}_pk ON {GEO_TABLE} (location_id)")
            cursor.execute(f"ANALYZE {GEO_TABLE}")
    return None


# PostGIS measures distance on the WGS84 spheroid by default; use_spheroid=false uses its mean
# sphere (6371008.8 m, as geo.py), so the radius cut agrees with the haversine of the oracle.
_KNN = f"""
SELECT pl.practitioner_id, g.location_id, ST_Distance(g.geog, q.pt, false) / 1000 AS km
FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS pt) q
CROSS JOIN LATERAL (
    SELECT location_id, geog FROM {GEO_TABLE} ORDER BY geog <-> q.pt LIMIT %(k)s
) g
JOIN directory_practitioner_locations pl ON pl.location_id = g.location_id
JOIN directory_practitioner p ON p.id = pl.practitioner_id AND p.is_active
JOIN directory_clinic c ON c.id = p.clinic_id AND c.is_active
WHERE EXISTS (
    SELECT 1 FROM directory_credential k WHERE k.practitioner_id = p.id AND k.status = 'verified'
    AND k.valid_from <= %(today)s AND (k.valid_until IS NULL OR k.valid_until >= %(today)s)
)
"""

# One 30-minute step free: inside a working range (local time, per local date), from now +
# notice to now + days, meeting no booked appointment and no time off. A session lasts at most
# 8 hours plus a 2-hour buffer (the models' validators), so only appointments starting in the
# 12 hours before a step can meet it: that bound lets the index range scan stop early.
_FREE = """
SELECT DISTINCT h.practitioner_id
FROM scheduling_workinghours h
JOIN directory_location l ON l.id = h.location_id AND l.is_active
CROSS JOIN LATERAL generate_series(
    (%(now)s::timestamptz AT TIME ZONE l.timezone)::date - 1,
    ((%(now)s::timestamptz + make_interval(days => %(days)s)) AT TIME ZONE l.timezone)::date,
    interval '1 day'
) AS d(day)
CROSS JOIN LATERAL generate_series(
    (d.day + h.start) AT TIME ZONE l.timezone,
    (d.day + h."end") AT TIME ZONE l.timezone - interval '30 minutes',
    interval '30 minutes'
) AS s(start)
WHERE h.practitioner_id = ANY(%(ids)s)
  AND extract(isodow FROM d.day) - 1 = h.weekday
  AND s.start >= %(now)s::timestamptz + make_interval(mins => %(notice)s)
  AND s.start < %(now)s::timestamptz + make_interval(days => %(days)s)
  AND NOT EXISTS (
    SELECT 1 FROM scheduling_appointment a WHERE a.practitioner_id = h.practitioner_id
    AND a.status = 'booked' AND a.start < s.start + interval '30 minutes' AND a."end" > s.start
    AND a.start > s.start - interval '12 hours')
  AND NOT EXISTS (
    SELECT 1 FROM scheduling_timeoff t WHERE t.practitioner_id = h.practitioner_id
    AND t.start < s.start + interval '30 minutes' AND t."end" > s.start)
"""


def _knn(lat: float, lon: float, radius_km: float, k: int) -> tuple[list[tuple[int, float]], bool]:
    """Listable practitioners among the k nearest locations with their distance, nearest
    first (ties by id), and whether the order is final: a location outside the k nearest is
    no nearer than the k-th, so the list is complete up to that distance (or the radius)."""
    params: dict[str, Any] = {"lat": lat, "lon": lon, "k": k, "today": timezone.localdate()}
    with connection.cursor() as cursor:
        cursor.execute(_KNN, params)
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT max(ST_Distance(geog, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, "
            f"false)) / 1000, count(*) FROM (SELECT geog FROM {GEO_TABLE} ORDER BY geog <-> "
            f"ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography LIMIT %s) g",
            [lon, lat, lon, lat, k],
        )
        farthest, seen = cursor.fetchone()
    best: dict[int, tuple[float, int]] = {}
    for pk, location, km in rows:
        if km <= radius_km and (pk not in best or (km, location) < best[pk]):
            best[pk] = (km, location)
    ranked = [(pk, km) for pk, (km, _) in sorted(best.items(), key=lambda kv: (kv[1][0], kv[0]))]
    final = seen < k or (farthest or 0) > radius_km
    return [(pk, km) for pk, km in ranked if final or km < farthest], final


def postgis_nearest(lat: float, lon: float, radius_km: float, limit: int) -> list[int]:
    k = 4 * limit
    while True:
        ranked, final = _knn(lat, lon, radius_km, k)
        if final or len(ranked) >= limit:
            return [pk for pk, _ in ranked[:limit]]
        k *= 4


def postgis_free(
    lat: float, lon: float, radius_km: float, limit: int, days: int, now: dt.datetime
) -> list[int]:
    k = 2 * limit  # most practitioners are free: a page and a margin, then ×4
    while True:
        ranked, final = _knn(lat, lon, radius_km, k)
        free = _free_among([pk for pk, _ in ranked], days, now)
        found = [pk for pk, _ in ranked if pk in free][:limit]
        if final or len(found) == limit:
            return found
        k *= 4


def _free_among(ids: list[int], days: int, now: dt.datetime) -> set[int]:
    if not ids:
        return set()
    params: dict[str, Any] = {
        "ids": ids,
        "now": now,
        "days": days,
        "notice": DEFAULT_POLICY.min_notice_minutes,
    }
    with connection.cursor() as cursor:
        cursor.execute(_FREE, params)
        return {row[0] for row in cursor.fetchall()}
