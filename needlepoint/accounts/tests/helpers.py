"""Test helpers other apps share: an authenticator for a user, its next unused code, and
signing in through the real login form (password, then the code) in a browser."""

import time
from typing import Any

from django.utils import timezone

from needlepoint.accounts import auth_services, mfa
from needlepoint.accounts.models import TOTPDevice, User


def give_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator for `user` (the one they have, if any)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": mfa.new_secret(), "confirmed_at": timezone.now()}
    )
    return device


def next_code(device: TOTPDevice) -> str:
    """A code the server will accept now: the current step's, or the next one's when the
    current step was used already (the server allows one step of drift)."""
    device.refresh_from_db()
    while True:
        step = mfa.step_at(time.time())
        last = device.last_used_step
        if last is None or last < step:
            return mfa.code_at_step(device.secret, step)
        if last == step:
            return mfa.code_at_step(device.secret, step + 1)
        time.sleep(1)  # both steps spent: wait for the clock to move on


def sign_in_in_browser(page: Any, base_url: str, email: str, password: str, next_path: str) -> None:
    """Signs in through the login form; a role that needs a second factor is given an
    authenticator and types its current code on the second step."""
    user = User.objects.get(email=email)
    device = give_authenticator(user) if auth_services.mfa_required(user) else None
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if device is not None:
        page.fill("#id_code", next_code(device))
        with page.expect_navigation():
            page.click("main button[type=submit]")
