"""Writes about accounts: issuing API tokens, registering clients."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from needlepoint.errors import ApiError

from .models import ApiToken, Role, User


@transaction.atomic
def issue_api_token(*, request: HttpRequest | None, email: str, password: str) -> str:
    """Checks the password and returns a new raw bearer token (shown once, stored as a digest)."""
    user = authenticate(request, username=email.strip().lower(), password=password)
    if not isinstance(user, User):
        raise ApiError(401, "invalid_credentials", "That email and password do not match.")
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
    return raw


def register_client(*, email: str, password: str, full_name: str) -> User:
    """A new client account. 422 naming the field for an unusable or taken email, or a
    password Django's validators refuse (their reasons, joined, are the message)."""
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
    return user
