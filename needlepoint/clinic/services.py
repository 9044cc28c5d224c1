"""Writes of the treatment record: charting a session, signing it (then it is locked),
amending it; a clinic's devices and cartridge lots; recalling a lot. One transaction each;
ApiError for what cannot be done, with the field it concerns."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import User
from needlepoint.errors import ApiError

from . import followup_services, record_selectors, tasks
from .charting import DepthError, Level, check_depth, parse_area, parse_depth, parse_passes
from .models import (
    Amendment,
    CartridgeLot,
    Device,
    RecallNotice,
    SessionArea,
    SignedConsent,
    TreatmentSession,
)
from .selectors import chart_for

MAX_TEXT = 5000
AMENDABLE = ("immediate_reactions", "aftercare_given", "notes", "anaesthetic_product")


@dataclass(frozen=True)
class AreaIn:
    area: object
    depth_mm: object
    passes: object


def _text(value: object, field: str, *, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ApiError(422, "invalid", f"At most {limit} characters.", field)
    return text


def _label(value: object, field: str, *, limit: int) -> str:
    """A one-line name or number (a brand, a lot, a serial): no control characters."""
    text = _text(value, field, limit=limit)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ApiError(422, "invalid", "Use one line of plain text.", field)
    return text


def _areas(raw: Sequence[AreaIn], device: Device) -> list[SessionArea]:
    if not raw:
        raise ApiError(422, "invalid", "Chart at least one treated area.", "areas")
    rows: list[SessionArea] = []
    for index, item in enumerate(raw):
        try:
            area = parse_area(item.area, field=f"areas.{index}.area")
            depth = parse_depth(item.depth_mm, field=f"areas.{index}.depth_mm")
            passes = parse_passes(item.passes, field=f"areas.{index}.passes")
        except DepthError as error:
            raise ApiError(422, "invalid", error.message, error.field) from None
        if any(row.area == area for row in rows):
            raise ApiError(422, "invalid", "Each area once per session.", f"areas.{index}.area")
        for finding in check_depth(area, depth, device.max_depth_mm):
            if finding.level is Level.STOP:
                raise ApiError(422, "above_device_maximum", finding.message, f"areas.{index}")
        rows.append(SessionArea(area=area, depth_mm=depth, passes=passes))
    return rows


def _usable_lot(clinic_id: int, lot_id: object, needed: int, on: dt.date) -> CartridgeLot:
    """The lot, locked until the transaction ends so that two sessions cannot both take its
    last cartridge; 422 for another clinic's, an expired, a recalled or a used-up lot."""
    try:
        lot_pk = int(str(lot_id))
    except ValueError:
        raise ApiError(422, "invalid", "Choose the cartridge lot.", "cartridge_lot") from None
    lot = CartridgeLot.objects.select_for_update().filter(pk=lot_pk).first()
    if lot is None or lot.clinic_id != clinic_id:
        raise ApiError(422, "unknown_lot", "No such cartridge lot at this clinic.", "cartridge_lot")
    if lot.recalled_at is not None:
        raise ApiError(422, "lot_recalled", f"{lot} is recalled: do not use it.", "cartridge_lot")
    if lot.expires_on < on:
        raise ApiError(
            422, "lot_expired", f"{lot} expired on {lot.expires_on:%d %b %Y}.", "cartridge_lot"
        )
    if lot.stock() < needed:
        raise ApiError(
            422,
            "lot_used_up",
            f"{lot} has {lot.stock()} unused cartridge(s) left: single-use cartridges cannot be "
            "recorded twice.",
            "cartridge_lot",
        )
    return lot


