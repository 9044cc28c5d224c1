"""Reads of the client's record for FHIR, each through the access functions the pages and the
API use: the client reads their own; clinic staff read what `chart_for` lets them (practitioners
and managers of a clinic the client booked with, platform staff under a grant, in a GET only),
limited to those clinics. Everyone else gets 404. Every read is audited."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from needlepoint.accounts import audit
from needlepoint.accounts.models import Role, User
from needlepoint.clinic import record_selectors as clinic_records
from needlepoint.clinic.models import (
    Amendment,
    ConsentForm,
    Photo,
    SessionArea,
    SignedConsent,
    TreatmentSession,
)
from needlepoint.clinic.selectors import chart_for, chart_screening
from needlepoint.scheduling.models import Appointment
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.models import ScreeningRecord


@dataclass(frozen=True)
class Scope:
    """Whose record, and which of its clinics the reader may see (None: all, the client)."""

    client: User
    clinic_ids: frozenset[int] | None

    def clinic_filter(self, field: str) -> dict[str, frozenset[int]]:
        return {} if self.clinic_ids is None else {f"{field}__in": self.clinic_ids}


def record_scope(user: User, client_id: int, what: str, action: str = audit.READ) -> Scope:
    """The one access rule for a client's record as a whole (a Patient, a search, an export):
    the client themself, else `chart_for` (404 for anyone not on the chart; it audits the
    chart). The read is audited as `what`, once per clinic the reader sees it through."""
    if not user.is_authenticated:
        raise Http404("No such patient.")
    if user.pk == client_id and user.role == Role.CLIENT:
        audit.record(action, what, client_id, client_id=client_id, clinic_id=None, user=user)
        return Scope(user, None)
    chart = chart_for(user, client_id)
    for clinic_id in sorted(chart.clinic_ids):
        audit.record(action, what, client_id, client_id=client_id, clinic_id=clinic_id, user=user)
    return Scope(chart.client, chart.clinic_ids)


# --- one resource by id ----------------------------------------------------------------------


def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "practitioner", "location", "service", "course"
    ).order_by("start", "pk")


def appointment_for(user: User, appointment_id: int) -> Appointment:
    """The client's own, or one at a clinic whose chart of the client `user` may read (the
    rule `signing_for` applies); audited like it."""
    item = _appointments().filter(pk=appointment_id).first()
    if item is None or not user.is_authenticated:
        raise Http404("No such appointment.")
    clinic_id = item.practitioner.clinic_id
    if item.client_id != user.pk and clinic_id not in chart_for(user, item.client_id).clinic_ids:
        raise Http404("No such appointment.")
    audit.record(
        audit.READ, "appointment", item.pk, client_id=item.client_id, clinic_id=clinic_id, user=user
    )
    return item


def consent_for(user: User, consent_id: int) -> tuple[SignedConsent, bool]:
    """A signed consent through the clinic's own access function, and whether it is current."""
    signed = clinic_records.consent_for(user, consent_id)
    return signed, signed.pk in current_consent_ids(signed.client_id, {signed.clinic_id})


def _sessions() -> QuerySet[TreatmentSession]:
    return (
        TreatmentSession.objects.select_related(
            "clinic",
            "practitioner__practitioner",
            "device",
            "cartridge_lot",
            "appointment",
        )
        .prefetch_related(
            Prefetch("areas", queryset=SessionArea.objects.order_by("pk")),
            Prefetch("amendments", queryset=Amendment.objects.order_by("created_at", "pk")),
            "outcome_scores",
            "adverse_events",
        )
        .order_by("performed_at", "pk")
    )


def procedure_for(user: User, session_id: int) -> TreatmentSession:
    """A treatment session: its client, or staff who may read the chart at its clinic (the
    rule of consents and photos, `own_or_chart_record`), audited as a session read."""
    session = _sessions().filter(pk=session_id).first()
    return clinic_records.own_or_chart_record(user, "session", session)


def screening_for(user: User, screening_id: int) -> ScreeningRecord:
    """A screening: the client's own (screening's access function), or one on a chart `user`
    may read (the chart's); both audit it."""
    owner = (
        ScreeningRecord.objects.filter(pk=screening_id).values_list("client_id", flat=True).first()
    )
    if owner is None or not user.is_authenticated:
        raise Http404("No such screening.")
    if owner == user.pk:
        return screening_selectors.screening_for(user, screening_id)
    return chart_screening(user, owner, screening_id)[1]


# --- a patient's resources of one type, within a scope ----------------------------------------


def appointments(scope: Scope) -> list[Appointment]:
    mine = scope.clinic_filter("practitioner__clinic_id")
    return list(_appointments().filter(client=scope.client, **mine))


def consents(scope: Scope) -> list[tuple[SignedConsent, bool]]:
    rows = list(
        SignedConsent.objects.filter(client=scope.client, **scope.clinic_filter("clinic_id"))
        .select_related("form", "clinic")
        .order_by("signed_at", "pk")
    )
    current = current_consent_ids(scope.client.pk, {c.clinic_id for c in rows})
    return [(row, row.pk in current) for row in rows]


def current_consent_ids(client_id: int, clinic_ids: set[int]) -> set[int]:
    """The signatures that are each clinic's current consent of their kind."""
    found = set()
    for clinic_id in sorted(clinic_ids):
        for kind in ConsentForm.Kind.values:
            try:
                status = clinic_records.consent_status(client_id, clinic_id, kind)
            except Http404:  # no form of that kind at all
                continue
            if status.current and status.signed is not None:
                found.add(status.signed.pk)
    return found


def procedures(scope: Scope) -> list[TreatmentSession]:
    return list(_sessions().filter(client=scope.client, **scope.clinic_filter("clinic_id")))


def screenings(scope: Scope) -> list[ScreeningRecord]:
    """Every screening of the client: the chart shows them all to its readers."""
    return list(ScreeningRecord.objects.filter(client=scope.client).order_by("created_at", "pk"))


def photos(scope: Scope) -> list[Photo]:
    return list(
        Photo.objects.filter(client=scope.client, **scope.clinic_filter("clinic_id")).order_by(
            "taken_at", "pk"
        )
    )
