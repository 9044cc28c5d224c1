"""Signing in safely: password attempts with per-account lockout and per-address throttling,
the second factor (TOTP and recovery codes) and its enrolment."""

import datetime as dt
import hashlib
import math
import time
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from . import mfa
from .models import RecoveryCode, Role, TOTPDevice, User

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
# A clinic's front desk shares one address: many people, each with their own few mistakes.
MAX_FAILURES_PER_ADDRESS = 30
ADDRESS_WINDOW_SECONDS = 15 * 60
# Clinic roles and staff read health data: their session ends after a working day's idleness
# rather than the two weeks a client gets (settings.SESSION_COOKIE_AGE).
CLINIC_SESSION_SECONDS = 12 * 3600
MFA_REQUIRED_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.STAFF})


@dataclass(frozen=True)
class SignInRefused(Exception):
    """Why a password (or a code) was not accepted. `minutes` is set when the person must wait;
    the reason never says whether the email has an account."""

    reason: str  # "mismatch" | "locked" | "throttled" | "bad_code"
    minutes: int = 0

    @property
    def message(self) -> str:
        if self.reason in {"locked", "throttled"}:
            unit = "minute" if self.minutes == 1 else "minutes"
            return f"Too many attempts. Try again in {self.minutes} {unit}."
        if self.reason == "bad_code":
            return "That code is not right, or has been used already. Try the next one."
        return "That email and password do not match."


def mfa_required(user: User) -> bool:
    """Every role that reads health data must sign in with a second factor."""
    return user.role in MFA_REQUIRED_ROLES


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def client_address(request: HttpRequest | None) -> str:
    # REMOTE_ADDR only: behind a proxy it is the proxy's, and the lead must decide which
    # forwarded header to trust before this reads one.
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _minutes_until(moment: float) -> int:
    return max(1, math.ceil((moment - time.time()) / 60))


def _address_key(address: str) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"signin:address:{digest}"


def _email_key(email: str) -> str:
    # Hashed: an address is personal data, and any text may arrive in the field.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"signin:email:{digest}"


def _count(key: str, window_seconds: int) -> int:
    """Counts one more failure in a fixed window that starts at the first one."""
    cache.add(f"{key}:until", time.time() + window_seconds, window_seconds)
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1


def _refusal_for_address(address: str) -> SignInRefused | None:
    if (cache.get(_address_key(address)) or 0) < MAX_FAILURES_PER_ADDRESS:
        return None
    until = cache.get(f"{_address_key(address)}:until") or time.time() + ADDRESS_WINDOW_SECONDS
    return SignInRefused("throttled", _minutes_until(until))


def _refusal_for_email(email: str, user: User | None) -> SignInRefused | None:
    if user is not None:
        if user.locked_until is not None and user.locked_until > timezone.now():
            return SignInRefused("locked", _minutes_until(user.locked_until.timestamp()))
        return None
    # An email with no account locks the same way, so that locking reveals nothing.
    until = cache.get(f"{_email_key(email)}:locked")
    return SignInRefused("locked", _minutes_until(until)) if until else None


def record_failure(*, user: User | None, email: str, address: str) -> SignInRefused:
    """Counts a wrong password or code against the account (or the unknown email) and the
    address; returns the refusal to show, "locked" when this failure used up the allowance."""
    _count(_address_key(address), ADDRESS_WINDOW_SECONDS)
    if user is None:
        failures = _count(_email_key(email), int(LOCKOUT.total_seconds()))
        if failures >= MAX_FAILURES:
            until = time.time() + LOCKOUT.total_seconds()
            cache.set(f"{_email_key(email)}:locked", until, int(LOCKOUT.total_seconds()))
            cache.delete(_email_key(email))
            return SignInRefused("locked", _minutes_until(until))
        return SignInRefused("mismatch")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = timezone.now() + LOCKOUT
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            return SignInRefused("locked", _minutes_until(user.locked_until.timestamp()))
    return SignInRefused("mismatch")


def record_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def check_password(*, request: HttpRequest | None, email: str, password: str) -> User:
    """The active user whose email and password these are, or SignInRefused. A locked account
    or a throttled address is refused before the password is even checked."""
    email = email.strip().lower()
    address = client_address(request)
    refusal = _refusal_for_address(address)
    if refusal is not None:
        raise refusal
    known = User.objects.filter(email=email).first()
    refusal = _refusal_for_email(email, known)
    if refusal is not None:
        raise refusal
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        raise record_failure(user=known, email=email, address=address)
    record_success(user)
    return user


def check_second_factor(*, request: HttpRequest | None, user: User, code: str) -> str:
    """Accepts a current authenticator code (never the same time step twice) or an unused
    recovery code, which is then spent. Returns "totp" or "recovery"; a wrong code counts
    towards the lockout like a wrong password."""
    address = client_address(request)
    refusal = _refusal_for_address(address) or _refusal_for_email(user.email, user)
    if refusal is not None:
        raise refusal
    device = confirmed_device(user)
    if device is not None and mfa.looks_like_totp(code):
        step = mfa.matching_step(
            device.secret, code, at=time.time(), last_used_step=device.last_used_step
        )
        # The conditional update decides between two requests racing with the same code.
        if step is not None and (
            TOTPDevice.objects.filter(pk=device.pk)
            .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
            .update(last_used_step=step)
        ):
            record_success(user)
            return "totp"
    elif code.strip():
        spent = RecoveryCode.objects.filter(
            user=user, digest=mfa.recovery_digest(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            record_success(user)
            return "recovery"
    failure = record_failure(user=user, email=user.email, address=address)
    raise failure if failure.reason == "locked" else SignInRefused("bad_code")


@transaction.atomic
def replace_recovery_codes(*, user: User) -> list[str]:
    """Ten new recovery codes, returned once; every earlier one stops working."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = mfa.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=mfa.recovery_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def confirm_device(*, user: User, secret: str, code: str) -> list[str]:
    """Enrols the authenticator holding `secret` once `code` proves it, and returns the first
    recovery codes. Refused (SignInRefused "bad_code") when the code does not match or the user
    already has a confirmed device (remove_device first, or staff reset it in the admin)."""
    if confirmed_device(user) is not None:
        raise SignInRefused("bad_code")
    step = mfa.matching_step(secret, code, at=time.time(), last_used_step=None)
    if step is None:
        raise SignInRefused("bad_code")
    TOTPDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": step},
    )
    return replace_recovery_codes(user=user)


@transaction.atomic
def remove_device(*, request: HttpRequest | None, user: User, code: str) -> None:
    """Removes the authenticator and its recovery codes once a current code (or a recovery
    code) proves the user holds it. A clinic role then has to enrol a new one before anything
    else (moving to a new phone); a client has turned the second factor off."""
    check_second_factor(request=request, user=user, code=code)
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def session_seconds(user: User) -> int | None:
    """How long this user's session lasts idle; None keeps the site default (clients)."""
    return CLINIC_SESSION_SECONDS if user.role != Role.CLIENT else None
