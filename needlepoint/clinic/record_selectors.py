"""Named reads of the clinical record, each behind an access function: a consent (the client
or their clinic's staff), a signing page (the client of the appointment, or its clinic's staff
on their own device), a session (the chart's access), a clinic's inventory (its managers)."""

from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import Role, User
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.directory.models import Clinic
from needlepoint.scheduling.models import Appointment
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.models import ScreeningRecord

from .models import (
    Amendment,
    CartridgeLot,
    ConsentForm,
    Device,
    SessionArea,
    SignedConsent,
    TreatmentSession,
)
from .selectors import Chart, chart_for

# --- Consent ---------------------------------------------------------------------------------


def current_form(clinic_id: int, kind: str) -> ConsentForm:
    """The clinic's newest own version of a kind, else the newest shipped default."""
    own = ConsentForm.objects.filter(clinic_id=clinic_id, kind=kind).order_by("-version").first()
    if own is not None:
        return own
    shipped = ConsentForm.objects.filter(clinic=None, kind=kind).order_by("-version").first()
    if shipped is None:
        raise Http404("No consent form of that kind.")
    return shipped


def same_answers(signed_on: ScreeningRecord | None, latest: ScreeningRecord | None) -> bool:
    if signed_on is None or latest is None:
        return signed_on is None and latest is None
    return signed_on.pk == latest.pk or signed_on.answers == latest.answers


@dataclass(frozen=True)
class ConsentStatus:
    kind: str
    form: ConsentForm  # the clinic's current version of this kind
    signed: SignedConsent | None  # the newest signature of that version
    current: bool
    why_not: str  # for the person, when not current


def consent_status(client_id: int, clinic_id: int, kind: str) -> ConsentStatus:
    form = current_form(clinic_id, kind)
    signed = (
        SignedConsent.objects.filter(client_id=client_id, clinic_id=clinic_id, form=form)
        .select_related("screening", "form")
        .first()
    )
    if signed is None:
        older = SignedConsent.objects.filter(
            client_id=client_id, clinic_id=clinic_id, form__kind=kind
        ).exists()
        why = (
            f"The clinic has a new version ({form.version}) of this form: please sign it."
            if older
            else "Not signed yet."
        )
        return ConsentStatus(kind, form, None, False, why)
    latest = screening_selectors.latest_screening(client_id)
    if not same_answers(signed.screening, latest):
        why = "The health answers changed since signing: please read and sign again."
        return ConsentStatus(kind, form, signed, False, why)
    return ConsentStatus(kind, form, signed, True, "")


def current_consent(client_id: int, clinic_id: int, kind: str) -> SignedConsent | None:
    status = consent_status(client_id, clinic_id, kind)
    return status.signed if status.current else None


@dataclass(frozen=True)
class Signing:
    """Who signs for which clinic, reached from an appointment."""

    appointment: Appointment
    client: User
    clinic_id: int
    witness: User | None  # the clinic member whose device is used; None when the client signs


