"""The feeds' pure rules, without a database: names, the window, the ETag, marking fetches,
webcal:// links."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.interop import calendar_feed

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [
        ("Ada Lovelace", "Ada"),
        ("  Mary   Ann Evans ", "Mary"),
        ("Cher", "Cher"),
        ("", "Client"),
        ("   ", "Client"),
    ],
)
def test_a_client_is_named_by_first_name_only(full_name: str, shown: str) -> None:
    assert calendar_feed.first_name(full_name) == shown


@given(st.text())
def test_no_more_than_one_word_of_a_name_is_ever_shown(full_name: str) -> None:
    shown = calendar_feed.first_name(full_name)
    assert shown == calendar_feed.CLIENT or shown == full_name.split()[0]
    assert len(shown.split()) == 1


def test_the_window_reaches_weeks_back_and_the_longest_horizon_ahead() -> None:
    start, end = calendar_feed.window(NOW)
    assert start == NOW - dt.timedelta(weeks=8)
    assert end == NOW + dt.timedelta(days=366)


def test_the_etag_follows_the_bytes() -> None:
    assert calendar_feed.etag(b"a") == calendar_feed.etag(b"a")
    assert calendar_feed.etag(b"a") != calendar_feed.etag(b"b")
    assert calendar_feed.etag(b"a").startswith('"')
    assert calendar_feed.etag(b"a").endswith('"')


@pytest.mark.parametrize(
    ("last", "marked"),
    [
        (None, True),
        (NOW - dt.timedelta(minutes=5), False),
        (NOW - dt.timedelta(minutes=59, seconds=59), False),
        (NOW - dt.timedelta(hours=1), True),
        (NOW - dt.timedelta(days=3), True),
    ],
)
def test_a_fetch_is_worth_marking_once_an_hour(last: dt.datetime | None, marked: bool) -> None:
    assert calendar_feed.fetch_worth_marking(last, NOW) is marked


@pytest.mark.parametrize(
    ("url", "webcal"),
    [
        (
            "https://needlepoint.example/calendar/t.ics",
            "webcal://needlepoint.example/calendar/t.ics",
        ),
        ("http://localhost:8000/calendar/t.ics", "webcal://localhost:8000/calendar/t.ics"),
    ],
)
def test_webcal_swaps_only_the_scheme(url: str, webcal: str) -> None:
    assert calendar_feed.webcal(url) == webcal


def test_webcal_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="Not an http"):
        calendar_feed.webcal("ftp://example/calendar.ics")
