"""Fixtures every app's tests share: a fast password hasher, the reference data that
migrations ship, and the real Chromium."""

import importlib
import os
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_configure() -> None:
    # Django's test server listens with a backlog of 10 and resets connections beyond it; the
    # concurrency tests open 50 at once, as any production server (backlog 2048) would accept.
    from django.core.servers.basehttp import WSGIServer

    WSGIServer.request_queue_size = 256


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


# Rows that data migrations ship (the concerns, the default consent forms). A transactional
# test empties every table when it ends, so the next one on that worker gets them back from the
# same migration functions.
REFERENCE_DATA = [
    ("needlepoint.directory.migrations.0002_concerns", "add_concerns"),
    ("needlepoint.clinic.migrations.0002_default_consent_forms", "ship"),
]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate-limit and sign-in counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction", False):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright. Missing, it fails the run: `dev.py test` installs
    it first, so a missing browser is a broken set-up, not a reason to skip."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"Chromium is missing at {CHROMIUM}: run `python3 dev.py test`"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        geolocation={"latitude": 53.7997, "longitude": -1.5492},  # Leeds
        permissions=["geolocation"],
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Map tiles come from the internet in real use; tests have none, so answer them empty.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    yield page
    context.close()
