"""Named reads about users: who someone is in which clinic, and token look-up.

These are the access functions every page and endpoint goes through to learn what a user may
reach; resources to the right of accounts build their own `<thing>_for(user, id)` on them."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken, Membership, Role, User


def member_clinic_ids(
    user: User, *, roles: tuple[str, ...] | None = None
) -> QuerySet[Membership, int]:
    """Ids of the clinics where `user` holds one of `roles` (any clinic role when None)."""
    memberships = Membership.objects.filter(user_id=user.pk, user__is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values_list("clinic_id", flat=True)


def is_platform_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.STAFF)


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None; marks the token used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
