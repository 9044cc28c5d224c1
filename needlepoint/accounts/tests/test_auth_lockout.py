"""Login throttling: an account locks for 15 minutes after 5 wrong passwords, an unknown email
behaves the same, an address is throttled after many failures, and success resets the count."""

import pytest
from django.test import Client
from freezegun import freeze_time

from needlepoint.accounts import auth_services
from needlepoint.accounts.models import Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "velvet lantern orbit"


@pytest.fixture
def ada() -> User:
    return User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)


def attempt(client: Client, email: str, password: str, address: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_for_15_minutes(client: Client, ada: User) -> None:
    with freeze_time("2030-03-01 09:00"):
        for _ in range(4):
            response = attempt(client, ada.email, "wrong password")
            assert "do not match" in response.content.decode()
        response = attempt(client, ada.email, "wrong password")
        assert response.status_code == 429
        assert "Too many attempts. Try again in 15 minutes." in response.content.decode()
        ada.refresh_from_db()
        assert ada.locked_until is not None
        # Even the right password is refused while locked.
        response = attempt(client, ada.email, PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)
    with freeze_time("2030-03-01 09:10"):
        assert "Try again in 5 minutes." in attempt(client, ada.email, PASSWORD).content.decode()
    with freeze_time("2030-03-01 09:15:01"):
        assert attempt(client, ada.email, PASSWORD).status_code == 302
        assert signed_in(client)


def test_an_unknown_email_locks_the_same_way(client: Client, ada: User) -> None:
    answers = [attempt(client, "nobody@example.test", "wrong").content for _ in range(5)]
    known = [attempt(Client(), ada.email, "wrong").content for _ in range(5)]
    assert [b"do not match" in a for a in answers] == [b"do not match" in k for k in known]
    assert b"Too many attempts" in answers[-1]
    assert b"Too many attempts" in known[-1]


def test_a_right_password_resets_the_count(client: Client, ada: User) -> None:
    for _ in range(4):
        attempt(client, ada.email, "wrong")
    assert attempt(client, ada.email, PASSWORD).status_code == 302
    ada.refresh_from_db()
    assert ada.failed_logins == 0
    client.logout()
    for _ in range(4):
        attempt(client, ada.email, "wrong")
    assert attempt(client, ada.email, PASSWORD).status_code == 302


def test_one_address_is_throttled_after_many_failures_across_accounts(
    client: Client, ada: User
) -> None:
    for n in range(auth_services.MAX_FAILURES_PER_ADDRESS):
        attempt(client, f"guess{n}@example.test", "wrong", address="198.51.100.9")
    response = attempt(client, ada.email, PASSWORD, address="198.51.100.9")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    # Another address is not affected.
    assert attempt(client, ada.email, PASSWORD, address="198.51.100.10").status_code == 302


def test_the_throttle_window_ends(client: Client, ada: User) -> None:
    with freeze_time("2030-03-01 09:00") as frozen:
        for n in range(auth_services.MAX_FAILURES_PER_ADDRESS):
            attempt(client, f"guess{n}@example.test", "wrong")
        assert attempt(client, ada.email, PASSWORD).status_code == 429
        frozen.tick(15 * 60 + 1)
        assert attempt(client, ada.email, PASSWORD).status_code == 302
