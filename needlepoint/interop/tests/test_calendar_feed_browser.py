"""In a real Chromium: a practitioner opens the calendar feed page from the navigation, makes
their link and copies it; the link, fetched as a calendar app would (no cookies), holds their
week and nobody else's."""

import datetime as dt
import urllib.request

import pytest
from icalendar import Calendar

from needlepoint.accounts.tests.helpers import sign_in_in_browser
from needlepoint.scheduling.calendar import appointment_uid
from needlepoint.scheduling.models import Appointment

from .calendar_factories import LONDON, PASSWORD, named_client, practitioner_user, session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_practitioner_subscribes_to_their_week(live_server, page) -> None:
    xena = practitioner_user("px@example.test", name="Xena Practitioner")
    yusuf = practitioner_user("py@example.test", name="Yusuf Practitioner", lat=51.5)
    ada = named_client("ada@example.test", "Ada Lovelace")
    bea = named_client("bea@example.test", "Bea Bishop")
    today = dt.datetime.now(LONDON).date()
    monday = today - dt.timedelta(days=today.weekday())

    def on(weekday: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(monday + dt.timedelta(days=weekday), dt.time(hour), LONDON)

    week = [
        session(xena, ada, on(0, 9)),
        session(xena, bea, on(2, 14)),
        session(xena, ada, on(4, 16), status=Appointment.Status.CANCELLED),
    ]
    elsewhere = session(yusuf, bea, on(2, 14))

    sign_in_in_browser(page, live_server.url, "px@example.test", PASSWORD, "/clinic/calendar/")
    page.click("nav >> text=Calendar feed")
    page.wait_for_selector("#feed-appointments")
    assert page.inner_text("#state-appointments") == "You have no link yet."
    with page.expect_navigation():
        page.click("#new-appointments")
    assert "Copy it now" in page.inner_text(".flash")
    https_url = page.input_value("#https-appointments")
    webcal_url = page.input_value("#webcal-appointments")
    assert https_url.startswith(f"{live_server.url}/calendar/npcal_")
    assert webcal_url == "webcal://" + https_url.split("://", 1)[1]
    assert page.get_attribute("#subscribe-appointments", "href") == webcal_url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("button[data-copy=https-appointments]")
    page.wait_for_selector("button[data-copy=https-appointments] >> text=Copied")
    assert page.evaluate("navigator.clipboard.readText()") == https_url

    with urllib.request.urlopen(https_url, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = Calendar.from_ical(response.read())

    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {appointment_uid(a.pk) for a in week}
    assert appointment_uid(elsewhere.pk) not in events
    shown = sorted(
        (event.decoded("DTSTART").strftime("%a %H:%M"), str(event["SUMMARY"]), str(event["STATUS"]))
        for event in events.values()
    )
    expected = sorted(
        (
            a.start.astimezone(LONDON).strftime("%a %H:%M"),
            f"Micro-needling session: {a.client.full_name.split()[0]}",
            "CANCELLED" if a.status == Appointment.Status.CANCELLED else "CONFIRMED",
        )
        for a in week
    )
    assert shown == expected

    page.reload()  # a GET: the link is not shown again, only that it exists and was fetched
    assert page.locator("#https-appointments").count() == 0
    assert "last fetched by a calendar app" in page.inner_text("#state-appointments")
    with page.expect_navigation():
        page.click("#revoke-appointments")
    assert "Link revoked" in page.inner_text(".flash")
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(https_url, timeout=10)
    assert gone.value.code == 404
