"""Writes about accounts: issuing API tokens."""

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest

from needlepoint.errors import ApiError

from .models import ApiToken, User


@transaction.atomic
def issue_api_token(*, request: HttpRequest | None, email: str, password: str) -> str:
    """Checks the password and returns a new raw bearer token (shown once, stored as a digest)."""
    user = authenticate(request, username=email.strip().lower(), password=password)
    if not isinstance(user, User):
        raise ApiError(401, "invalid_credentials", "That email and password do not match.")
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw))
    return raw
