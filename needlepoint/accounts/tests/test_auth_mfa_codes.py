"""The pure TOTP and recovery-code helpers, without a database."""

import base64

import pyotp
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.accounts import mfa

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_it_accepts_the_current_code_and_one_step_either_side() -> None:
    now = 1_700_000_000.0
    step = mfa.step_at(now)
    for offset in (-1, 0, 1):
        code = pyotp.TOTP(SECRET).at(now + offset * 30)
        assert mfa.matching_step(SECRET, code, at=now, last_used_step=None) == step + offset


def test_it_refuses_a_code_two_steps_away() -> None:
    now = 1_700_000_000.0
    code = pyotp.TOTP(SECRET).at(now - 60)
    assert mfa.matching_step(SECRET, code, at=now, last_used_step=None) is None


def test_it_never_accepts_a_step_at_or_before_the_last_used_one() -> None:
    now = 1_700_000_000.0
    code = pyotp.TOTP(SECRET).at(now)
    step = mfa.step_at(now)
    assert mfa.matching_step(SECRET, code, at=now, last_used_step=step) is None
    assert mfa.matching_step(SECRET, code, at=now, last_used_step=step - 1) == step


def test_it_agrees_with_rfc_6238_test_vectors() -> None:
    # RFC 6238 appendix B, SHA-1, secret "12345678901234567890", 8 digits there: the last 6.
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert mfa.code_at_step(secret, mfa.step_at(59)) == "287082"
    assert mfa.code_at_step(secret, mfa.step_at(1111111109)) == "081804"


def test_recovery_codes_are_distinct_and_digested_without_dash_or_case() -> None:
    codes = mfa.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    code = codes[0]
    assert mfa.recovery_digest(code) == mfa.recovery_digest(code.replace("-", "").upper())
    assert not mfa.looks_like_totp(code)


def test_the_qr_code_is_inline_svg_of_an_otpauth_uri() -> None:
    uri = mfa.provisioning_uri(SECRET, "pat@example.test")
    assert uri.startswith("otpauth://totp/Needlepoint:pat%40example.test?secret=")
    assert mfa.qr_svg(uri).startswith("<svg")


@given(st.text(max_size=12))
def test_anything_typed_either_matches_a_step_or_is_refused(typed: str) -> None:
    result = mfa.matching_step(SECRET, typed, at=1_700_000_000.0, last_used_step=None)
    assert result is None or mfa.looks_like_totp(typed)
