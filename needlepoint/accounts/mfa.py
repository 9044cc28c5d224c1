"""Time-based one-time passwords (RFC 6238) and recovery codes: pure helpers, no database."""

import hashlib
import io
import re
import secrets

import pyotp
import segno

ISSUER = "Needlepoint"
STEP_SECONDS = 30
DIGITS = 6
# One step either side absorbs a phone clock that is a little off and a code typed as it turns.
WINDOW = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_TOTP_SHAPE = re.compile(rf"^\d{{{DIGITS}}}$")


def new_secret() -> str:
    """A random 160-bit base32 secret, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no image file, no network)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False)
    return out.getvalue().decode()


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def step_at(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def looks_like_totp(code: str) -> bool:
    return bool(_TOTP_SHAPE.match(normalise(code)))


def normalise(code: str) -> str:
    """What the person typed, without spaces and dashes, lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def matching_step(secret: str, code: str, *, at: float, last_used_step: int | None) -> int | None:
    """The time step whose code `code` is, within the window around `at`, and later than
    `last_used_step` (a code is never accepted twice); None when it matches no such step."""
    code = normalise(code)
    if not _TOTP_SHAPE.match(code):
        return None
    now = step_at(at)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if secrets.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """`count` codes like `k7m2p-x9qra`: 50 bits each, shown once to the person."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_digest(code: str) -> str:
    """The SHA-256 digest kept instead of a recovery code (typed with or without the dash)."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()
