"""`demo_otp EMAIL` prints the current code of a demo account and refuses any other."""

import io
import time

import pytest
from django.core.management import CommandError, call_command

from needlepoint.accounts import mfa
from needlepoint.accounts.models import Role, TOTPDevice, User

pytestmark = pytest.mark.django_db


def test_it_prints_the_current_code_of_a_demo_account() -> None:
    user = User.objects.create_user("practitioner@demo.test", "x", role=Role.PRACTITIONER)
    secret = mfa.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=user.date_joined)
    out = io.StringIO()
    call_command("demo_otp", "practitioner@demo.test", stdout=out)
    code = out.getvalue().split()[0]
    assert mfa.matching_step(secret, code, at=time.time(), last_used_step=None)


def test_it_refuses_an_account_outside_the_demo() -> None:
    user = User.objects.create_user("pat@example.test", "x", role=Role.PRACTITIONER)
    TOTPDevice.objects.create(user=user, secret=mfa.new_secret(), confirmed_at=user.date_joined)
    with pytest.raises(CommandError, match="Only demo accounts"):
        call_command("demo_otp", "pat@example.test")
