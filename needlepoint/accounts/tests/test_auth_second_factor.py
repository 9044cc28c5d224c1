"""The second sign-in step: a current authenticator code (never the same one twice) or a
recovery code (once), before the session is signed in; bounded in time."""

import time

import pytest
from django.test import Client
from freezegun import freeze_time

from needlepoint.accounts import auth_services, mfa
from needlepoint.accounts.models import RecoveryCode, Role, User

from .helpers import give_authenticator, next_code

pytestmark = pytest.mark.django_db
PASSWORD = "velvet lantern orbit"


@pytest.fixture
def practitioner() -> User:
    return User.objects.create_user("pat@example.test", PASSWORD, role=Role.PRACTITIONER)


def password_step(client: Client, user: User, next_path: str = "/search/"):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD, "next": next_path}
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_right_password_leads_to_the_code_step_not_a_session(
    client: Client, practitioner: User
) -> None:
    give_authenticator(practitioner)
    response = password_step(client, practitioner)
    assert response["Location"] == "/accounts/login/verify/"
    assert not signed_in(client)
    assert client.get("/accounts/security/").status_code == 302  # still signed out


def test_the_right_code_signs_in_and_goes_on_to_next(client: Client, practitioner: User) -> None:
    device = give_authenticator(practitioner)
    password_step(client, practitioner)
    response = client.post("/accounts/login/verify/", {"code": next_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert signed_in(client)
    # A clinic role's session lasts a working day, not a client's two weeks.
    assert client.session.get_expiry_age() == auth_services.CLINIC_SESSION_SECONDS


def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(
    client: Client, practitioner: User
) -> None:
    give_authenticator(practitioner)
    password_step(client, practitioner)
    response = client.post("/accounts/login/verify/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)
    for _ in range(auth_services.MAX_FAILURES - 1):
        response = client.post("/accounts/login/verify/", {"code": "000000"})
    assert response["Location"] == "/accounts/login/"
    practitioner.refresh_from_db()
    assert practitioner.locked_until is not None


def test_a_code_is_never_accepted_twice(practitioner: User) -> None:
    device = give_authenticator(practitioner)
    with freeze_time("2030-03-01 09:00:05"):
        code = mfa.code_at_step(device.secret, mfa.step_at(time.time()))
        first, second = Client(), Client()
        password_step(first, practitioner)
        assert first.post("/accounts/login/verify/", {"code": code}).status_code == 302
        password_step(second, practitioner)
        response = second.post("/accounts/login/verify/", {"code": code})
        assert response.status_code == 200
        assert "used already" in response.content.decode()
        assert not signed_in(second)


def test_a_recovery_code_works_once(practitioner: User) -> None:
    give_authenticator(practitioner)
    codes = auth_services.replace_recovery_codes(user=practitioner)
    first, second = Client(), Client()
    password_step(first, practitioner)
    response = first.post("/accounts/login/verify/", {"code": codes[3].upper()}, follow=True)
    assert signed_in(first)
    assert "9 left" in response.content.decode()
    password_step(second, practitioner)
    response = second.post("/accounts/login/verify/", {"code": codes[3]})
    assert response.status_code == 200
    assert not signed_in(second)
    assert RecoveryCode.objects.filter(user=practitioner, used_at__isnull=False).count() == 1


def test_the_half_signed_in_state_expires(practitioner: User) -> None:
    device = give_authenticator(practitioner)
    client = Client()
    with freeze_time("2030-03-01 09:00") as frozen:
        password_step(client, practitioner)
        frozen.tick(11 * 60)
        code = mfa.code_at_step(device.secret, mfa.step_at(frozen().timestamp()))
        response = client.post("/accounts/login/verify/", {"code": code})
    assert response["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_the_code_step_cannot_be_reached_without_a_password(client: Client) -> None:
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"


def test_a_client_who_opted_in_is_asked_too(client: Client) -> None:
    ada = User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    device = give_authenticator(ada)
    assert password_step(client, ada)["Location"] == "/accounts/login/verify/"
    assert client.post("/accounts/login/verify/", {"code": next_code(device)}).status_code == 302
    assert client.session.get_expiry_age() == 14 * 24 * 3600
