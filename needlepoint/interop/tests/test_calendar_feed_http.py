"""The feed over HTTP as a calendar app meets it: media type and caching headers, an ETag that
holds while nothing changes (304 then), HEAD, no writes by POST, and fetches noted sparingly."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from needlepoint.interop import calendar_feed, calendar_selectors, calendar_services
from needlepoint.interop.models import CalendarFeed

from .calendar_factories import LONDON, feed_path, named_client, practitioner_user, session

pytestmark = pytest.mark.django_db

SESSIONS = CalendarFeed.Kind.SESSIONS


@pytest.fixture
def booked_path() -> str:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada@example.test", "Ada Lovelace")
    day = dt.datetime.now(LONDON).date() + dt.timedelta(days=2)
    session(practitioner, client, dt.datetime.combine(day, dt.time(10), LONDON))
    return feed_path(client, SESSIONS)


def test_it_is_a_private_cacheable_calendar(booked_path: str) -> None:
    response = Client().get(booked_path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["ETag"] == calendar_feed.etag(response.content)


def test_the_same_events_give_the_same_etag_and_a_304(booked_path: str) -> None:
    first = Client().get(booked_path)
    second = Client().get(booked_path)
    assert second.content == first.content  # DTSTAMP comes from the data, not the clock

    again = Client().get(booked_path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "private, max-age=300"


def test_a_change_gives_a_new_etag(booked_path: str) -> None:
    before = Client().get(booked_path)
    feed = CalendarFeed.objects.get()
    practitioner = practitioner_user("py@example.test", name="Yusuf Practitioner", lat=51.5)
    day = dt.datetime.now(LONDON).date() + dt.timedelta(days=9)
    session(practitioner, feed.owner, dt.datetime.combine(day, dt.time(15), LONDON))

    after = Client().get(booked_path, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


def test_head_answers_and_post_is_refused(booked_path: str) -> None:
    assert Client().head(booked_path).status_code == 200
    assert Client().post(booked_path).status_code == 405
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_fetch_is_noted_at_most_once_an_hour(booked_path: str) -> None:
    feed = CalendarFeed.objects.get()
    assert feed.last_fetched_at is None

    Client().get(booked_path)
    feed.refresh_from_db()
    first = feed.last_fetched_at
    assert first is not None

    Client().get(booked_path)
    feed.refresh_from_db()
    assert feed.last_fetched_at == first  # a poll minutes later writes nothing

    hour_ago = first - calendar_feed.FETCH_MARK_EVERY
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=hour_ago)
    Client().get(booked_path)
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None
    assert feed.last_fetched_at > hour_ago


def test_a_stale_copy_of_the_feed_row_does_not_write_twice() -> None:
    """Two fetches that read the row before either wrote: the UPDATE's own condition lets
    only the first one through."""
    client = named_client("ada@example.test", "Ada Lovelace")
    raw = calendar_services.issue_feed(owner=client, kind=SESSIONS)
    one = calendar_selectors.feed_for_token(raw)
    two = calendar_selectors.feed_for_token(raw)
    assert one is not None
    assert two is not None
    now = timezone.now()

    calendar_services.mark_fetched(one, now=now)
    calendar_services.mark_fetched(two, now=now + dt.timedelta(minutes=1))

    assert CalendarFeed.objects.get().last_fetched_at == now


def test_a_revoked_link_answers_404_in_plain_text(booked_path: str) -> None:
    feed = CalendarFeed.objects.get()
    calendar_services.revoke_feed(owner=feed.owner, kind=SESSIONS)

    response = Client().get(booked_path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_the_number_of_queries_does_not_grow_with_the_sessions(
    booked_path: str, django_assert_num_queries
) -> None:
    feed = CalendarFeed.objects.get()
    practitioner = practitioner_user("py@example.test", name="Yusuf Practitioner", lat=51.5)
    for days in range(3, 13):
        day = dt.datetime.now(LONDON).date() + dt.timedelta(days=days)
        session(practitioner, feed.owner, dt.datetime.combine(day, dt.time(11), LONDON))
    Client().get(booked_path)  # the fetch is marked: later polls within the hour write nothing

    # The feed by its digest, the sessions, their changes (SEQUENCE), the latest change.
    with django_assert_num_queries(4):
        response = Client().get(booked_path)

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 11
