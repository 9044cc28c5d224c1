"""Named reads of the audit trail (a clinic's events, who looked at a chart) and of grants."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent, ChartGrant, Role, User
from .selectors import member_clinic_ids

CHART_AUDIT_LENGTH = 20


def granted_clinic_ids(user: User, client_id: int) -> set[int]:
    """The clinics whose active grant lets platform staff member `user` read the client's chart."""
    if not user.is_authenticated or not user.is_active or user.role != Role.STAFF:
        return set()
    return set(
        ChartGrant.objects.filter(
            staff_id=user.pk,
            client_id=client_id,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("clinic_id", flat=True)
    )


def clinic_grants(clinic_id: int) -> QuerySet[ChartGrant]:
    return ChartGrant.objects.filter(clinic_id=clinic_id).select_related(
        "staff", "client", "granted_by"
    )


@dataclass(frozen=True)
class TrailFilter:
    client: str = ""  # an email, or part of one; or a client's id
    user: str = ""  # the same, for whoever acted
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    action: str = ""


def _who(events: QuerySet[AuditEvent], field: str, text: str) -> QuerySet[AuditEvent]:
    text = text.strip()
    if not text:
        return events
    if text.isdigit():
        return events.filter(**{f"{field}_id": int(text)})
    return events.filter(**{f"{field}__email__icontains": text})


def clinic_trail(clinic_id: int, wanted: TrailFilter) -> QuerySet[AuditEvent]:
    """A clinic's events, newest first, narrowed by `wanted`. Dates are in the server's zone."""
    events = AuditEvent.objects.filter(clinic_id=clinic_id).select_related("client")
    events = _who(events, "client", wanted.client)
    if wanted.user.strip():
        text = wanted.user.strip()
        events = (
            events.filter(user_id=int(text))
            if text.isdigit()
            else events.filter(actor__icontains=text)
        )
    if wanted.since is not None:
        events = events.filter(at__gte=_start_of(wanted.since))
    if wanted.until is not None:
        events = events.filter(at__lt=_start_of(wanted.until + dt.timedelta(days=1)))
    if wanted.action in AuditEvent.Action.values:
        events = events.filter(action=wanted.action)
    return events


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def chart_viewers(
    user: User, client_id: int, clinic_ids: frozenset[int]
) -> list[AuditEvent] | None:
    """The latest events on a client's chart at the clinics `user` manages among `clinic_ids`;
    None for anyone who manages none of them (the chart shows no list)."""
    managed = set(member_clinic_ids(user, roles=(Role.MANAGER,))) & set(clinic_ids)
    if not managed:
        return None
    return list(
        AuditEvent.objects.filter(client_id=client_id, clinic_id__in=managed)[:CHART_AUDIT_LENGTH]
    )
