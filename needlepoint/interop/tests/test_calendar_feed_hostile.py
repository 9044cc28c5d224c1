"""Hostile links and forms get a 4xx, never a 5xx, and write nothing."""

from urllib.parse import quote

import pytest
from django.test import Client

from needlepoint.interop.models import CalendarFeed

from .calendar_factories import named_client

pytestmark = pytest.mark.django_db

HOSTILE = [
    "'; DROP TABLE interop_calendarfeed; --",
    "<script>alert(1)</script>",
    "abc\x00def",
    "\ud800",
    "\u202egnp.exe",
    "x" * 10_000,
    "..%2F..%2Fetc%2Fpasswd",
    "npcal_" + "A" * 43,
    "🧪" * 50,
]


def wire(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@pytest.mark.parametrize("token", HOSTILE)
def test_a_hostile_link_is_a_404(token: str) -> None:
    path = "/calendar/" + wire(token) + ".ics"
    response = Client().get(path)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["kind", "action"])
def test_a_hostile_form_is_refused(field: str, value: str) -> None:
    browser = Client()
    browser.force_login(named_client("ada@example.test", "Ada Lovelace"))
    form = {"kind": "sessions", "action": "new", field: value}
    # Encoded by hand: a lone surrogate reaches a server as bytes that are not UTF-8.
    body = "&".join(f"{name}={wire(text)}" for name, text in form.items())

    response = browser.post("/me/calendar/", body, content_type="application/x-www-form-urlencoded")

    assert 400 <= response.status_code < 500
    assert b"<script>alert(1)</script>" not in response.content
    assert not CalendarFeed.objects.exists()
