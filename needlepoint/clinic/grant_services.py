"""Writes of chart grants: a clinic manager lets one platform staff member read one client's
chart at that clinic for a reason and a few days, or revokes it; both go on the audit trail."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import ChartGrant, Role, User
from needlepoint.errors import ApiError
from needlepoint.scheduling.models import Appointment

from .record_selectors import managed_clinic

MAX_DAYS = 7
MIN_REASON = 20  # characters: a reason someone else can follow, such as a support ticket


def grant_chart_access(
    *, by: User, clinic_id: int, staff_email: str, client_email: str, reason: str, days: object
) -> ChartGrant:
    """Read-only access for `staff_email` to the chart of `client_email` (who has booked with
    the clinic) at the clinic `by` manages, for 1 to MAX_DAYS days."""
    managed_clinic(by, clinic_id)  # 404 for anyone but its managers
    staff = User.objects.filter(
        email__iexact=staff_email.strip(), role=Role.STAFF, is_active=True
    ).first()
    if staff is None:
        raise ApiError(422, "unknown_staff", "No platform staff member with that email.", "staff")
    client = User.objects.filter(email__iexact=client_email.strip(), role=Role.CLIENT).first()
    booked = (
        client is not None
        and Appointment.objects.filter(client=client, practitioner__clinic_id=clinic_id).exists()
    )
    if client is None or not booked:
        raise ApiError(422, "unknown_client", "No client of this clinic with that email.", "client")
    reason = " ".join(reason.split())
    if not MIN_REASON <= len(reason) <= 2000:
        raise ApiError(
            422,
            "invalid",
            f"Say why in {MIN_REASON} to 2000 characters (a ticket number and the question).",
            "reason",
        )
    try:
        length = int(str(days).strip())
    except ValueError:
        length = 0
    if not 1 <= length <= MAX_DAYS:
        raise ApiError(422, "invalid", f"Between 1 and {MAX_DAYS} days.", "days")
    now = timezone.now()
    with transaction.atomic():
        grant = ChartGrant.objects.create(
            clinic_id=clinic_id,
            staff=staff,
            client=client,
            granted_by=by,
            reason=reason,
            created_at=now,
            expires_at=now + dt.timedelta(days=length),
        )
        audit.record(
            audit.GRANT, "chart_grant", grant.pk, client_id=client.pk, clinic_id=clinic_id, user=by
        )
    return grant


def revoke_chart_access(*, by: User, clinic_id: int, grant_id: int) -> ChartGrant:
    """Ends a grant now; 409 when it has ended already."""
    managed_clinic(by, clinic_id)
    with transaction.atomic():
        grant = (
            ChartGrant.objects.select_for_update().filter(pk=grant_id, clinic_id=clinic_id).first()
        )
        if grant is None:
            raise ApiError(404, "not_found", "No such grant.")
        now = timezone.now()
        if grant.revoked_at is not None or grant.expires_at <= now:
            raise ApiError(409, "ended", "This grant has ended already.")
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        audit.record(
            audit.GRANT,
            "chart_grant_revocation",
            grant.pk,
            client_id=grant.client_id,
            clinic_id=clinic_id,
            user=by,
        )
    return grant
