"""Authorization matrix rows of the calendar feeds (see needlepoint/tests/matrix_rows.py).

The feed asks for no session: its link is the credential, so every role gets client A's
feed from client A's link (made here), and the link is all that protects it."""

from needlepoint.interop import calendar_services
from needlepoint.interop.models import CalendarFeed
from needlepoint.tests.matrix_cast import Cast
from needlepoint.tests.matrix_rows import LOGIN, NOT_ALLOWED, PUBLIC, SIGNED_IN, Page, row


def client_as_feed(c: Cast) -> str:
    raw = calendar_services.issue_feed(owner=c.client_a, kind=CalendarFeed.Kind.SESSIONS)
    return f"/calendar/{raw}.ics"


PAGES: dict[str, Page] = {
    "interop:calendar-feed": Page(client_as_feed, PUBLIC, NOT_ALLOWED),
    # Everyone signed in may open the page (it offers each the feeds their account has); an
    # empty form names neither an action nor a calendar: 422.
    "interop:my-calendar": Page(lambda c: "/me/calendar/", SIGNED_IN, row(LOGIN, *[422] * 6)),
}
