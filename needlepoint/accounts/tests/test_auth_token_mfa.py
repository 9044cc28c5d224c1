"""POST /api/v1/auth/token with a second factor: required where the account has one, refused
for clinic roles that have not enrolled, 429 while locked."""

import pytest
from django.test import Client

from needlepoint.accounts import auth_services
from needlepoint.accounts.models import ApiToken, Role, User
from needlepoint.accounts.services import check_password_only
from needlepoint.errors import ApiError

from .helpers import give_authenticator, next_code

pytestmark = pytest.mark.django_db
PASSWORD = "velvet lantern orbit"


def ask(client: Client, email: str, password: str = PASSWORD, otp: str | None = None):  # type: ignore[no-untyped-def]
    body = {"email": email, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


@pytest.fixture
def practitioner() -> User:
    return User.objects.create_user("pat@example.test", PASSWORD, role=Role.PRACTITIONER)


def test_an_account_with_a_device_needs_otp(client: Client, practitioner: User) -> None:
    device = give_authenticator(practitioner)
    response = ask(client, practitioner.email)
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "otp_required",
        "message": response.json()["error"]["message"],
        "field": "otp",
    }
    assert not ApiToken.objects.exists()
    response = ask(client, practitioner.email, otp=next_code(device))
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=practitioner).count() == 1


def test_a_wrong_or_replayed_otp_is_refused(client: Client, practitioner: User) -> None:
    device = give_authenticator(practitioner)
    assert ask(client, practitioner.email, otp="000000").json()["error"]["code"] == "invalid_otp"
    code = next_code(device)
    assert ask(client, practitioner.email, otp=code).status_code == 200
    response = ask(client, practitioner.email, otp=code)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_otp"


def test_a_recovery_code_is_accepted_once(client: Client, practitioner: User) -> None:
    give_authenticator(practitioner)
    code = auth_services.replace_recovery_codes(user=practitioner)[0]
    assert ask(client, practitioner.email, otp=code).status_code == 200
    assert ask(client, practitioner.email, otp=code).status_code == 401


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.STAFF])
def test_a_clinic_role_without_a_device_is_told_to_enrol_on_the_web(
    client: Client, role: str
) -> None:
    user = User.objects.create_user(f"{role}@example.test", PASSWORD, role=role)
    response = ask(client, user.email, otp="123456")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_enrolment_required"
    assert "sign in on the website" in response.json()["error"]["message"]


def test_a_client_without_a_device_needs_no_otp(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    assert ask(client, "ada@example.test").status_code == 200


def test_five_failures_answer_429_with_the_error_body(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    codes = [ask(client, "ada@example.test", "wrong").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    response = ask(client, "ada@example.test")
    assert response.status_code == 429
    assert response.json() == {
        "error": {
            "code": "too_many_attempts",
            "message": "Too many attempts. Try again in 15 minutes.",
            "field": None,
        }
    }


def test_password_only_sign_in_refuses_accounts_that_owe_a_second_factor(
    practitioner: User,
) -> None:
    ada = User.objects.create_user("ada@example.test", PASSWORD, role=Role.CLIENT)
    assert check_password_only(request=None, email="ADA@example.test", password=PASSWORD) == ada
    with pytest.raises(ApiError) as refused:
        check_password_only(request=None, email=practitioner.email, password=PASSWORD)
    assert refused.value.status == 403
    give_authenticator(ada)
    with pytest.raises(ApiError):
        check_password_only(request=None, email=ada.email, password=PASSWORD)
