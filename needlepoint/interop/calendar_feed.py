"""The calendar feeds' pure rules: which weeks a feed covers, what it may say about a client,
its ETag, when a fetch is worth writing down, and the webcal:// form of a link. No database."""

import datetime as dt
import hashlib

# Weeks back a feed still shows: enough for a practitioner to look up last month's sessions
# and for a course's earlier sessions to stay beside its later ones.
LOOKBACK = dt.timedelta(weeks=8)
# Ahead, a feed goes to the end of the longest booking horizon a clinic may set (366 days,
# BookingPolicy.horizon_days): nothing can be booked later than that, so no session booked
# is ever cut off, even after a clinic shortens its horizon.
LOOKAHEAD = dt.timedelta(days=366)
# How often a calendar app is asked to fetch again (REFRESH-INTERVAL), and how long the
# answer may be reused (Cache-Control: max-age).
REFRESH = dt.timedelta(hours=1)
MAX_AGE_SECONDS = 300
# A fetch is written down only when the last mark is older than this: calendar apps poll
# every few minutes, and a write per poll would take the database's write lock (SQLite) that
# bookings need, to learn nothing more than "this link is in use".
FETCH_MARK_EVERY = dt.timedelta(hours=1)

CLIENT = "Client"


def window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the sessions a feed holds, by their start time."""
    return now - LOOKBACK, now + LOOKAHEAD


def first_name(full_name: str) -> str:
    """What a practitioner's feed calls a client: the first word of their name, or "Client".
    A feed leaves the platform for someone else's calendar servers, so it says no more than
    a practitioner needs to greet the person at the door."""
    words = full_name.split()
    return words[0] if words else CLIENT


def etag(body: bytes) -> str:
    """A strong ETag of the feed's bytes (they are the same for the same events)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def fetch_worth_marking(last_fetched: dt.datetime | None, now: dt.datetime) -> bool:
    return last_fetched is None or now - last_fetched >= FETCH_MARK_EVERY


def webcal(url: str) -> str:
    """The webcal:// form of an http(s) link: a click on it opens the calendar app's
    "subscribe" dialog instead of downloading one file."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    raise ValueError(f"Not an http(s) link: {url!r}")
