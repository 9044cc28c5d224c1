"""Writes about accounts: issuing API tokens, registering clients, verifying their email."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from needlepoint.errors import ApiError

from . import auth_services
from .auth_services import SignInRefused
from .models import ApiToken, Role, User

VERIFY_SALT = "needlepoint.accounts.verify-email"
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600


def issue_api_token(
    *, request: HttpRequest | None, email: str, password: str, otp: str | None = None
) -> str:
    """Checks the password, and the second factor of an account that has one, and returns a new
    raw bearer token (shown once, stored as a digest). 429 while locked or throttled; 403 for a
    clinic role that has not enrolled an authenticator on the web yet."""
    try:
        user = auth_services.check_password(request=request, email=email, password=password)
    except SignInRefused as refusal:
        raise _api_error(refusal, "password") from None
    if auth_services.confirmed_device(user) is not None:
        if not otp:
            raise ApiError(
                401,
                "otp_required",
                "This account uses two-factor authentication: send `otp`, a current code "
                "from the authenticator app or a recovery code.",
                "otp",
            )
        try:
            auth_services.check_second_factor(request=request, user=user, code=otp)
        except SignInRefused as refusal:
            raise _api_error(refusal, "otp") from None
    elif auth_services.mfa_required(user):
        raise ApiError(
            403,
            "mfa_enrolment_required",
            "Your role needs two-factor authentication: sign in on the website once to set up "
            "an authenticator app, then ask for a token with `otp`.",
            "otp",
        )
    return _new_token(user)


def check_password_only(*, request: HttpRequest | None, email: str, password: str) -> User:
    """The user for a flow that signs in with the password alone (keeping a screening result):
    locked and throttled like the login page, and refused (403) for any account that must give
    a second factor, which signs in on the login page instead."""
    try:
        user = auth_services.check_password(request=request, email=email, password=password)
    except SignInRefused as refusal:
        raise _api_error(refusal, "password") from None
    if auth_services.mfa_required(user) or auth_services.confirmed_device(user) is not None:
        raise ApiError(
            403,
            "second_factor_needed",
            "This account signs in with a second factor: sign in first, then come back.",
            "email",
        )
    return user


def _api_error(refusal: SignInRefused, field: str) -> ApiError:
    if refusal.reason in {"locked", "throttled"}:
        return ApiError(429, "too_many_attempts", refusal.message, None)
    if refusal.reason == "bad_code":
        return ApiError(401, "invalid_otp", refusal.message, field)
    return ApiError(401, "invalid_credentials", refusal.message)


@transaction.atomic
def _new_token(user: User) -> str:
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
    return raw


def register_client(*, email: str, password: str, full_name: str) -> User:
    """A new client account, sent an email-verification link once the transaction commits.
    422 naming the field for an unusable or taken email, or a password the validators refuse
    (their reasons, joined, are the message)."""
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApiError(422, "invalid_email", "Enter a valid email address.", "email") from None
    user = User(email=email, full_name=full_name.strip()[:200], role=Role.CLIENT)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ApiError(422, "weak_password", " ".join(error.messages), "password") from None
    user.set_password(password)
    taken = ApiError(
        422, "email_taken", "There is already an account with this email: sign in instead.", "email"
    )
    if User.objects.filter(email=email).exists():
        raise taken
    try:
        with transaction.atomic():  # the unique index decides a race the check above lost
            user.save()
    except IntegrityError:
        raise taken from None
    transaction.on_commit(lambda: send_verification_email(user=user))
    return user


def verification_token(user: User) -> str:
    """A signed token naming the user and the address it was sent to: a later change of email
    invalidates it, and it expires after VERIFY_MAX_AGE_SECONDS."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT, compress=True)


def send_verification_email(*, user: User) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:verify-email", args=[verification_token(user)]
    )
    context = {"user": user, "link": link, "days": VERIFY_MAX_AGE_SECONDS // (24 * 3600)}
    send_mail(
        "Confirm your email address for Needlepoint",
        render_to_string("accounts/email/verify_email.txt", context),
        None,
        [user.email],
    )


def resend_verification_email(*, user: User) -> bool:
    """Sends a fresh link, at most one a minute per account; False when one just went."""
    if not cache.add(f"verify-email:sent:{user.pk}", True, 60):
        return False
    send_verification_email(user=user)
    return True


class VerificationFailed(Exception):
    """The link has expired ("expired") or is not one of ours ("invalid")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_email(*, token: str) -> User:
    """Marks the address in a verification link as verified (again is harmless)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise VerificationFailed("expired") from None
    except signing.BadSignature:
        raise VerificationFailed("invalid") from None
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        raise VerificationFailed("invalid")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user
