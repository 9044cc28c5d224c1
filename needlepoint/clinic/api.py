"""Clinic API: a client's treatment record, charting, signing and amending a session, and a
lot's recall with every session it touched. Everything behind the chart's access function:
another clinic's staff, other clients and platform staff get 404."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from needlepoint.directory.api import ErrorOut
from needlepoint.errors import ApiError
from needlepoint.scheduling.api import caller as user_of
from needlepoint.scheduling.api import signed_in

from . import privacy, record_selectors, selectors, services

router = Router(tags=["clinic"], auth=signed_in)
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class AreaOut(Schema):
    area: str
    depth_mm: Decimal
    passes: int


class SessionSummaryOut(Schema):
    id: int
    performed_at: dt.datetime
    practitioner_id: int
    device_id: int
    cartridge_lot_id: int
    lot_number: str
    signed_at: dt.datetime | None
    areas: list[AreaOut]


class ConsentOut(Schema):
    kind: str
    form_version: int
    current: bool
    signed_consent_id: int | None
    why_not: str


class RecordOut(Schema):
    client_id: int
    name: str
    email: str
    phone: str
    consents: list[ConsentOut]
    sessions: list[SessionSummaryOut]


class AmendmentOut(Schema):
    author_id: int
    created_at: dt.datetime
    reason: str
    changes: list[dict[str, Any]]


class SessionOut(SessionSummaryOut):
    client_id: int
    clinic_id: int
    cartridges_used: int
    consent_id: int
    anaesthetic_product: str
    endpoint_reached: bool
    immediate_reactions: str
    aftercare_given: str
    notes: str
    effective: dict[str, Any] = Field(description="The record with every amendment applied")
    amendments: list[AmendmentOut]


class AreaIn(Schema):
    area: str
    depth_mm: str | float = Field(description="mm, e.g. 0.5")
    passes: str | int


class TopicalIn(Schema):
    product: str
    lot: str = ""


class SessionIn(Schema):
    client_id: int
    device_id: int
    cartridge_lot_id: int
    cartridges_used: int = 1
    performed_at: dt.datetime | None = None
    areas: list[AreaIn]
    anaesthetic_product: str = ""
    anaesthetic_applied_at: dt.datetime | None = None
    anaesthetic_removed_at: dt.datetime | None = None
    topical_products: list[TopicalIn] = []
    endpoint_reached: bool = False
    immediate_reactions: str = ""
    aftercare_given: str = ""
    notes: str = ""


class AmendmentIn(Schema):
    reason: str
    changes: dict[str, Any]


class RecallIn(Schema):
    reason: str


class RecallRowOut(Schema):
    session_id: int
    client_id: int
    client_name: str
    client_email: str
    client_phone: str
    performed_at: dt.datetime
    practitioner: str
    signed: bool


class RecallOut(Schema):
    lot_id: int
    lot_number: str
    recalled_at: dt.datetime | None
    sessions: list[RecallRowOut]


def _summary(session: Any) -> dict[str, Any]:
    return {
        "id": session.pk,
        "performed_at": session.performed_at,
        "practitioner_id": session.practitioner_id,
        "device_id": session.device_id,
        "cartridge_lot_id": session.cartridge_lot_id,
        "lot_number": session.cartridge_lot.lot_number,
        "signed_at": session.signed_at,
        "areas": [
            {"area": a.area, "depth_mm": a.depth_mm, "passes": a.passes}
            for a in session.areas.all()
        ],
    }


def _session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    _, session = record_selectors.session_for(user_of(request), session_id)
    return {
        **_summary(session),
        "client_id": session.client_id,
        "clinic_id": session.clinic_id,
        "cartridges_used": session.cartridges_used,
        "consent_id": session.consent_id,
        "anaesthetic_product": session.anaesthetic_product,
        "endpoint_reached": session.endpoint_reached,
        "immediate_reactions": session.immediate_reactions,
        "aftercare_given": session.aftercare_given,
        "notes": session.notes,
        "effective": record_selectors.effective(session),
        "amendments": [
            {
                "author_id": m.author_id,
                "created_at": m.created_at,
                "reason": m.reason,
                "changes": m.changes,
            }
            for m in session.amendments.all()
        ],
    }


@router.get("/clinic/clients/{client_id}/record", response={200: RecordOut, **ERRORS})
def client_record(request: HttpRequest, client_id: int) -> dict[str, Any]:
    """The client's contact details, consents and sessions at the caller's clinics."""
    user = user_of(request)
    chart = selectors.chart_for(user, client_id)
    record = record_selectors.record_for(user, chart)
    return {
        "client_id": chart.client.pk,
        "name": chart.client.full_name,
        "email": chart.client.email,
        "phone": chart.client.phone,
        "consents": [
            {
                "kind": s.kind,
                "form_version": s.form.version,
                "current": s.current,
                "signed_consent_id": s.signed.pk if s.signed else None,
                "why_not": s.why_not,
            }
            for s in record.consents
        ],
        "sessions": [_summary(s) for s in record.sessions],
    }


@router.get("/clinic/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return _session(request, session_id)


@router.post("/clinic/sessions", response={201: SessionOut, **ERRORS})
def create_session(request: HttpRequest, payload: SessionIn) -> Status:
    """Charts an unsigned session. 409 without a current signed treatment consent; 422 for
    another clinic's device or lot, an expired, recalled or used-up lot, or a bad depth."""
    session = services.chart_session(
        by=user_of(request),
        client_id=payload.client_id,
        device_id=payload.device_id,
        cartridge_lot_id=payload.cartridge_lot_id,
        cartridges_used=payload.cartridges_used,
        performed_at=payload.performed_at,
        areas=[services.AreaIn(a.area, a.depth_mm, a.passes) for a in payload.areas],
        anaesthetic_product=payload.anaesthetic_product,
        anaesthetic_applied_at=payload.anaesthetic_applied_at,
        anaesthetic_removed_at=payload.anaesthetic_removed_at,
        topical_products=[t.dict() for t in payload.topical_products],
        endpoint_reached=payload.endpoint_reached,
        immediate_reactions=payload.immediate_reactions,
        aftercare_given=payload.aftercare_given,
        notes=payload.notes,
    )
    return Status(201, _session(request, session.pk))