def signing_for(user: User, appointment_id: int) -> Signing:
    appointment = (
        Appointment.objects.select_related("client", "practitioner__clinic", "location")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not user.is_authenticated:
        raise Http404("No such appointment.")
    clinic_id = appointment.practitioner.clinic_id
    client_id = appointment.client_id
    if client_id != user.pk and clinic_id not in chart_for(user, client_id).clinic_ids:
        raise Http404("No such appointment.")  # chart_for: 404 for anyone not on the chart
    audit.record(
        audit.READ,
        "appointment",
        appointment.pk,
        client_id=client_id,
        clinic_id=clinic_id,
        user=user,
    )
    witness = None if client_id == user.pk else user
    return Signing(appointment, appointment.client, clinic_id, witness)


class ClientRecord(Protocol):
    pk: int
    client_id: int
    clinic_id: int


R = TypeVar("R", bound=ClientRecord)


def own_or_chart_record(user: User, kind: str, record: R | None) -> R:
    """The one rule for a record both sides see: the client it belongs to, or staff who may
    read the client's chart at the record's clinic; 404 for everyone else. The read is
    audited."""
    if record is None or not user.is_authenticated:
        raise Http404(f"No such {kind}.")
    if (
        record.client_id != user.pk
        and record.clinic_id not in chart_for(user, record.client_id).clinic_ids
    ):
        raise Http404(f"No such {kind}.")
    audit.record(
        audit.READ,
        kind,
        record.pk,
        client_id=record.client_id,
        clinic_id=record.clinic_id,
        user=user,
    )
    return record


def consent_for(user: User, consent_id: int) -> SignedConsent:
    consent = (
        SignedConsent.objects.select_related("client", "clinic", "form", "witnessed_by")
        .filter(pk=consent_id)
        .first()
    )
    return own_or_chart_record(user, "consent", consent)


def form_versions(clinic_id: int) -> dict[str, list[ConsentForm]]:
    """Per kind, the clinic's own versions and the shipped ones, newest first; the first is
    current."""
    rows = ConsentForm.objects.filter(Q(clinic_id=clinic_id) | Q(clinic=None)).order_by(
        "kind", F("clinic_id").desc(nulls_last=True), "-version"
    )
    versions: dict[str, list[ConsentForm]] = {kind: [] for kind in ConsentForm.Kind.values}
    for form in rows:
        versions[form.kind].append(form)
    return versions


@dataclass(frozen=True)
class ClinicConsents:
    clinic: Clinic
    appointment: Appointment  # the one to sign through: the next coming, else the latest
    statuses: list[ConsentStatus]


def my_consents(client: User) -> list[ClinicConsents]:
    appointments = (
        Appointment.objects.filter(client=client)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("practitioner__clinic")
        .order_by("start")
    )
    now = timezone.now()
    chosen: dict[int, Appointment] = {}
    for appointment in appointments:
        clinic_id = appointment.practitioner.clinic_id
        kept = chosen.get(clinic_id)
        if kept is None or kept.start < now:
            chosen[clinic_id] = appointment
    return [
        ClinicConsents(
            appointment.practitioner.clinic,
            appointment,
            [consent_status(client.pk, clinic_id, kind) for kind in ConsentForm.Kind.values],
        )
        for clinic_id, appointment in chosen.items()
    ]


def appointment_to_sign_for(user: User, client_id: int) -> int:
    """The client's appointment at one of the viewer's chart clinics to sign through."""
    chart = chart_for(user, client_id)
    for appointment in sorted(chart.appointments, key=lambda a: a.start):
        if appointment.is_active:
            return appointment.pk
    if not chart.appointments:
        raise Http404("No appointment to sign for.")
    return chart.appointments[0].pk


# --- Sessions --------------------------------------------------------------------------------


def session_for(user: User, session_id: int) -> tuple[Chart, TreatmentSession]:
    """One session of a client whose chart `user` may read, at one of the viewer's clinics."""
    session = (
        TreatmentSession.objects.select_related(
            "client",
            "clinic",
            "practitioner",
            "device",
            "cartridge_lot",
            "consent__form",
            "appointment__location",
        )
        .prefetch_related(
            Prefetch("areas", queryset=SessionArea.objects.order_by("pk")),
            Prefetch("amendments", queryset=Amendment.objects.select_related("author")),
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    chart = chart_for(user, session.client_id)
    if session.clinic_id not in chart.clinic_ids:
        raise Http404("No such session.")
    audit.record(
        audit.READ,
        "session",
        session.pk,
        client_id=session.client_id,
        clinic_id=session.clinic_id,
        user=user,
    )
    return chart, session


def effective(session: TreatmentSession) -> dict[str, Any]:
    """The session as it reads now: the signed original with each amendment applied in turn."""
    now: dict[str, Any] = {
        "immediate_reactions": session.immediate_reactions,
        "aftercare_given": session.aftercare_given,
        "notes": session.notes,
        "endpoint_reached": session.endpoint_reached,
        "anaesthetic_product": session.anaesthetic_product,
        "areas": {
            a.area: {"depth_mm": str(a.depth_mm), "passes": a.passes} for a in session.areas.all()
        },
    }
    for amendment in session.amendments.all():
        for change in amendment.changes:
            name = change["field"]
            if name.startswith("area:"):
                now["areas"][name.removeprefix("area:")] = change["after"]
            else:
                now[name] = change["after"]
    return now


def practitioner_clinics(user: User, chart: Chart) -> list[int]:
    """The chart's clinics where `user` may chart (a practitioner there)."""
    mine = set(member_clinic_ids(user, roles=(Role.PRACTITIONER,)))
    return sorted(mine & chart.clinic_ids)


@dataclass(frozen=True)
class Record:
    """What the chart shows of the clinical record at the viewer's clinics."""

    consents: list[ConsentStatus]
    signatures: list[SignedConsent]
    sessions: list[TreatmentSession]
    may_chart: bool
    upcoming: list[Appointment] = field(default_factory=list)


def record_for(user: User, chart: Chart) -> Record:
    clinics = sorted(chart.clinic_ids)
    consents = [
        consent_status(chart.client.pk, clinic_id, kind)
        for clinic_id in clinics
        for kind in ConsentForm.Kind.values
    ]
    signatures = list(
        SignedConsent.objects.filter(client=chart.client, clinic_id__in=clinics).select_related(
            "form", "clinic"
        )
    )
    sessions = list(
        TreatmentSession.objects.filter(client=chart.client, clinic_id__in=clinics)
        .select_related("practitioner", "cartridge_lot", "device")
        .prefetch_related("areas", "amendments")
    )
    return Record(
        consents=consents,
        signatures=signatures,
        sessions=sessions,
        may_chart=bool(practitioner_clinics(user, chart)),
        upcoming=[a for a in chart.appointments if a.is_active],
    )


# --- Inventory and recalls -------------------------------------------------------------------


def member_clinic(user: User, clinic_id: int, roles: tuple[str, ...]) -> Clinic:
    """A clinic where `user` holds one of `roles`; 404 for everyone else."""
    if not user.is_authenticated or user.role not in roles:
        raise Http404("No such clinic.")
    if clinic_id not in set(member_clinic_ids(user, roles=roles)):
        raise Http404("No such clinic.")
    clinic = Clinic.objects.filter(pk=clinic_id).first()
    if clinic is None:
        raise Http404("No such clinic.")
    return clinic


def managed_clinic(user: User, clinic_id: int) -> Clinic:
    """A clinic `user` manages; 404 for everyone else."""
    return member_clinic(user, clinic_id, (Role.MANAGER,))


def inventory(clinic_id: int) -> tuple[list[Device], list[CartridgeLot]]:
    devices = list(Device.objects.filter(clinic_id=clinic_id))
    lots = list(CartridgeLot.objects.filter(clinic_id=clinic_id).with_used())
    return devices, lots


def usable_lots(clinic_id: int) -> list[CartridgeLot]:
    return [
        lot
        for lot in CartridgeLot.objects.filter(
            clinic_id=clinic_id, recalled_at=None, expires_on__gte=timezone.localdate()
        ).with_used()
        if lot.stock() > 0
    ]


@dataclass(frozen=True)
class RecallRow:
    session_id: int
    client_id: int
    client_name: str
    client_email: str
    client_phone: str
    performed_at: Any
    practitioner: str
    signed: bool


def sessions_using_lot(lot_id: int) -> list[RecallRow]:
    """Every session that recorded the lot, signed or not, oldest first: one query."""
    rows = (
        TreatmentSession.objects.filter(cartridge_lot_id=lot_id)
        .order_by("performed_at", "pk")
        .values_list(
            "pk",
            "client_id",
            "client__full_name",
            "client__email",
            "client__phone",
            "performed_at",
            "practitioner__full_name",
            "practitioner__email",
            "signed_at",
        )
    )
    return [
        RecallRow(pk, cid, name or email, email, phone, when, pname or pemail, signed is not None)
        for pk, cid, name, email, phone, when, pname, pemail, signed in rows
    ]


def lot_of(clinic_id: int, lot_id: int) -> CartridgeLot:
    lot = CartridgeLot.objects.filter(pk=lot_id, clinic_id=clinic_id).with_used().first()
    if lot is None:
        raise Http404("No such lot.")
    # The lot's page, CSV and API list every client it touched: a read of health data.
    audit.record(audit.READ, "lot_sessions", lot.pk, client_id=None, clinic_id=clinic_id)
    return lot
