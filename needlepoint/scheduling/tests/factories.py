"""A bookable practitioner with weekly hours, and clients, for scheduling tests."""

import datetime as dt
import itertools
import re
from html import unescape
from zoneinfo import ZoneInfo

from needlepoint.accounts.models import ApiToken, Role, User
from needlepoint.directory.models import Practitioner
from needlepoint.directory.tests.factories import practitioner_at
from needlepoint.scheduling.models import BookingPolicy, WorkingHours
from needlepoint.screening.services import screen
from needlepoint.screening.tests.builders import QUIET

LONDON = ZoneInfo("Europe/London")
_serial = itertools.count(1)


def bookable(
    *,
    lat: float = 53.80,
    lon: float = -1.55,
    hours: tuple[dt.time, dt.time] = (dt.time(9), dt.time(17)),
    weekdays: range = range(7),
    buffer_minutes: int = 0,
    min_notice_minutes: int = 60,
    cancellation_notice_hours: int = 24,
    name: str | None = None,
) -> Practitioner:
    practitioner = practitioner_at(lat, lon, name=name)
    location = practitioner.locations.get()
    WorkingHours.objects.bulk_create(
        WorkingHours(
            practitioner=practitioner, location=location, weekday=d, start=hours[0], end=hours[1]
        )
        for d in weekdays
    )
    BookingPolicy.objects.create(
        clinic=practitioner.clinic,
        buffer_minutes=buffer_minutes,
        min_notice_minutes=min_notice_minutes,
        cancellation_notice_hours=cancellation_notice_hours,
    )
    return practitioner


def client_user(email: str | None = None, *, screened: bool = True) -> User:
    """A client; `screened` gives them a current "proceed" screening, so they may book."""
    user = User.objects.create_user(
        email or f"client{next(_serial)}@example.test", "a long passphrase", role=Role.CLIENT
    )
    if screened:
        screen(client=user, raw_answers=QUIET)
    return user


def bearer(user: User) -> dict[str, str]:
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def local(days_ahead: int, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> dt.datetime:
    """A wall-clock time `days_ahead` days from today in `zone`."""
    day = dt.datetime.now(zone).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def text(response) -> str:  # type: ignore[no-untyped-def]
    """A page's visible text, tags stripped and white space folded, for plain assertions."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))
