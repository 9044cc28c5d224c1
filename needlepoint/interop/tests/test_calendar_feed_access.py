"""Who a link shows what: only its owner's events, nothing once revoked or replaced, nothing
for an account closed; at most one live link per user and kind, which the database keeps."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from needlepoint.errors import ApiError
from needlepoint.interop import calendar_services
from needlepoint.interop.models import CalendarFeed
from needlepoint.scheduling.calendar import appointment_uid

from .calendar_factories import (
    LONDON,
    events_by_uid,
    feed_path,
    fetch,
    named_client,
    practitioner_user,
    session,
)

pytestmark = pytest.mark.django_db

APPOINTMENTS = CalendarFeed.Kind.APPOINTMENTS
SESSIONS = CalendarFeed.Kind.SESSIONS


def at(days: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(
        dt.datetime.now(LONDON).date() + dt.timedelta(days=days), dt.time(hour), LONDON
    )


def status_of(path: str) -> int:
    return Client().get(path).status_code


def test_a_revoked_link_answers_404() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    path = feed_path(client, SESSIONS)
    assert status_of(path) == 200

    assert calendar_services.revoke_feed(owner=client, kind=SESSIONS) is True

    assert status_of(path) == 404
    assert calendar_services.revoke_feed(owner=client, kind=SESSIONS) is False


def test_an_unknown_link_answers_404() -> None:
    assert status_of("/calendar/npcal_not-a-real-token.ics") == 404
    assert status_of("/calendar/.ics") == 404


def test_a_new_link_revokes_the_old_one() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    old = feed_path(client, SESSIONS)

    new = feed_path(client, SESSIONS)

    assert new != old
    assert status_of(old) == 404
    assert status_of(new) == 200
    feeds = CalendarFeed.objects.filter(owner=client, kind=SESSIONS)
    assert feeds.count() == 2
    assert feeds.filter(revoked_at__isnull=True).count() == 1


def test_only_the_digest_of_a_token_is_stored() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    raw = calendar_services.issue_feed(owner=client, kind=SESSIONS)

    feed = CalendarFeed.objects.get(owner=client)
    assert feed.digest == CalendarFeed.digest_of(raw)
    assert raw not in feed.digest


def test_client_b_sees_none_of_client_as_sessions() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    ada = named_client("ada@example.test", "Ada Lovelace")
    bea = named_client("bea@example.test", "Bea Bishop")
    adas = session(practitioner, ada, at(3, 10))
    beas = session(practitioner, bea, at(3, 11))

    assert set(events_by_uid(fetch(feed_path(bea, SESSIONS)))) == {appointment_uid(beas.pk)}
    assert set(events_by_uid(fetch(feed_path(ada, SESSIONS)))) == {appointment_uid(adas.pk)}


def test_a_practitioners_feed_holds_only_their_own_appointments() -> None:
    x = practitioner_user("px@example.test", name="Xena Practitioner")
    y = practitioner_user("py@example.test", name="Yusuf Practitioner", lat=51.5)
    client = named_client("ada@example.test", "Ada Lovelace")
    with_x = session(x, client, at(3, 10))
    with_y = session(y, client, at(3, 10))

    assert set(events_by_uid(fetch(feed_path(x.user, APPOINTMENTS)))) == {
        appointment_uid(with_x.pk)
    }
    assert set(events_by_uid(fetch(feed_path(y.user, APPOINTMENTS)))) == {
        appointment_uid(with_y.pk)
    }


def test_a_practitioner_profile_given_to_someone_else_empties_the_old_users_feed() -> None:
    x = practitioner_user("px@example.test", name="Xena Practitioner")
    client = named_client("ada@example.test", "Ada Lovelace")
    session(x, client, at(3, 10))
    path = feed_path(x.user, APPOINTMENTS)
    x.user = None
    x.save(update_fields=["user"])

    assert fetch(path).walk("VEVENT") == []


def test_a_closed_accounts_links_answer_404() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    path = feed_path(client, SESSIONS)
    client.is_active = False
    client.save(update_fields=["is_active"])

    assert status_of(path) == 404


def test_a_client_cannot_have_a_practitioners_feed() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")

    with pytest.raises(ApiError) as refused:
        calendar_services.issue_feed(owner=client, kind=APPOINTMENTS)

    assert refused.value.status == 422
    assert not CalendarFeed.objects.exists()


def test_the_database_refuses_two_live_links_of_one_kind() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    calendar_services.issue_feed(owner=client, kind=SESSIONS)

    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(
            owner=client, kind=SESSIONS, digest=CalendarFeed.digest_of("another")
        )
