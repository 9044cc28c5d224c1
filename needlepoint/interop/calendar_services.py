"""Writes of the calendar feeds: a new link (which revokes the old one), revoking, and noting
that a calendar app fetched a feed."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.errors import ApiError

from . import calendar_feed, calendar_selectors
from .models import CalendarFeed


@transaction.atomic
def issue_feed(*, owner: User, kind: str) -> str:
    """A new feed of `kind` for `owner`; returns its raw token, which is shown once and never
    stored. The live feed of that kind, if any, is revoked in the same transaction, so a
    calendar still subscribed to the old link gets 404 from now on. 422 for a kind the owner
    may not have (a client asking for a practitioner's appointments)."""
    if kind not in calendar_selectors.kinds_for(owner):
        raise ApiError(422, "invalid", "Your account has no calendar of that kind.", "kind")
    # Two "new link" clicks at once: the row lock on the owner makes the second wait for the
    # first to commit, so it revokes the first's feed rather than tripping over the unique
    # constraint (PostgreSQL; SQLite's IMMEDIATE transactions run one at a time anyway).
    User.objects.select_for_update().filter(pk=owner.pk).first()
    now = timezone.now()
    _revoke(owner, kind, now)
    raw = CalendarFeed.new_raw_token()
    feed = CalendarFeed(owner=owner, kind=kind, digest=CalendarFeed.digest_of(raw), created_at=now)
    feed.full_clean()
    feed.save()
    return raw


@transaction.atomic
def revoke_feed(*, owner: User, kind: str) -> bool:
    """Revokes `owner`'s live feed of `kind`; False when there was none (nothing to do)."""
    return _revoke(owner, kind, timezone.now()) > 0


def _revoke(owner: User, kind: str, now: dt.datetime) -> int:
    return CalendarFeed.objects.filter(owner=owner, kind=kind, revoked_at__isnull=True).update(
        revoked_at=now
    )


def mark_fetched(feed: CalendarFeed, *, now: dt.datetime) -> None:
    """Notes a fetch, at most once per calendar_feed.FETCH_MARK_EVERY: the page then says
    whether a calendar app uses the link, which is all this is for, without a write on every
    poll. The condition is in the UPDATE, so parallel fetches write once between them."""
    if not calendar_feed.fetch_worth_marking(feed.last_fetched_at, now):
        return
    stale = now - calendar_feed.FETCH_MARK_EVERY
    unmarked = Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=stale)
    CalendarFeed.objects.filter(unmarked, pk=feed.pk).update(last_fetched_at=now)
