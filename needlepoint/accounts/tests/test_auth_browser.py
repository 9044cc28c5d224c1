"""In a real Chromium: a practitioner signs in with the password and then a TOTP code."""

import pytest

from needlepoint.accounts.models import Role, User

from .helpers import give_authenticator, next_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "velvet lantern orbit"


def test_a_practitioner_signs_in_with_password_and_code(live_server, page) -> None:  # type: ignore[no-untyped-def]
    pat = User.objects.create_user(
        "pat@example.test", PASSWORD, role=Role.PRACTITIONER, full_name="Pat Practitioner"
    )
    device = give_authenticator(pat)
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/security/")
    page.fill("#id_username", pat.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/accounts/login/verify/")
    right = next_code(device)
    page.fill("#id_code", "000000" if right != "000000" else "111111")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "That code is not right" in page.inner_text("#code-error")
    page.fill("#id_code", next_code(device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/accounts/security/")
    assert "pat@example.test" in page.inner_text(".who")
    assert "On since" in page.inner_text("#mfa-status")
