"""A client's rights over their data: everything Needlepoint holds about them, as JSON; and
erasure — personal data deleted or anonymised at once, clinical records kept only as long as
the law requires (CLINICAL_RECORD_RETENTION_DAYS) and erased when that time is over."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import (
    ApiToken,
    AuditEvent,
    ChartGrant,
    ErasureRequest,
    RecoveryCode,
    TOTPDevice,
    User,
)
from needlepoint.directory.models import private_storage
from needlepoint.errors import ApiError
from needlepoint.scheduling.models import Appointment, Course, Message, WaitlistEntry
from needlepoint.screening.models import ScreeningRecord

from . import record_selectors
from .models import (
    AdverseEvent,
    Amendment,
    CheckIn,
    ClientRating,
    OutcomeScore,
    Photo,
    RecallNotice,
    SessionArea,
    SignedConsent,
    TreatmentSession,
)

# Toronto Public Health (BodySafe) asks that client records be kept 3 years (CLINICAL-FACTS
# §7); many jurisdictions ask for longer, so a deployment sets its own law's figure.
RETENTION_SOURCE = "Toronto Public Health BodySafe (3 years), or the period your clinic's law sets"


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def export_for(client: User) -> dict[str, Any]:
    """Everything about the client, as plain JSON-able data: the account, screenings,
    bookings, messages, consents, treatment sessions (as signed, with amendments), photos
    (their details and where to download them), outcomes, check-ins, adverse events, recall
    notices, erasure requests and who read their health data."""
    audit.record(audit.EXPORT, "client_data", client.pk, client_id=client.pk, clinic_id=None)
    sessions = (
        TreatmentSession.objects.filter(client=client)
        .select_related("clinic", "practitioner", "device", "cartridge_lot")
        .prefetch_related("areas", "amendments", "outcome_scores", "check_ins", "adverse_events")
        .order_by("performed_at")
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": client.email,
            "full_name": client.full_name,
            "phone": client.phone,
            "role": client.role,
            "joined": _iso(client.date_joined),
            "email_verified_at": _iso(client.email_verified_at),
        },
        "screenings": [
            {
                "id": s.pk,
                "evaluated_on": _iso(s.evaluated_on),
                "ruleset_version": s.ruleset_version,
                "answers": s.answers,
                "outcome": s.outcome,
                "result": s.result,
                "overrides": [
                    {"clinic": o.clinic.name, "reason": o.reason, "at": _iso(o.created_at)}
                    for o in s.overrides.all()
                ],
            }
            for s in ScreeningRecord.objects.filter(client=client)
            .prefetch_related("overrides__clinic")
            .order_by("pk")
        ],
        "appointments": [
            {
                "id": a.pk,
                "start": _iso(a.start),
                "end": _iso(a.end),
                "status": a.status,
                "practitioner": a.practitioner.full_name,
                "clinic": a.practitioner.clinic.name,
                "location": f"{a.location.name}, {a.location.address_line}, {a.location.city}",
                "course_id": a.course_id,
            }
            for a in Appointment.objects.filter(client=client)
            .select_related("practitioner__clinic", "location")
            .order_by("start")
        ],
        "messages": [
            {"kind": m.kind, "subject": m.subject, "body": m.body, "at": _iso(m.created_at)}
            for m in Message.objects.filter(client=client).order_by("created_at")
        ],
        "waitlist": [
            {"practitioner": w.practitioner.full_name, "at": _iso(w.created_at)}
            for w in WaitlistEntry.objects.filter(client=client).select_related("practitioner")
        ],
        "consents": [
            {
                "clinic": c.clinic.name,
                "form": c.form.title,
                "version": c.form.version,
                "text": c.form.text,
                "sha256": c.form_digest,
                "typed_name": c.typed_name,
                "signed_at": _iso(c.signed_at),
                "ip_address": c.ip_address,
            }
            for c in SignedConsent.objects.filter(client=client).select_related("clinic", "form")
        ],
        "treatment_sessions": [_session(s) for s in sessions],
        "photos": [
            {
                "id": p.pk,
                "session_id": p.session_id,
                "area": p.area,
                "stage": p.stage,
                "taken_at": _iso(p.taken_at),
                "sha256": p.sha256,
                "download": f"/clinic/photos/{p.pk}/",
            }
            for p in Photo.objects.filter(client=client).order_by("taken_at")
        ],
        "recall_notices": [
            {
                "lot": n.lot.lot_number,
                "brand": n.lot.brand,
                "reason": n.lot.recall_reason,
                "sent_at": _iso(n.sent_at),
            }
            for n in RecallNotice.objects.filter(client=client).select_related("lot")
        ],
        "erasure_requests": [
            {"requested_at": _iso(e.requested_at), "status": e.status, "outcome": e.outcome}
            for e in ErasureRequest.objects.filter(client=client)
        ],
        "who_read_your_health_data": [
            {
                "at": _iso(e.at),
                "who": e.actor,
                "role": e.role,
                "action": e.action,
                "what": f"{e.object_type} {e.object_id}",
                "route": e.route,
            }
            for e in AuditEvent.objects.filter(client=client).order_by("at")[:5000]
        ],
    }


def _session(s: TreatmentSession) -> dict[str, Any]:
    rating = ClientRating.objects.filter(session=s).first()
    return {
        "id": s.pk,
        "performed_at": _iso(s.performed_at),
        "clinic": s.clinic.name,
        "practitioner": s.practitioner.full_name or s.practitioner.email,
        "device": f"{s.device.model} ({s.device.serial})",
        "cartridge": {
            "brand": s.cartridge_lot.brand,
            "lot": s.cartridge_lot.lot_number,
            "expires_on": _iso(s.cartridge_lot.expires_on),
        },
        "areas": [
            {"area": a.area, "depth_mm": str(a.depth_mm), "passes": a.passes} for a in s.areas.all()
        ],
        "anaesthetic": s.anaesthetic_product,
        "topical_products": s.topical_products,
        "endpoint_reached": s.endpoint_reached,
        "immediate_reactions": s.immediate_reactions,
        "aftercare_given": s.aftercare_given,
        "notes": s.notes,
        "signed_at": _iso(s.signed_at),
        "amendments": [
            {"at": _iso(m.created_at), "reason": m.reason, "changes": m.changes}
            for m in s.amendments.all()
        ],
        "as_it_reads_now": record_selectors.effective(s),
        "outcome_scores": [
            {"scale": o.scale, "score": o.score, "at": _iso(o.assessed_at)}
            for o in s.outcome_scores.all()
        ],
        "your_rating": {
            "improvement": rating.improvement,
            "satisfaction": rating.satisfaction,
            "comment": rating.comment,
        }
        if rating
        else None,
        "check_ins": [
            {"day": c.day, "answered_at": _iso(c.answered_at), "answers": c.answers}
            for c in s.check_ins.all()
        ],
        "adverse_events": [
            {
                "kind": e.kind,
                "description": e.description,
                "raised_at": _iso(e.raised_at),
                "status": e.status,
                "outcome": e.outcome,
            }
            for e in s.adverse_events.all()
        ],
    }


# --- Erasure ---------------------------------------------------------------------------------


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.CLINICAL_RECORD_RETENTION_DAYS)


def kept_until(client: User) -> dt.datetime | None:
    """Until when the client's clinical records must be kept; None when there are none."""
    latest = [
        TreatmentSession.objects.filter(client=client).aggregate(m=Max("performed_at"))["m"],
        SignedConsent.objects.filter(client=client).aggregate(m=Max("signed_at"))["m"],
        Photo.objects.filter(client=client).aggregate(m=Max("taken_at"))["m"],
    ]
    moments = [m for m in latest if m is not None]
    return max(moments) + retention() if moments else None


