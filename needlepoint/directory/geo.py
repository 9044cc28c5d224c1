"""Distance on the sphere and the grid cells that index positions for the near-me search.

The grid is three fixed latitude/longitude lattices (micro, fine and coarse). A location stores
the integer id of its cell in each; a search turns its circle into the set of cells that cover
it, in the finest lattice that needs few of them, and asks the database for those cells through
a plain B-tree index. That works the same on SQLite and PostgreSQL, so both give the same
answers, and the rows read grow with the area searched rather than with the size of the table.
The exact great-circle distance then decides.
"""

import math
from collections.abc import Iterator

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

MICRO_DEGREES = 0.02  # about 2.2 km of latitude: a city block of suburbs
FINE_DEGREES = 0.2  # about 22 km
COARSE_DEGREES = 2.0
# Above this many cells of a lattice the next coarser one reads fewer index ranges for the
# same circle.
MAX_CELLS = 150
# (column of the Location row, cell size in degrees, row multiplier: more columns than the
# lattice has), finest first. A cell id is row * multiplier + column.
LATTICES = (
    ("micro_cell", MICRO_DEGREES, 100_000),
    ("cell", FINE_DEGREES, 10_000),
    ("coarse_cell", COARSE_DEGREES, 10_000),
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def normalize_longitude(lon: float) -> float:
    """Into [-180, 180): 180 and -180 are the same meridian and must fall in the same cell."""
    return ((lon + 180.0) % 360.0) - 180.0


def _cell(lat: float, lon: float, size: float, columns: int) -> int:
    rows = round(180 / size)
    cols = round(360 / size)
    row = min(int((lat + 90.0) // size), rows - 1)
    col = min(int((normalize_longitude(lon) + 180.0) // size), cols - 1)
    return row * columns + col


def cells_of(lat: float, lon: float) -> dict[str, int]:
    """The cell id of a position in every lattice, by column name."""
    return {name: _cell(lat, lon, size, columns) for name, size, columns in LATTICES}


def bounding_box(
    lat: float, lon: float, radius_km: float
) -> tuple[float, float, list[tuple[float, float]]]:
    """Latitude range and longitude ranges that contain every point within `radius_km`.

    Exact for a spherical cap (the meridians tangent to the circle), widened by a hair for
    rounding. Where the cap reaches a pole it spans every longitude; where it crosses the
    antimeridian the longitude range is split in two."""
    angle = radius_km / EARTH_RADIUS_KM * (1 + 1e-9) + 1e-12
    dlat = math.degrees(angle)
    lat_min, lat_max = lat - dlat, lat + dlat
    if lat_min <= -90.0 or lat_max >= 90.0:
        return max(lat_min, -90.0), min(lat_max, 90.0), [(-180.0, 180.0)]
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return lat_min, lat_max, [(-180.0, 180.0)]
    dlon = math.degrees(math.asin(ratio))
    if dlon >= 180.0:
        return lat_min, lat_max, [(-180.0, 180.0)]
    lon = normalize_longitude(lon)
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        return lat_min, lat_max, [(west + 360.0, 180.0), (-180.0, east)]
    if east > 180.0:
        return lat_min, lat_max, [(west, 180.0), (-180.0, east - 360.0)]
    return lat_min, lat_max, [(west, east)]


def _cells_in_box(
    lat_min: float, lat_max: float, lon_ranges: list[tuple[float, float]], size: float, columns: int
) -> Iterator[int]:
    rows = round(180 / size)
    cols = round(360 / size)
    first_row = max(0, int((lat_min + 90.0) // size))
    last_row = min(rows - 1, int((lat_max + 90.0) // size))
    for west, east in lon_ranges:
        first_col = max(0, int((west + 180.0) // size))
        last_col = min(cols - 1, int((east + 180.0) // size))
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                yield row * columns + col


def covering_cells(lat: float, lon: float, radius_km: float) -> tuple[str, list[int]]:
    """Which lattice to read (a column of LATTICES) and the cell ids that cover the circle:
    the finest lattice that needs at most MAX_CELLS (the coarse one whatever it needs)."""
    lat_min, lat_max, lon_ranges = bounding_box(lat, lon, radius_km)
    for name, size, columns in LATTICES:
        rows = int((lat_max + 90.0) // size) - int((lat_min + 90.0) // size) + 1
        cols = sum(int((e + 180.0) // size) - int((w + 180.0) // size) + 1 for w, e in lon_ranges)
        if rows * cols <= MAX_CELLS or name == LATTICES[-1][0]:
            return name, sorted(set(_cells_in_box(lat_min, lat_max, lon_ranges, size, columns)))
    raise AssertionError("unreachable: the coarse lattice always answers")
