"""Search, booking and the requests that send e-mail (sign-up, password reset, verification)
are rate-limited per client IP (and booking per user): past the limit the answer is 429 with the
contract's error body (plain text on pages) and a Retry-After header."""

from types import SimpleNamespace

import pytest
from django.test import Client

from needlepoint.scheduling.tests.factories import bearer, bookable, client_user, local
from needlepoint.security import Limit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request of a test falls in the same fixed window: a slow run must not cross a
    window's end and see its count start again."""
    frozen = SimpleNamespace(time=lambda: 1_800_000_000.0)
    monkeypatch.setattr("needlepoint.security.time", frozen)  # this module's clock only


@pytest.fixture(autouse=True)
def tight_limits(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {
        "search": "3/60",
        "booking": "5/60",
        "booking_user": "2/60",
        "account_mail": "2/3600",
    }


def test_the_search_api_answers_429_with_the_error_body_past_the_limit() -> None:
    browser = Client()
    for _ in range(3):
        assert browser.get("/api/v1/search?near=Leeds").status_code == 200
    response = browser.get("/api/v1/search?near=Leeds")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_limit_is_per_client_ip() -> None:
    for _ in range(3):
        Client(REMOTE_ADDR="203.0.113.1").get("/api/v1/search?near=Leeds")
    assert Client(REMOTE_ADDR="203.0.113.1").get("/api/v1/search?near=Leeds").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.2").get("/api/v1/search?near=Leeds").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts_not_a_claimed_one(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1
    for n in range(3):
        # The client claims a different address each time; the proxy appends the real one.
        forwarded = f"10.0.0.{n}, 198.51.100.7"
        Client(HTTP_X_FORWARDED_FOR=forwarded).get("/api/v1/search?near=Leeds")
    blocked = Client(HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
    assert blocked.get("/api/v1/search?near=Leeds").status_code == 429
    other = Client(HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.get("/api/v1/search?near=Leeds").status_code == 200


def test_the_search_page_is_limited_but_the_empty_form_is_not() -> None:
    browser = Client()
    for _ in range(3):
        assert browser.get("/search/?near=Leeds").status_code == 200
    limited = browser.get("/search/?near=Leeds")
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert browser.get("/search/").status_code == 200


def test_bookings_are_limited_per_user_whatever_the_address() -> None:
    practitioner = bookable()
    headers = bearer(client_user())
    answers = [
        Client(REMOTE_ADDR=f"203.0.113.{n}")
        .post(
            "/api/v1/bookings",
            {"practitioner_id": practitioner.pk, "start": local(3 + n, 10).isoformat()},
            content_type="application/json",
            **headers,
        )
        .status_code
        for n in range(3)
    ]
    assert answers == [201, 201, 429]


def test_bookings_are_limited_per_ip_across_users() -> None:
    practitioner = bookable()
    answers = []
    for n in range(6):
        response = Client().post(
            "/api/v1/bookings",
            {"practitioner_id": practitioner.pk, "start": local(3 + n, 10).isoformat()},
            content_type="application/json",
            **bearer(client_user()),
        )
        answers.append(response.status_code)
    assert answers == [201] * 5 + [429]


def test_an_empty_limit_turns_it_off(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {"search": ""}
    for _ in range(6):
        assert Client().get("/api/v1/search?near=Leeds").status_code == 200


@pytest.mark.parametrize("text", ["30", "a/60", "30/0", "30 per minute"])
def test_a_malformed_limit_fails_loudly(text: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        Limit.parse(text)


@pytest.mark.parametrize(
    "path", ["/accounts/signup/", "/accounts/password/reset/", "/accounts/verify/resend/"]
)
def test_requests_that_send_mail_share_one_limit_per_ip(path: str) -> None:
    browser = Client(REMOTE_ADDR="203.0.113.9")
    browser.post("/accounts/password/reset/", {"email": "someone@example.test"})
    browser.post("/accounts/signup/", {})
    refused = browser.post(path, {"email": "someone@example.test"})
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 3600
    other = Client(REMOTE_ADDR="203.0.113.10").post(path, {"email": "someone@example.test"})
    assert other.status_code != 429