def request_erasure(
    *, client: User, reason: str = "", now: dt.datetime | None = None
) -> ErasureRequest:
    """Erases at once what may be erased and says, for the client, what is kept and until
    when. The account is closed either way. 409 for a second request."""
    now = now or timezone.now()
    if client.role != "client":
        raise ApiError(422, "not_a_client", "Only a client's own account can be erased here.")
    if len(reason) > 2000:
        raise ApiError(422, "invalid", "At most 2,000 characters.", "reason")
    email = client.email
    with transaction.atomic():
        client = User.objects.select_for_update().get(pk=client.pk)
        if ErasureRequest.objects.filter(client=client).exists():
            raise ApiError(409, "already_requested", "Your erasure request is already on file.")
        until = kept_until(client)
        _erase_personal(client, now)
        if until is None:
            _erase_clinical(client)
            _anonymise(client)
            outcome = (
                "Your account and everything in it were erased: your screenings, bookings, "
                "messages and contact details. Nothing is kept."
            )
            status = ErasureRequest.Status.DONE
        else:
            client.is_active = False
            client.set_unusable_password()
            client.save(update_fields=["is_active", "password"])
            outcome = (
                "Your account is closed and your bookings to come were cancelled; your "
                "messages, waiting-list places and sign-in details were erased. Your treatment "
                "records (signed consents, treatment sessions with the cartridge lots used, "
                "photos, outcomes and the screenings they rest on), with your name and contact "
                f"details, are kept until {until:%d %B %Y}, because clinics must keep client "
                f"records for a time ({RETENTION_SOURCE}) and so that you can be told if a "
                "cartridge used on you is recalled. Then they are erased too."
            )
            status = ErasureRequest.Status.RECEIVED
        request = ErasureRequest.objects.create(
            client=client,
            requested_at=now,
            reason=reason.strip(),
            status=status,
            processed_at=now if status == ErasureRequest.Status.DONE else None,
            outcome=outcome,
        )
    send_mail("Your Needlepoint erasure request", outcome, None, [email], fail_silently=True)
    return request


