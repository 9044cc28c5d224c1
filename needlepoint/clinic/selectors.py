"""The client chart, through its one access function: clinic staff of a clinic the client has
booked with, nobody else (404)."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from needlepoint.accounts import audit
from needlepoint.accounts.audit_selectors import granted_clinic_ids
from needlepoint.accounts.models import Role, User
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.scheduling.models import Appointment
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.models import ScreeningRecord

CLINIC_ROLES = (Role.PRACTITIONER, Role.MANAGER)
MAX_ID = 2**63


@dataclass(frozen=True)
class Chart:
    client: User
    clinic_ids: frozenset[int]  # the viewer's clinics this client has booked with
    screenings: list[ScreeningRecord]  # newest first, with their overrides
    appointments: list[Appointment]  # at those clinics, newest first


def chart_clinic_ids(user: User, client_id: int) -> frozenset[int]:
    """The clinics where `user` is a practitioner or manager and the client has booked; for
    platform staff, those whose grant lets them read this chart, in a GET only (read-only)."""
    if not user.is_authenticated or user.role not in (*CLINIC_ROLES, Role.STAFF):
        return frozenset()
    if not 0 < client_id < MAX_ID:  # beyond any row, and beyond what SQLite can compare
        return frozenset()
    if user.role == Role.STAFF:
        mine = granted_clinic_ids(user, client_id) if audit.is_safe_request() else set()
    else:
        mine = set(member_clinic_ids(user, roles=CLINIC_ROLES))
    booked = Appointment.objects.filter(
        Q(client_id=client_id), Q(practitioner__clinic_id__in=mine)
    ).values_list("practitioner__clinic_id", flat=True)
    return frozenset(booked)


def chart_for(user: User, client_id: int) -> Chart:
    clinic_ids = chart_clinic_ids(user, client_id)
    client = User.objects.filter(pk=client_id, role=Role.CLIENT).first()
    if not clinic_ids or client is None:
        raise Http404("No such client.")
    for clinic_id in sorted(clinic_ids):
        audit.record(
            audit.READ, "chart", client_id, client_id=client_id, clinic_id=clinic_id, user=user
        )
    appointments = list(
        Appointment.objects.filter(client_id=client_id, practitioner__clinic_id__in=clinic_ids)
        .select_related(
            "practitioner",
            "location",
            "course",
            "screening",
            "rescreen",
            "screening_override",
            "rescreen_reviewed_by",
        )
        .order_by("-start")
    )
    return Chart(
        client=client,
        clinic_ids=clinic_ids,
        screenings=screening_selectors.screenings_with_overrides(client_id),
        appointments=appointments,
    )


def chart_screening(user: User, client_id: int, screening_id: int) -> tuple[Chart, ScreeningRecord]:
    """One screening of a client whose chart `user` may read; 404 otherwise."""
    chart = chart_for(user, client_id)
    record = next((s for s in chart.screenings if s.pk == screening_id), None)
    if record is None:
        raise Http404("No such screening.")
    for clinic_id in sorted(chart.clinic_ids):
        audit.record(
            audit.READ, "screening", record.pk, client_id=client_id, clinic_id=clinic_id, user=user
        )
    return chart, record
