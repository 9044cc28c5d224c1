"""The one query of the near-me walk's rings, in plain SQL.

It is the hottest read of the product (every search, every ring), and building it through
the ORM cost several times what the database took to answer it: compiling the joins and
EXISTS subqueries of `Practitioner.objects.listable` took ~5 ms on these machines against
~1 ms of SQLite. So the statement is written once here, in SQL that SQLite and PostgreSQL
read alike, with the same meaning as `listable` (directory/models.py) and the search's
filters; the search tests and the benchmark's oracle hold both to the same answers."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

from needlepoint import rows

from . import geo
from .models import Clinic, Concern, Credential, Location, Practitioner, Service

PAIRS = Practitioner.locations.through._meta.db_table
TOPICS = Practitioner.concerns.through._meta.db_table

SELECT = f"""
SELECT pl.practitioner_id, pl.location_id, l.latitude, l.longitude
FROM {PAIRS} pl
JOIN {Location._meta.db_table} l ON l.id = pl.location_id
JOIN {Practitioner._meta.db_table} p ON p.id = pl.practitioner_id
JOIN {Clinic._meta.db_table} c ON c.id = p.clinic_id
WHERE l.{{lattice}} IN ({{cells}})
  AND l.latitude BETWEEN %s AND %s
  AND ({{longitudes}})
  AND l.is_active = %s AND p.is_active = %s AND c.is_active = %s
  AND EXISTS (
    SELECT 1 FROM {Credential._meta.db_table} cr
    WHERE cr.practitioner_id = pl.practitioner_id AND {{current}})
"""
CONCERN = f"""
  AND EXISTS (
    SELECT 1 FROM {TOPICS} pc
    WHERE pc.practitioner_id = pl.practitioner_id AND pc.concern_id = %s)
"""
PRICE = f"""
  AND EXISTS (
    SELECT 1 FROM {Service._meta.db_table} s
    WHERE s.clinic_id = p.clinic_id AND s.is_active = %s AND s.price <= %s)
"""
LATTICES = frozenset(name for name, _, _ in geo.LATTICES)


def current_credential(on: dt.date, table: str = "") -> tuple[str, list[Any]]:
    """`Credential.objects.current(on)` as SQL over a credential table's columns (qualified by
    `table` when given) and its parameters: verified, and valid that day."""
    day = connection.ops.adapt_datefield_value(on)
    at = f"{table}." if table else ""
    sql = (
        f"{at}status = %s AND {at}valid_from <= %s "
        f"AND ({at}valid_until IS NULL OR {at}valid_until >= %s)"
    )
    return sql, [Credential.Status.VERIFIED.value, day, day]


def listable_pairs_in(
    *,
    lattice: str,
    cells: list[int],
    latitudes: tuple[float, float],
    longitudes: list[tuple[float, float]],
    on: dt.date,
    concern: str | None,
    max_price: float | None,
) -> list[tuple[int, int, float, float]]:
    """(practitioner id, location id, latitude, longitude) of every pair the public may find
    on `on` (active location, practitioner and clinic; a verified credential valid that day;
    the concern and price filters) whose location lies in `cells` of `lattice` and inside the
    box given by the latitude range and longitude ranges."""
    if lattice not in LATTICES:
        raise ValueError(f"unknown lattice {lattice!r}")
    if not cells:
        return []
    current, current_params = current_credential(on, "cr")
    sql = SELECT.format(
        lattice=lattice,
        cells=rows.placeholders(cells),
        longitudes=" OR ".join(["l.longitude BETWEEN %s AND %s"] * len(longitudes)),
        current=current,
    )
    params: list[Any] = [*cells, *latitudes]
    params += [bound for pair in longitudes for bound in pair]
    params += [True, True, True, *current_params]
    if concern is not None:
        sql += CONCERN
        params.append(concern)
    if max_price is not None:
        sql += PRICE
        params += [True, connection.ops.adapt_decimalfield_value(Decimal(str(max_price)), 12, 2)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def concerns_of(practitioner_ids: list[int]) -> list[tuple[int, str]]:
    """(practitioner id, concern slug) of these practitioners, each one's in the concerns'
    order."""
    if not practitioner_ids:
        return []
    sql = (
        f"SELECT pc.practitioner_id, pc.concern_id FROM {TOPICS} pc "
        f"JOIN {Concern._meta.db_table} k ON k.slug = pc.concern_id "
        f"WHERE pc.practitioner_id IN ({rows.placeholders(practitioner_ids)}) "
        "ORDER BY k.position, k.slug"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, practitioner_ids)
        return list(cursor.fetchall())
