"""Turning what people type into a search box into a place: towns, qualifiers and US ZIP codes."""

import math
import unicodedata
import zoneinfo
from collections.abc import Callable
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.directory.gazetteer import (
    Place,
    UnknownPlace,
    continent_of,
    country_name,
    resolve,
    towns,
)


def km_between(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dl = math.radians(b.longitude - a.longitude)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def spoken(name: str) -> str:
    """A name as a person reads it: no case, accents or punctuation, and "St" is "Saint"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    spaced = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    short = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
    return "".join(short.get(word, word) for word in spaced.split())


@cache
def namesakes() -> dict[tuple[str, str], list[Place]]:
    """Every town by country and spoken name, to check answers against."""
    found: dict[tuple[str, str], list[Place]] = {}
    for place in towns(0):
        found.setdefault((place.country_code, spoken(place.town)), []).append(place)
    return found


def where(text: str) -> tuple[str, str, str]:
    place = resolve(text)
    return place.town, place.country_code, place.admin1_code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Leeds", ("Leeds", "GB", "ENG")),
        ("Paris", ("Paris", "FR", "11")),
        ("London", ("London", "GB", "ENG")),  # not London, Ontario
        ("Portland", ("Portland", "US", "OR")),  # not Portland, Maine
        ("Austin", ("Austin", "US", "TX")),  # not Austin, Minnesota
        ("Perth", ("Perth", "AU", "08")),  # not Perth, Scotland
    ],
)
def test_it_prefers_the_most_populous_town(typed: str, expected: tuple[str, str, str]) -> None:
    assert where(typed) == expected


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        # Each is also a (historic or misspelt) alternate name of a far bigger city: Guangzhou,
        # Chattogram, Changchun, Delhi, Alexandria.
        ("Canton", "US"),
        ("Islamabad", "PK"),
        ("Cancun", "MX"),
        ("Dili", "TL"),
        ("Alessandria", "IT"),
    ],
)
def test_it_prefers_a_town_s_own_name_to_a_bigger_town_s_other_names(
    typed: str, country: str
) -> None:
    assert resolve(typed).country_code == country


def test_it_finds_towns_by_their_other_names() -> None:
    assert resolve("Cologne").town == "Köln"
    assert resolve("Bombay").town == "Mumbai"
    assert resolve("Den Haag").town == "The Hague"


@pytest.mark.parametrize("typed", ["Lyon", "  lyon ", "LYON", "lYoN", "Lyon.", "\tLyon\n"])
def test_it_ignores_case_punctuation_and_surrounding_space(typed: str) -> None:
    assert where(typed) == ("Lyon", "FR", "84")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Zurich", "Zürich"),
        # GeoNames lists no unaccented spelling for these, so only folding can match them.
        ("São João de Meriti", "Sao Joao de Meriti"),
        ("Eimsbüttel", "EIMSBUTTEL"),
        ("Ataşehir", "atasehir"),
        ("St. Louis", "St Louis"),
        ("St. Louis", "Saint Louis"),
        ("Saint-Étienne", "saint etienne"),
        ("Saint-Étienne", "St Etienne"),
        ("Kraków", "krakow"),
        ("Łódź", "Lodz"),
        ("Tromsø", "Tromso"),
        ("São Paulo", "Sao   Paulo"),
        ("Fort Worth", "Ft. Worth"),
        ("Lyon, France", "lyon ,   FRANCE"),
    ],
)
def test_it_treats_spelling_variants_as_one_place(one: str, other: str) -> None:
    assert resolve(one) == resolve(other)


def test_the_variants_resolve_to_the_expected_towns() -> None:
    assert where("Zurich") == ("Zürich", "CH", "ZH")
    assert where("Sao Joao de Meriti")[:2] == ("São João de Meriti", "BR")
    assert where("Saint Louis") == ("St. Louis", "US", "MO")
    assert where("st etienne")[:2] == ("Saint-Étienne", "FR")


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("Lyon, France", "FR"),
        ("Lyon, FR", "FR"),
        ("Lyon, fra", "FR"),
        ("Leeds, GBR", "GB"),
        ("Leeds, UK", "GB"),
        ("Leeds, England", "GB"),
        ("London, Canada", "CA"),
        ("London, CA", "CA"),
        ("London, ON", "CA"),
        ("London, Ontario", "CA"),
        ("London, United Kingdom", "GB"),
        ("Paris, TX", "US"),
        ("Paris, USA", "US"),
        ("Amsterdam, Netherlands", "NL"),
        ("Amsterdam, The Netherlands", "NL"),
        ("Tbilisi, Georgia", "GE"),
        ("Atlanta, Georgia", "US"),
    ],
)
def test_a_qualifier_picks_the_country(typed: str, country: str) -> None:
    assert resolve(typed).country_code == country


@pytest.mark.parametrize(
    ("typed", "state"),
    [
        ("Portland, Oregon", "OR"),
        ("Portland, ME", "ME"),
        ("Portland, maine", "ME"),
        ("Austin, TX", "TX"),
        ("Austin, TX, USA", "TX"),
        ("Austin, Minnesota", "MN"),
        ("Austin, MN, United States", "MN"),
        ("Vancouver, WA", "WA"),
        ("Washington, DC", "DC"),
    ],
)
def test_a_us_state_picks_between_towns_of_one_name(typed: str, state: str) -> None:
    place = resolve(typed)
    assert (place.country_code, place.admin1_code) == ("US", state)


def test_an_abbreviation_shared_by_two_countries_fits_whichever_town_has_it() -> None:
    # WA is Washington state and Western Australia: Perth is only in one, Vancouver the other.
    assert resolve("Perth, WA").country_code == "AU"
    assert resolve("Vancouver, WA").country_code == "US"
    assert resolve("Vancouver").country_code == "CA"
    assert resolve("Perth, Scotland").country_code == "GB"


def test_it_names_the_place_with_its_state_and_country() -> None:
    assert resolve("austin").name == "Austin, Texas, United States"
    assert resolve("leeds").name == "Leeds, England, United Kingdom"
    assert resolve("London, ON").name == "London, Ontario, Canada"
    assert resolve("lyon").name == "Lyon, France"


def test_it_gives_a_town_its_position_timezone_and_population() -> None:
    leeds = resolve("Leeds")
    assert leeds.latitude == pytest.approx(53.80, abs=0.05)
    assert leeds.longitude == pytest.approx(-1.55, abs=0.05)
    assert leeds.timezone == "Europe/London"
    assert leeds.population > 400_000
    assert leeds.continent == "EU"


def test_it_reads_names_that_contain_commas() -> None:
    assert resolve("Misato, Saitama, Japan").name == "Misato, Saitama, Japan"
    bonaire = "Kralendijk, Bonaire, Saint Eustatius and Saba"
    assert resolve(bonaire).country_code == "BQ"


@pytest.mark.parametrize(
    "typed", ["Austin, France", "Leeds, Canada", "Austin, Narnia", "Perth, NSW"]
)
def test_it_refuses_a_qualifier_no_town_of_that_name_fits(typed: str) -> None:
    town, qualifier = typed.split(", ")
    with pytest.raises(UnknownPlace) as raised:
        resolve(typed)
    assert f"“{town}”" in str(raised.value)
    assert f"“{qualifier}”" in str(raised.value)


@pytest.mark.parametrize("typed", ["Xyzzy", "Texas", "Austin MN", "!!!", "Lyon France x"])
def test_it_refuses_what_is_not_a_town_and_says_what_was_typed(typed: str) -> None:
    with pytest.raises(UnknownPlace, match="We couldn't find") as raised:
        resolve(typed)
    assert f"“{typed}”" in str(raised.value)


def test_it_shortens_a_long_unknown_name_in_its_message() -> None:
    with pytest.raises(UnknownPlace) as raised:
        resolve("Q" * 150)
    message = str(raised.value)
    assert "…" in message
    assert len(message) < 120


@pytest.mark.parametrize("typed", ["", " ", "   \t\n ", ",", " , , "])
def test_it_refuses_a_blank_search(typed: str) -> None:
    with pytest.raises(UnknownPlace):
        resolve(typed)


def test_it_refuses_input_longer_than_two_hundred_characters() -> None:
    with pytest.raises(UnknownPlace, match="too long"):
        resolve("Leeds" + " " * 196)
    # Exactly at the limit is still read.
    assert resolve("Leeds" + " " * 195).town == "Leeds"


def test_unknown_place_is_a_value_error() -> None:
    assert issubclass(UnknownPlace, ValueError)


def test_a_zip_code_resolves_to_its_centroid() -> None:
    place = resolve("78701")
    assert place.name == "78701 Austin, TX"
    assert place.latitude == pytest.approx(30.2713)
    assert place.longitude == pytest.approx(-97.7426)
    assert place.timezone == "America/Chicago"
    assert (place.country_code, place.admin1_code, place.population) == ("US", "TX", 0)


def test_a_zip_plus_four_code_resolves_like_its_zip_code() -> None:
    assert resolve(" 78701-1234 ") == resolve("78701")


def test_zip_codes_take_their_timezone_from_the_record() -> None:
    assert resolve("10001").timezone == "America/New_York"
    assert resolve("98101").timezone == "America/Los_Angeles"


def test_a_territory_zip_code_is_in_the_territory_s_country() -> None:
    place = resolve("00901")
    assert (place.country_code, place.timezone) == ("PR", "America/Puerto_Rico")


@pytest.mark.parametrize("typed", ["99999", "00000", "09002", "99999-1234"])
def test_it_refuses_a_zip_code_with_no_location(typed: str) -> None:
    # 09002 is a military (APO) code, which has no position.
    with pytest.raises(UnknownPlace, match=typed):
        resolve(typed)


@pytest.mark.parametrize("typed", ["7870", "787011", "78701-12", "78701 1234"])
def test_it_does_not_read_other_digit_strings_as_zip_codes(typed: str) -> None:
    with pytest.raises(UnknownPlace, match="place called"):
        resolve(typed)


def test_towns_span_six_continents() -> None:
    assert len({place.continent for place in towns()}) >= 6


def test_towns_are_the_populous_ones_most_populous_first() -> None:
    everyone, big = towns(0), towns(1_000_000)
    assert len(everyone) > 30_000
    assert 100 < len(big) < 1000
    assert all(place.population >= 1_000_000 for place in big)
    populations = [place.population for place in everyone]
    assert populations == sorted(populations, reverse=True)


def test_towns_carry_what_the_seeder_needs() -> None:
    zones = zoneinfo.available_timezones()
    for place in towns(500_000):
        assert place.name.startswith(f"{place.town}, ")
        assert place.name.endswith(country_name(place.country_code))
        assert place.continent == continent_of(place.country_code)
        assert place.timezone in zones
        assert -90 <= place.latitude <= 90
        assert -180 <= place.longitude <= 180


def test_country_names_and_continents() -> None:
    assert country_name("GB") == "United Kingdom"
    assert country_name("us") == "United States"
    assert country_name("BQ") == "Bonaire, Saint Eustatius and Saba"  # no stray trailing space
    assert [continent_of(code) for code in ("FR", "au", "BR", "NG", "JP", "CA")] == [
        "EU",
        "OC",
        "SA",
        "AF",
        "AS",
        "NA",
    ]
    with pytest.raises(KeyError):
        country_name("XX")


@settings(max_examples=300, deadline=None)
@given(st.deferred(lambda: st.sampled_from(towns())))
def test_any_town_can_be_found_by_its_name_and_country(town: Place) -> None:
    place = resolve(f"{town.town}, {country_name(town.country_code)}")
    assert place.country_code == town.country_code
    same = namesakes()[(town.country_code, spoken(town.town))]
    assert min(km_between(place, other) for other in same) < 1.0


@settings(max_examples=100, deadline=None)
@given(st.deferred(lambda: st.sampled_from(towns())), st.sampled_from([str.upper, str.lower]))
def test_case_never_changes_the_answer(town: Place, change_case: Callable[[str], str]) -> None:
    assert resolve(change_case(town.town)) == resolve(town.town)
