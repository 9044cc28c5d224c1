"""Sign-up of a client with email verification: the link (valid, expired, tampered), and
sending a new one."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from freezegun import freeze_time

from needlepoint.accounts import services
from needlepoint.accounts.models import Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "velvet lantern orbit"


def sign_up(client: Client, email: str = "ada@example.test") -> User:
    response = client.post(
        "/accounts/signup/",
        {"email": email, "full_name": "Ada Lovelace", "password": PASSWORD, "next": "/search/"},
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/search/"
    return User.objects.get(email=email)


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+/accounts/verify/(\S+)/", str(message.body))
    assert found, message.body
    return f"/accounts/verify/{found.group(1)}/"


def test_sign_up_creates_a_signed_in_unverified_client_and_mails_a_link(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(client)
    assert user.role == Role.CLIENT
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)
    assert client.get("/accounts/security/").status_code == 200  # signed in
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.test"]


def test_the_link_verifies_the_address(client: Client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(client)
    response = Client().get(link_in(mail.outbox[0]))
    assert response.status_code == 200
    assert "is confirmed" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_an_expired_link_is_refused(client: Client) -> None:
    user = User.objects.create_user("old@example.test", PASSWORD)
    with freeze_time("2030-01-01 12:00"):
        token = services.verification_token(user)
    with freeze_time("2030-01-05 12:00"):
        response = client.get(f"/accounts/verify/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_tampered_link_is_refused(client: Client) -> None:
    user = User.objects.create_user("ada@example.test", PASSWORD)
    other = User.objects.create_user("eve@example.test", PASSWORD)
    token = services.verification_token(user)
    forged = signing.dumps({"user": other.pk, "email": other.email}, salt="wrong salt")
    for bad in (token[:-2] + "xx", forged):
        response = client.get(f"/accounts/verify/{bad}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not User.objects.filter(email_verified_at__isnull=False).exists()


def test_a_link_to_an_old_address_stops_working_when_the_email_changes(client: Client) -> None:
    user = User.objects.create_user("ada@example.test", PASSWORD)
    token = services.verification_token(user)
    user.email = "ada@elsewhere.test"
    user.save()
    assert client.get(f"/accounts/verify/{token}/").status_code == 400


def test_an_unverified_client_signing_in_is_reminded_and_can_resend(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD)
    response = client.post(
        "/accounts/login/", {"username": "ada@example.test", "password": PASSWORD}, follow=True
    )
    assert "Please confirm your email address" in response.content.decode()
    assert client.post("/accounts/verify/resend/").status_code == 302
    assert client.post("/accounts/verify/resend/").status_code == 302  # within a minute
    assert len(mail.outbox) == 1
    assert link_in(mail.outbox[0]).startswith("/accounts/verify/")


def test_a_taken_email_is_refused_on_its_field(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD)
    response = client.post(
        "/accounts/signup/",
        {"email": "ADA@example.test", "full_name": "Someone", "password": PASSWORD},
    )
    assert response.status_code == 422
    assert "already an account" in response.content.decode()
