"""The benchmark's dataset profiles, where their towns are, and the query points drawn from them.

No database here: the same towns and points are used by the generator, by every method timed
and by the NumPy oracle, so that all of them answer the same questions."""

import math
import random
from dataclasses import dataclass
from functools import cache

from needlepoint.directory import gazetteer
from needlepoint.directory.gazetteer import Place


@dataclass(frozen=True)
class Profile:
    name: str
    practitioners: int
    countries: tuple[str, ...]  # () = the whole world
    days: int  # booking horizon written; 0 = the geo stage only (no hours, no bookings)
    occupancy: float  # share of the horizon's free slots booked
    seed: int
    clients: int = 5000


PROFILES: dict[str, Profile] = {
    "tiny": Profile("tiny", 200, ("GB",), 14, 0.6, 7, clients=100),
    "city": Profile("city", 5_000, ("GB",), 14, 0.6, 11),
    "national": Profile("national", 100_000, ("US",), 14, 0.6, 2026),
    # The growth stage: the national map with a tenth of the practitioners, and the world map
    # with ten times as many (at about the national density per inhabitant).
    "national-10k": Profile("national-10k", 10_000, ("US",), 0, 0.0, 2026),
    "world": Profile("world", 1_000_000, (), 0, 0.0, 1),
}

# Clinics lie around their town's centre on a disc that grows with the town, so a metropolis
# spreads over its suburbs and a small town stays compact.
TOWN_BASE_KM = 2.0
TOWN_KM_PER_SQRT_PERSON = 1 / 250


@cache
def towns(profile: Profile) -> tuple[Place, ...]:
    """The gazetteer's towns (15,000 people or more) of the profile's countries."""
    return tuple(
        place
        for place in gazetteer.towns()
        if not profile.countries or place.country_code in profile.countries
    )


def town_radius_km(place: Place) -> float:
    return TOWN_BASE_KM + math.sqrt(place.population) * TOWN_KM_PER_SQRT_PERSON


def shares(populations: list[int], total: int) -> list[int]:
    """`total` split in proportion to the populations, rounded by largest remainder so the
    parts add up to exactly `total`."""
    whole = sum(populations)
    exact = [total * p / whole for p in populations]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point `km` along the great circle leaving (lat, lon) on `bearing_deg`."""
    from needlepoint.directory.geo import EARTH_RADIUS_KM, normalize_longitude

    angle = km / EARTH_RADIUS_KM
    bearing, phi, lam = math.radians(bearing_deg), math.radians(lat), math.radians(lon)
    phi2 = math.asin(
        math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(bearing)
    )
    lam2 = lam + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(phi),
        math.cos(angle) - math.sin(phi) * math.sin(phi2),
    )
    return round(math.degrees(phi2), 6), round(normalize_longitude(math.degrees(lam2)), 6)


def around(rng: random.Random, place: Place) -> tuple[float, float]:
    """A point uniformly on the town's disc."""
    km = town_radius_km(place) * math.sqrt(rng.random())
    return destination(place.latitude, place.longitude, rng.uniform(0, 360), km)


def query_points(profile: Profile, count: int, seed: int) -> list[tuple[float, float]]:
    """Where people search from: a town drawn in proportion to its population, then a point
    on its disc."""
    rng = random.Random(seed)
    places = towns(profile)
    chosen = rng.choices(places, weights=[p.population for p in places], k=count)
    return [around(rng, place) for place in chosen]
