"""POST /api/v1/auth/token and bearer authentication."""

import pytest
from django.test import Client

from needlepoint.accounts.models import ApiToken, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_user() -> User:
    return User.objects.create_user("ada@example.test", "a long passphrase", role=Role.CLIENT)


def test_it_issues_a_token_for_the_right_password(client: Client, client_user: User) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"email": "ADA@example.test", "password": "a long passphrase"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["token_type"] == "Bearer"
    # Only a digest is kept, never the token itself.
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(token), user=client_user).exists()


def test_it_refuses_a_wrong_password_with_the_error_body(client: Client, client_user: User) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"email": "ada@example.test", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_it_rejects_a_malformed_body_naming_the_field(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token", {"email": "a@b.test"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "password"


def test_a_bearer_token_identifies_the_caller(client: Client, client_user: User) -> None:
    token = client.post(
        "/api/v1/auth/token",
        {"email": "ada@example.test", "password": "a long passphrase"},
        content_type="application/json",
    ).json()["token"]
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {
        "email": "ada@example.test",
        "full_name": "",
        "role": "client",
        "clinic_ids": [],
    }


def test_a_missing_or_unknown_token_is_401(client: Client, client_user: User) -> None:
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer np_nonsense")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_deactivated_users_token_stops_working(client: Client, client_user: User) -> None:
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=client_user, digest=ApiToken.digest_of(raw))
    client_user.is_active = False
    client_user.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
