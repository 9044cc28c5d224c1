"""The main pages keep working under the Content Security Policy in a real Chromium: none of
them makes the browser report a violation or a script error."""

from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client

from needlepoint.scheduling.tests.factories import local

from .matrix_cast import Cast, make_cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Every violation is also an event in the page; collected here, read after each page.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def sign_in(page, base_url: str, cast: Cast, role: str) -> None:  # type: ignore[no-untyped-def]
    """The session cookie of a signed-in test client, handed to the browser."""
    browser = Client()
    user = cast.user(role)
    assert user is not None
    browser.force_login(user)
    cookie = browser.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def pages(cast: Cast) -> dict[str, list[str]]:
    client = cast.client_a.pk
    soon = local(5, 11).isoformat()
    return {
        "anonymous": ["/", "/search/?near=Leeds", f"/practitioners/{cast.practitioner_x.pk}/"],
        "client_a": [
            "/screening/",
            f"/practitioners/{cast.practitioner_x.pk}/book/?{urlencode({'start': soon})}",
            f"/clinic/appointments/{cast.setting.appointment.pk}/consent/photo/",
            "/me/progress/",
            "/me/appointments/",
            "/me/data/",
        ],
        "practitioner_x": [
            f"/clinic/clients/{client}/",
            f"/clinic/sessions/{cast.session.pk}/",
            f"/clinic/clients/{client}/photos/cheeks/",
            "/clinic/calendar/",
            "/me/calendar/",
        ],
    }


def test_the_main_pages_report_no_policy_violation(
    live_server, page, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.RATE_LIMITS = {}
    cast = make_cast()
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: console.append(f"script error: {error}"))
    page.add_init_script(LISTEN)
    problems: list[str] = []
    for role, paths in pages(cast).items():
        if role == "anonymous":
            page.context.clear_cookies()
        else:
            sign_in(page, live_server.url, cast, role)
        for path in paths:
            console.clear()
            response = page.goto(live_server.url + path)
            assert response is not None
            assert response.status < 400, f"{path} as {role}: {response.status}"
            assert "Content-Security-Policy" in {k.title() for k in response.headers}
            page.wait_for_load_state("load")
            violations = page.evaluate("window.__violations")
            problems += [f"{path} as {role}: {v}" for v in violations]
            problems += [
                f"{path} as {role}: {m}" for m in console if "Refused" in m or "script error" in m
            ]
    assert not problems, "\n".join(problems)


def test_the_search_map_draws_its_tiles_and_markers_under_the_policy(live_server, page) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/search/?near=Leeds")
    page.wait_for_selector(".leaflet-marker-icon, .leaflet-interactive")
    assert page.locator(".leaflet-tile").count() > 0
    assert cast.practitioner_x.full_name in page.inner_text("main")
    assert page.evaluate("window.__violations") == []