def _time(value: object, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ApiError(422, "invalid", "Give a date and time.", field) from None
    if timezone.is_naive(moment):
        raise ApiError(422, "invalid", "Give the time with its zone.", field)
    return moment


@transaction.atomic
def chart_session(
    *,
    by: User,
    client_id: int,
    device_id: object,
    cartridge_lot_id: object,
    areas: Sequence[AreaIn],
    cartridges_used: object = 1,
    performed_at: object = None,
    anaesthetic_product: object = "",
    anaesthetic_applied_at: object = None,
    anaesthetic_removed_at: object = None,
    topical_products: Sequence[Mapping[str, object]] = (),
    endpoint_reached: bool = False,
    immediate_reactions: object = "",
    aftercare_given: object = "",
    notes: object = "",
) -> TreatmentSession:
    """A new, unsigned session at the practitioner's clinic. Refused without a current signed
    treatment consent, with another clinic's device or lot, an expired, recalled or used-up
    lot, or a depth above the device's labelled maximum."""
    chart = chart_for(by, client_id)  # 404 for anyone not on the chart
    clinics = record_selectors.practitioner_clinics(by, chart)
    if not clinics:
        raise ApiError(403, "not_a_practitioner", "Only a practitioner can chart a session.")
    # Where the client sees this practitioner; the first of their clinics otherwise.
    clinic_id = next(
        (
            a.practitioner.clinic_id
            for a in chart.appointments
            if a.practitioner.user_id == by.pk and a.practitioner.clinic_id in clinics
        ),
        clinics[0],
    )
    performed_at = _time(performed_at, "performed_at") or timezone.now()
    if performed_at > timezone.now() + dt.timedelta(minutes=5):
        raise ApiError(422, "invalid", "A session is charted after it happens.", "performed_at")
    consent = _current_consent(client_id, clinic_id)
    if performed_at < consent.signed_at.replace(second=0, microsecond=0):  # minutes are typed
        raise ApiError(
            422,
            "before_consent",
            f"The consent was signed on {consent.signed_at:%d %b %Y, %H:%M}: a session cannot "
            "be charted before it.",
            "performed_at",
        )
    device = Device.objects.filter(pk=_int(device_id, "device"), clinic_id=clinic_id).first()
    if device is None:
        raise ApiError(422, "unknown_device", "No such device at this clinic.", "device")
    used = _int(cartridges_used, "cartridges_used")
    if not 1 <= used <= 10:
        raise ApiError(422, "invalid", "Between 1 and 10 cartridges.", "cartridges_used")
    rows = _areas(areas, device)
    lot = _usable_lot(clinic_id, cartridge_lot_id, used, timezone.localdate(performed_at))
    applied = _time(anaesthetic_applied_at, "anaesthetic_applied_at")
    removed = _time(anaesthetic_removed_at, "anaesthetic_removed_at")
    if applied and removed and removed < applied:
        raise ApiError(
            422,
            "invalid",
            "The anaesthetic was removed before it was applied?",
            "anaesthetic_removed_at",
        )
    topicals = [
        {
            "product": _text(t.get("product"), "topical_products", limit=200),
            "lot": _text(t.get("lot"), "topical_products", limit=80),
        }
        for t in topical_products
        if str(t.get("product") or "").strip()
    ]
    same_day = [
        a
        for a in chart.appointments
        if a.practitioner.clinic_id == clinic_id
        and abs(a.start - performed_at) < dt.timedelta(hours=12)
    ]
    session = TreatmentSession.objects.create(
        client_id=client_id,
        clinic_id=clinic_id,
        practitioner=by,
        appointment=min(same_day, key=lambda a: abs(a.start - performed_at), default=None),
        performed_at=performed_at,
        device=device,
        cartridge_lot=lot,
        cartridges_used=used,
        consent=consent,
        anaesthetic_product=_text(anaesthetic_product, "anaesthetic_product", limit=200),
        anaesthetic_applied_at=applied,
        anaesthetic_removed_at=removed,
        topical_products=topicals,
        endpoint_reached=bool(endpoint_reached),
        immediate_reactions=_text(immediate_reactions, "immediate_reactions"),
        aftercare_given=_text(aftercare_given, "aftercare_given"),
        notes=_text(notes, "notes"),
    )
    for row in rows:
        row.session = session
    SessionArea.objects.bulk_create(rows)
    audit.record(
        audit.CREATE, "session", session.pk, client_id=client_id, clinic_id=clinic_id, user=by
    )
    return session


def _current_consent(client_id: int, clinic_id: int) -> SignedConsent:
    consent = record_selectors.current_consent(client_id, clinic_id, "treatment")
    if consent is None:
        raise ApiError(
            409,
            "no_consent",
            "The client has no current signed treatment consent (a new form version or new "
            "health answers ask for it again): ask them to sign it first.",
            "consent",
        )
    return consent


def _int(value: object, field: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ApiError(422, "invalid", "Choose one from the list.", field) from None


def sign_session(*, by: User, session_id: int) -> TreatmentSession:
    """Signs and locks a session: only the practitioner who charted it, once."""
    with transaction.atomic():
        _, session = record_selectors.session_for(by, session_id)
        session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
        if session.practitioner_id != by.pk:
            raise ApiError(403, "not_yours", "Only the practitioner who charted it signs it.")
        if session.is_locked:
            raise ApiError(409, "already_signed", "This session is already signed and locked.")
        _current_consent(session.client_id, session.clinic_id)  # still current at signing
        session.signed_by = by
        session.signed_at = timezone.now()
        session.save(update_fields=["signed_by", "signed_at"])
        followup_services.on_session_signed(session)  # its check-ins, sent after commit
        audit.record(
            audit.UPDATE,
            "session",
            session.pk,
            client_id=session.client_id,
            clinic_id=session.clinic_id,
            user=by,
        )
    return session


@transaction.atomic
def amend_session(
    *, by: User, session_id: int, reason: str, changes: Mapping[str, Any]
) -> Amendment:
    """A correction of a signed session, beside the original. `changes` maps a field (one of
    AMENDABLE, "endpoint_reached", or "area:<area>" to {"depth_mm", "passes"}) to its new
    value; only what differs from the session as it reads now is kept."""
    chart, session = record_selectors.session_for(by, session_id)
    if session.clinic_id not in record_selectors.practitioner_clinics(by, chart):
        raise ApiError(403, "not_a_practitioner", "Only a practitioner here can amend a session.")
    if not session.is_locked:
        raise ApiError(409, "not_signed", "An unsigned session is not amended: sign it first.")
    reason = _text(reason, "reason")
    if len(reason) < 10:
        raise ApiError(422, "invalid", "Say why the record is corrected.", "reason")
    now = record_selectors.effective(session)
    kept: list[dict[str, Any]] = []
    for name, value in changes.items():
        if name in AMENDABLE:
            if not isinstance(value, str):
                raise ApiError(422, "invalid", "Give the corrected text.", name)
            after: Any = _text(
                value, name, limit=200 if name == "anaesthetic_product" else MAX_TEXT
            )
            before = now[name]
        elif name == "endpoint_reached":
            if not isinstance(value, bool):
                raise ApiError(422, "invalid", "Say true or false.", name)
            after, before = value, now[name]
        elif name.startswith("area:") and name.removeprefix("area:") in now["areas"]:
            area = name.removeprefix("area:")
            values = value if isinstance(value, Mapping) else {}
            try:
                depth = parse_depth(values.get("depth_mm"), field=name)
                passes = parse_passes(values.get("passes"), field=name)
            except DepthError as error:
                raise ApiError(422, "invalid", error.message, error.field) from None
            for finding in check_depth(area, depth, session.device.max_depth_mm):
                if finding.level is Level.STOP:
                    raise ApiError(422, "above_device_maximum", finding.message, name)
            after, before = {"depth_mm": str(depth), "passes": passes}, now["areas"][area]
            if Decimal(before["depth_mm"]) == depth and before["passes"] == passes:
                continue
        else:
            raise ApiError(422, "invalid", f"{name!r} cannot be amended.", name)
        if after != before:
            kept.append({"field": name, "before": before, "after": after})
    if not kept:
        raise ApiError(422, "unchanged", "Nothing differs from the record as it reads now.")
    audit.record(
        audit.UPDATE,
        "session",
        session.pk,
        client_id=session.client_id,
        clinic_id=session.clinic_id,
        user=by,
    )
    return Amendment.objects.create(session=session, author=by, reason=reason, changes=kept)


# --- Inventory and recalls -------------------------------------------------------------------


def add_device(
    *,
    by: User,
    clinic_id: int,
    model: str,
    serial: str,
    max_depth_mm: object,
    last_serviced_on: dt.date | None,
) -> Device:
    record_selectors.managed_clinic(by, clinic_id)
    model, serial = _label(model, "model", limit=120), _label(serial, "serial", limit=80)
    if not model:
        raise ApiError(422, "invalid", "Name the device's model.", "model")
    if not serial:
        raise ApiError(422, "invalid", "Give the serial number.", "serial")
    try:
        depth = parse_depth(max_depth_mm, field="max_depth_mm")
    except DepthError as error:
        raise ApiError(422, "invalid", error.message, error.field) from None
    if depth > 5:
        raise ApiError(422, "invalid", "Pen devices go to 5 mm at most.", "max_depth_mm")
    if last_serviced_on and last_serviced_on > timezone.localdate():
        raise ApiError(422, "invalid", "The last service is in the past.", "last_serviced_on")
    try:
        with transaction.atomic():
            return Device.objects.create(
                clinic_id=clinic_id,
                model=model,
                serial=serial,
                max_depth_mm=depth,
                last_serviced_on=last_serviced_on,
            )
    except IntegrityError:
        raise ApiError(
            409, "duplicate", "This clinic has a device with that serial.", "serial"
        ) from None


def add_lot(
    *,
    by: User,
    clinic_id: int,
    brand: str,
    lot_number: str,
    expires_on: dt.date,
    needle_count: object,
    quantity_received: object,
) -> CartridgeLot:
    record_selectors.managed_clinic(by, clinic_id)
    brand, number = _label(brand, "brand", limit=120), _label(lot_number, "lot_number", limit=80)
    if not brand:
        raise ApiError(422, "invalid", "Name the cartridge brand.", "brand")
    if not number:
        raise ApiError(422, "invalid", "Give the lot number printed on the box.", "lot_number")
    needles, quantity = (
        _int(needle_count, "needle_count"),
        _int(quantity_received, "quantity_received"),
    )
    if not 1 <= needles <= 100:
        raise ApiError(422, "invalid", "Between 1 and 100 needles.", "needle_count")
    if not 1 <= quantity <= 10_000:
        raise ApiError(422, "invalid", "Between 1 and 10,000 cartridges.", "quantity_received")
    if expires_on < timezone.localdate():
        raise ApiError(422, "invalid", "This lot has expired already.", "expires_on")
    try:
        with transaction.atomic():
            return CartridgeLot.objects.create(
                clinic_id=clinic_id,
                brand=brand,
                lot_number=number,
                expires_on=expires_on,
                needle_count=needles,
                quantity_received=quantity,
            )
    except IntegrityError:
        raise ApiError(409, "duplicate", "This lot is listed already.", "lot_number") from None


def _enqueue_notices(notice_ids: list[int]) -> None:
    for pk in notice_ids:
        tasks.send_recall_notice.enqueue(pk)


def recall_lot(*, by: User, clinic_id: int, lot_id: int, reason: str) -> CartridgeLot:
    """Marks a lot recalled (no further session may record it) and queues a notice to every
    client of a session that used it, once each."""
    reason = _text(reason, "reason")
    if len(reason) < 10:
        raise ApiError(
            422, "invalid", "Say why the lot is recalled (it is told to clients).", "reason"
        )
    with transaction.atomic():
        record_selectors.managed_clinic(by, clinic_id)
        lot = record_selectors.lot_of(clinic_id, lot_id)
        lot = CartridgeLot.objects.select_for_update().get(pk=lot.pk)
        if lot.recalled_at is not None:
            raise ApiError(409, "already_recalled", f"{lot} was recalled already.")
        lot.recalled_at, lot.recalled_by, lot.recall_reason = timezone.now(), by, reason
        lot.save(update_fields=["recalled_at", "recalled_by", "recall_reason"])
        clients = sorted({row.client_id for row in record_selectors.sessions_using_lot(lot.pk)})
        RecallNotice.objects.bulk_create(
            RecallNotice(lot=lot, client_id=client_id) for client_id in clients
        )
        ids = list(RecallNotice.objects.filter(lot=lot).values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue_notices(ids))
    return lot
