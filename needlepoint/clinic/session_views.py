"""Treatment session pages: chart a new session, read one (with depth warnings, amendments
beside the original, photos and outcomes), sign and lock it, amend it."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.choices import AREA_LABELS

from . import followup_selectors, photo_selectors, record_selectors, selectors, services
from .charting import check_depth

MAX_TOPICALS = 3


def _zone(chart: selectors.Chart) -> ZoneInfo:
    """Where a new session is charted: the zone of the client's latest appointment at the
    viewer's clinics (a charted session then shows in its own appointment's zone)."""
    for appointment in chart.appointments:
        return ZoneInfo(appointment.location.timezone)
    return ZoneInfo(timezone.get_current_timezone_name())


def _local_time(raw: str, zone: ZoneInfo, field: str) -> dt.datetime | None:
    if not raw.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ApiError(422, "invalid", "Give a date and time.", field) from None
    return moment.replace(tzinfo=zone) if timezone.is_naive(moment) else moment


@login_required
def new_session(request: HttpRequest, client_id: int) -> HttpResponse:
    user = signed_in(request)
    chart = selectors.chart_for(user, client_id)
    clinics = record_selectors.practitioner_clinics(user, chart)
    if not clinics:
        return render_error(
            request, ApiError(403, "not_a_practitioner", "Only a practitioner charts.")
        )
    zone = _zone(chart)
    error: ApiError | None = None
    if request.method == "POST":
        post = request.POST
        try:
            session = services.chart_session(
                by=user,
                client_id=client_id,
                device_id=post.get("device", ""),
                cartridge_lot_id=post.get("cartridge_lot", ""),
                cartridges_used=post.get("cartridges_used", "1"),
                areas=[
                    services.AreaIn(area, post.get(f"depth_{area}"), post.get(f"passes_{area}"))
                    for area in AREA_LABELS
                    if (post.get(f"depth_{area}") or "").strip()
                    or (post.get(f"passes_{area}") or "").strip()
                ],
                performed_at=_local_time(post.get("performed_at", ""), zone, "performed_at"),
                anaesthetic_product=post.get("anaesthetic_product", ""),
                anaesthetic_applied_at=_local_time(
                    post.get("anaesthetic_applied_at", ""), zone, "anaesthetic_applied_at"
                ),
                anaesthetic_removed_at=_local_time(
                    post.get("anaesthetic_removed_at", ""), zone, "anaesthetic_removed_at"
                ),
                topical_products=[
                    {
                        "product": post.get(f"topical_{i}", ""),
                        "lot": post.get(f"topical_lot_{i}", ""),
                    }
                    for i in range(MAX_TOPICALS)
                ],
                endpoint_reached=post.get("endpoint_reached") == "on",
                immediate_reactions=post.get("immediate_reactions", ""),
                aftercare_given=post.get("aftercare_given", ""),
                notes=post.get("notes", ""),
            )
        except ApiError as problem:
            error = problem
        else:
            messages.success(request, "Session charted. Check it, then sign it to lock it.")
            return redirect("clinic:session", session.pk)
    clinic_id = clinics[0]
    devices, _ = record_selectors.inventory(clinic_id)
    latest = screening_selectors.latest_screening(client_id)
    planned = set(latest.answers.get("treatment_areas", [])) if latest else set()
    context: dict[str, Any] = {
        "chart": chart,
        "devices": devices,
        "lots": record_selectors.usable_lots(clinic_id),
        "area_rows": [
            (
                value,
                label,
                request.POST.get(f"depth_{value}", ""),
                request.POST.get(f"passes_{value}", ""),
            )
            for value, label in sorted(AREA_LABELS.items(), key=lambda kv: kv[0] not in planned)
        ],
        "planned": planned,
        "consent": record_selectors.consent_status(client_id, clinic_id, "treatment"),
        "zone": zone,
        "now_local": timezone.now().astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "post": request.POST,
        "topicals": range(MAX_TOPICALS),
        "error": error,
    }
    return render(
        request, "clinic/session_new.html", context, status=error.status if error else 200
    )


def render_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return render(request, "clinic/error.html", {"error": error}, status=error.status)


@login_required
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    return _render_session(request, session_id)


def _render_session(
    request: HttpRequest, session_id: int, *, error: ApiError | None = None
) -> HttpResponse:
    user = signed_in(request)
    chart, found = record_selectors.session_for(user, session_id)
    areas = list(found.areas.all())
    findings = [
        f for a in areas for f in check_depth(a.area, a.depth_mm, found.device.max_depth_mm)
    ]
    effective = record_selectors.effective(found)
    context = {
        "chart": chart,
        "session": found,
        "zone": ZoneInfo(followup_selectors.zone_of(found)),
        "areas": [
            (a, AREA_LABELS.get(a.area, a.area), effective["areas"].get(a.area)) for a in areas
        ],
        "findings": findings,
        "effective": effective,
        "amendments": list(found.amendments.all()),
        "may_sign": not found.is_locked and found.practitioner_id == user.pk,
        "may_amend": found.is_locked and bool(record_selectors.practitioner_clinics(user, chart)),
        "error": error,
        "photos": photo_selectors.photos_on_session(user, found),
        "followup": followup_selectors.followup_on_session(user, found),
    }
    return render(request, "clinic/session.html", context, status=error.status if error else 200)


@login_required
@require_POST
def sign(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        services.sign_session(by=signed_in(request), session_id=session_id)
    except ApiError as error:
        return _render_session(request, session_id, error=error)
    messages.success(request, "Signed and locked. Corrections from now on are amendments.")
    return redirect("clinic:session", session_id)


@login_required
@require_POST
def amend(request: HttpRequest, session_id: int) -> HttpResponse:
    user = signed_in(request)
    _, found = record_selectors.session_for(user, session_id)
    post = request.POST
    changes: dict[str, Any] = {name: post[name] for name in services.AMENDABLE if name in post}
    if "endpoint_reached" in post:
        changes["endpoint_reached"] = post["endpoint_reached"] == "yes"
    for area in found.areas.all():
        depth, passes = post.get(f"depth_{area.area}"), post.get(f"passes_{area.area}")
        if depth is not None or passes is not None:
            changes[f"area:{area.area}"] = {"depth_mm": depth, "passes": passes}
    try:
        services.amend_session(
            by=user, session_id=session_id, reason=post.get("reason", ""), changes=changes
        )
    except ApiError as error:
        return _render_session(request, session_id, error=error)
    messages.success(request, "Amendment recorded beside the original.")
    return redirect("clinic:session", session_id)