def _erase_personal(client: User, now: dt.datetime) -> None:
    """What is never a clinical record: tokens, second factors, messages, waiting-list places,
    chart grants, and bookings still to come (cancelled, so the clinic's diary shows it)."""
    ApiToken.objects.filter(user=client).delete()
    TOTPDevice.objects.filter(user=client).delete()
    RecoveryCode.objects.filter(user=client).delete()
    Message.objects.filter(client=client).delete()
    WaitlistEntry.objects.filter(client=client).delete()
    ChartGrant.objects.filter(client=client).delete()
    Appointment.objects.filter(
        client=client, status=Appointment.Status.BOOKED, start__gt=now
    ).update(status=Appointment.Status.CANCELLED, cancelled_at=now)


def _erase_clinical(client: User) -> None:
    """Every record about the client's health and treatment, files included. Sessions go
    before appointments: a signed session's row may not change (its appointment link)."""
    photos = list(Photo.objects.filter(client=client))
    sessions = TreatmentSession.objects.filter(client=client)
    AdverseEvent.objects.filter(session__in=sessions).delete()
    Photo.objects.filter(client=client).delete()
    for model in (CheckIn, OutcomeScore, ClientRating, Amendment, SessionArea):
        model.objects.filter(session__in=sessions).delete()
    sessions.delete()
    RecallNotice.objects.filter(client=client).delete()
    SignedConsent.objects.filter(client=client).delete()
    Appointment.objects.filter(client=client).delete()
    Course.objects.filter(client=client).delete()
    ScreeningRecord.objects.filter(client=client).delete()
    names = [p.storage_name for p in photos]
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


def _anonymise(client: User) -> None:
    client.email = f"erased-{client.pk}@erased.invalid"
    client.full_name = ""
    client.phone = ""
    client.is_active = False
    client.set_unusable_password()
    client.save(update_fields=["email", "full_name", "phone", "is_active", "password"])


def erase_expired(now: dt.datetime | None = None) -> int:
    """Finishes the erasure requests whose records' retention is over; returns how many."""
    now = now or timezone.now()
    done = 0
    for request in ErasureRequest.objects.filter(status=ErasureRequest.Status.RECEIVED):
        with transaction.atomic():
            client = User.objects.select_for_update().get(pk=request.client_id)
            until = kept_until(client)
            if until is not None and until > now:
                continue
            _erase_clinical(client)
            _anonymise(client)
            ErasureRequest.objects.filter(pk=request.pk).update(
                status=ErasureRequest.Status.DONE, processed_at=now
            )
            done += 1
    return done
