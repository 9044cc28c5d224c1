"""Writes to the directory: verifying credentials."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import is_platform_staff
from needlepoint.errors import ApiError

from .models import Credential


@transaction.atomic
def decide_credentials(*, credentials: Iterable[Credential], by: User, verified: bool) -> int:
    """Platform staff verify or reject credentials; the decision records who and when."""
    if not is_platform_staff(by):
        raise ApiError(403, "forbidden", "Only platform staff verify credentials.")
    ids = [credential.pk for credential in credentials]
    status = Credential.Status.VERIFIED if verified else Credential.Status.REJECTED
    return Credential.objects.filter(pk__in=ids).update(
        status=status, verified_by=by, verified_at=timezone.now()
    )