@router.post("/clinic/sessions/{session_id}/sign", response={200: SessionOut, **ERRORS})
def sign_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    services.sign_session(by=user_of(request), session_id=session_id)
    return _session(request, session_id)


@router.post("/clinic/sessions/{session_id}/amendments", response={201: SessionOut, **ERRORS})
def amend_session(request: HttpRequest, session_id: int, payload: AmendmentIn) -> Status:
    services.amend_session(
        by=user_of(request), session_id=session_id, reason=payload.reason, changes=payload.changes
    )
    return Status(201, _session(request, session_id))


def _recall(clinic_id: int, lot_id: int) -> dict[str, Any]:
    lot = record_selectors.lot_of(clinic_id, lot_id)
    return {
        "lot_id": lot.pk,
        "lot_number": lot.lot_number,
        "recalled_at": lot.recalled_at,
        "sessions": [row.__dict__ for row in record_selectors.sessions_using_lot(lot.pk)],
    }


@router.get("/clinic/{clinic_id}/lots/{lot_id}/sessions", response={200: RecallOut, **ERRORS})
def lot_sessions(request: HttpRequest, clinic_id: int, lot_id: int) -> dict[str, Any]:
    """Every session that recorded the lot, with the client's contact details (managers)."""
    record_selectors.managed_clinic(user_of(request), clinic_id)
    return _recall(clinic_id, lot_id)


@router.post("/clinic/{clinic_id}/lots/{lot_id}/recall", response={200: RecallOut, **ERRORS})
def recall_lot(
    request: HttpRequest, clinic_id: int, lot_id: int, payload: RecallIn
) -> dict[str, Any]:
    """Recalls the lot, queues a notice to every client it touched, and lists them."""
    services.recall_lot(
        by=user_of(request), clinic_id=clinic_id, lot_id=lot_id, reason=payload.reason
    )
    return _recall(clinic_id, lot_id)


class ErasureIn(Schema):
    password: str
    reason: str = ""


class ErasureOut(Schema):
    status: str
    requested_at: dt.datetime
    outcome: str


@router.get("/me/export", response={200: dict[str, Any], **ERRORS})
def my_export(request: HttpRequest) -> dict[str, Any]:
    """Everything Needlepoint holds about the caller, as JSON."""
    return privacy.export_for(user_of(request))


@router.post("/me/erasure", response={201: ErasureOut, **ERRORS})
def my_erasure(request: HttpRequest, payload: ErasureIn) -> Status:
    """Erases what may be erased now; the outcome says what is kept, until when and why."""
    user = user_of(request)
    if not user.check_password(payload.password):
        raise ApiError(422, "invalid", "That is not your password.", "password")
    done = privacy.request_erasure(client=user, reason=payload.reason)
    return Status(
        201, {"status": done.status, "requested_at": done.requested_at, "outcome": done.outcome}
    )
