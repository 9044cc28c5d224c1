"""The pure geo maths: distances and the cells that must cover every point of a search circle."""

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from needlepoint.directory import geo

latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
# Where covering goes wrong: at the poles and across the antimeridian.
polar_latitudes = st.one_of(st.floats(85, 90), st.floats(-90, -85))
antimeridian_longitudes = st.one_of(st.floats(175, 180), st.floats(-180, -175))
radii = st.floats(min_value=0.01, max_value=200)


def destination(
    lat: float, lon: float, bearing_deg: float, distance_km: float
) -> tuple[float, float]:
    """The point reached from (lat, lon) going `distance_km` on a bearing (spherical)."""
    angle = distance_km / geo.EARTH_RADIUS_KM
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(angle) + math.cos(p1) * math.sin(angle) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(angle) * math.cos(p1), math.cos(angle) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), geo.normalize_longitude(math.degrees(l2))


def test_it_measures_a_known_distance() -> None:
    # London to Paris is about 344 km along the great circle.
    assert 340 < geo.haversine_km(51.5074, -0.1278, 48.8566, 2.3522) < 348


def test_it_measures_across_the_antimeridian_the_short_way() -> None:
    assert geo.haversine_km(0, 179.9, 0, -179.9) < 23


def test_a_point_at_180_and_at_minus_180_share_a_cell() -> None:
    assert geo.cells_of(10, 180.0) == geo.cells_of(10, -180.0)


def test_the_finest_lattice_that_needs_few_cells_is_read() -> None:
    assert geo.covering_cells(53.8, -1.55, 4)[0] == "micro_cell"
    assert geo.covering_cells(53.8, -1.55, 25)[0] == "cell"
    assert geo.covering_cells(53.8, -1.55, 200)[0] == "coarse_cell"
    for radius in (0.5, 4, 12, 25, 60, 200):
        assert len(geo.covering_cells(53.8, -1.55, radius)[1]) <= geo.MAX_CELLS


def covered(lat: float, lon: float, radius: float, point: tuple[float, float]) -> bool:
    lattice, cells = geo.covering_cells(lat, lon, radius)
    return geo.cells_of(*point)[lattice] in cells


@settings(max_examples=400)
@given(
    lat=st.one_of(latitudes, polar_latitudes),
    lon=st.one_of(longitudes, antimeridian_longitudes),
    radius=radii,
    bearing=st.floats(0, 360),
    fraction=st.floats(0, 1),
)
def test_every_point_within_the_radius_lies_in_a_covering_cell(
    lat: float, lon: float, radius: float, bearing: float, fraction: float
) -> None:
    point = destination(lat, lon, bearing, radius * fraction * 0.999999)
    assume(geo.haversine_km(lat, lon, *point) <= radius)
    assert covered(lat, lon, radius, point)


@given(lat=latitudes, lon=longitudes, radius=radii)
def test_the_bounding_box_splits_at_the_antimeridian(lat: float, lon: float, radius: float) -> None:
    lat_min, lat_max, ranges = geo.bounding_box(lat, lon, radius)
    assert -90 <= lat_min <= lat <= lat_max <= 90
    for west, east in ranges:
        assert -180 <= west <= east <= 180


def test_a_circle_over_the_pole_spans_every_longitude() -> None:
    _, _, ranges = geo.bounding_box(89.9, 0, 50)
    assert ranges == [(-180.0, 180.0)]
