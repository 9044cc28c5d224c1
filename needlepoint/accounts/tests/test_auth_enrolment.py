"""Practitioners, managers and staff without an authenticator must set one up (QR code, first
code, recovery codes shown once) before they reach any page; recovery codes can be renewed."""

import re
import time

import pytest
from django.test import Client

from needlepoint.accounts import auth_services, mfa
from needlepoint.accounts.models import RecoveryCode, Role, TOTPDevice, User

from .helpers import give_authenticator, next_code

pytestmark = pytest.mark.django_db
PASSWORD = "velvet lantern orbit"


def secret_on(page: str) -> str:
    found = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page)
    assert found, page
    return found.group(1).replace(" ", "")


@pytest.mark.parametrize("role", [Role.STAFF, Role.PRACTITIONER, Role.MANAGER])
def test_a_clinic_role_without_a_device_must_enrol_before_any_page(
    client: Client, role: str
) -> None:
    user = User.objects.create_user("someone@example.test", PASSWORD, role=role)
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD, "next": "/search/"}
    )
    assert response["Location"] == "/accounts/mfa/setup/"
    assert "_auth_user_id" not in client.session
    for page in ("/accounts/security/", "/admin/", "/me/appointments/"):
        assert client.get(page).status_code == 302, page

    setup = client.get("/accounts/mfa/setup/").content.decode()
    assert "<svg" in setup
    secret = secret_on(setup)
    assert secret_on(client.get("/accounts/mfa/setup/").content.decode()) == secret  # stable

    response = client.post("/accounts/mfa/setup/", {"code": "123456"})
    assert "does not match" in response.content.decode()
    assert "_auth_user_id" not in client.session

    code = mfa.code_at_step(secret, mfa.step_at(time.time()))
    response = client.post("/accounts/mfa/setup/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    codes = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode()
    )
    assert len(codes) == 10
    assert 'href="/search/"' in response.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.secret == secret
    assert device.confirmed_at is not None
    stored = set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert stored == {mfa.recovery_digest(c) for c in codes}  # digests only
    assert client.get("/accounts/security/").status_code == 200


def test_a_client_signs_in_without_a_second_factor(client: Client) -> None:
    ada = User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    response = client.post("/accounts/login/", {"username": ada.email, "password": PASSWORD})
    assert response["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_a_signed_in_client_may_opt_in(client: Client) -> None:
    ada = User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    client.force_login(ada)
    secret = secret_on(client.get("/accounts/mfa/setup/").content.decode())
    code = mfa.code_at_step(secret, mfa.step_at(time.time()))
    response = client.post("/accounts/mfa/setup/", {"code": code})
    assert 'href="/accounts/security/"' in response.content.decode()
    assert auth_services.confirmed_device(ada) is not None
    # Once enrolled, the setup page does not let anyone swap the device.
    assert client.get("/accounts/mfa/setup/")["Location"] == "/accounts/security/"


def test_recovery_codes_are_renewed_with_a_current_code(client: Client) -> None:
    user = User.objects.create_user("pat@example.test", PASSWORD, role=Role.PRACTITIONER)
    device = give_authenticator(user)
    old = auth_services.replace_recovery_codes(user=user)
    client.force_login(user)
    response = client.post("/accounts/mfa/recovery-codes/", {"code": "000000"})
    assert response["Location"] == "/accounts/security/"
    assert RecoveryCode.objects.filter(digest=mfa.recovery_digest(old[0])).exists()
    response = client.post("/accounts/mfa/recovery-codes/", {"code": next_code(device)})
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(new) == 10
    assert not RecoveryCode.objects.filter(digest=mfa.recovery_digest(old[0])).exists()
    assert RecoveryCode.objects.filter(user=user).count() == 10


def test_force_login_in_tests_is_not_affected(client: Client) -> None:
    """The second factor is enforced by the sign-in flow, not by a middleware."""
    staff = User.objects.create_user("sam@example.test", PASSWORD, role=Role.STAFF)
    client.force_login(staff)
    assert client.get("/accounts/security/").status_code == 200


def test_a_practitioner_moving_phone_removes_the_old_authenticator_and_enrols_the_new(
    client: Client,
) -> None:
    user = User.objects.create_user("pat@example.test", PASSWORD, role=Role.PRACTITIONER)
    device = give_authenticator(user)
    auth_services.replace_recovery_codes(user=user)
    client.force_login(user)
    refused = client.post("/accounts/mfa/remove/", {"code": "000000"}, follow=True)
    assert "That code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    response = client.post("/accounts/mfa/remove/", {"code": next_code(device)})
    assert response["Location"] == "/accounts/mfa/setup/"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert "<svg" in client.get("/accounts/mfa/setup/").content.decode()  # a new secret


def test_a_client_may_turn_the_second_factor_off_with_a_recovery_code(client: Client) -> None:
    ada = User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    give_authenticator(ada)
    codes = auth_services.replace_recovery_codes(user=ada)
    client.force_login(ada)
    response = client.post("/accounts/mfa/remove/", {"code": codes[0]}, follow=True)
    assert "Two-factor authentication is off" in response.content.decode()
    assert auth_services.confirmed_device(ada) is None
