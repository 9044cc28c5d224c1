"""Weak, common and breached passwords are refused with the reason, at sign-up and by the
validator itself."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from needlepoint.accounts.models import User
from needlepoint.accounts.passwords import BreachedPasswordValidator, variants


@pytest.mark.parametrize(
    "disguised", ["Sunshine2024!", "p@ssw0rd!!", "Dragon-1999", "monkeymonkey", "!!Football77"]
)
def test_it_refuses_breached_passwords_in_disguise(disguised: str) -> None:
    with pytest.raises(ValidationError) as refused:
        BreachedPasswordValidator().validate(disguised)
    assert refused.value.error_list[0].code == "password_breached"


@pytest.mark.parametrize(
    "fine", ["correct horse battery staple", "Tq7#vLx2!pRz", "a long passphrase"]
)
def test_it_lets_unpredictable_passwords_through(fine: str) -> None:
    BreachedPasswordValidator().validate(fine)


def test_variants_undo_the_usual_disguises() -> None:
    assert "password" in variants("P@55w0rd2023")


@pytest.mark.django_db
def test_the_settings_run_django_validators_and_ours() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password("Qwerty2024!")
    codes = {error.code for error in refused.value.error_list}
    assert "password_breached" in codes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("4815162342108", "entirely numeric"),
        ("Sunshine2024!", "breached password"),
        ("ada.lovelace.example", "too similar"),
    ],
)
def test_sign_up_refuses_a_weak_password_saying_why(
    client: Client, password: str, reason: str
) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "ada.lovelace.example@example.test", "full_name": "Ada", "password": password},
    )
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not User.objects.exists()
