"""A clinic manager's inventory: devices and sterile-cartridge lots (stock, expiry), and a lot's
recall with the complete list of clients and sessions it touched, as a page and a CSV."""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import record_selectors, services


def _date(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ApiError(422, "invalid", "Give a date as YYYY-MM-DD.", field) from None


@login_required
def inventory(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """GET: devices and lots. POST with `what=device|lot`: adds one."""
    user = signed_in(request)
    clinic = record_selectors.managed_clinic(user, clinic_id)
    error: ApiError | None = None
    what = request.POST.get("what", "")
    if request.method == "POST":
        post = request.POST
        try:
            if what == "device":
                services.add_device(
                    by=user,
                    clinic_id=clinic.pk,
                    model=post.get("model", ""),
                    serial=post.get("serial", ""),
                    max_depth_mm=post.get("max_depth_mm", ""),
                    last_serviced_on=_date(post.get("last_serviced_on", ""), "last_serviced_on"),
                )
            elif what == "lot":
                expires = _date(post.get("expires_on", ""), "expires_on")
                if expires is None:
                    raise ApiError(422, "invalid", "Give the expiry date on the box.", "expires_on")
                services.add_lot(
                    by=user,
                    clinic_id=clinic.pk,
                    brand=post.get("brand", ""),
                    lot_number=post.get("lot_number", ""),
                    expires_on=expires,
                    needle_count=post.get("needle_count", ""),
                    quantity_received=post.get("quantity_received", ""),
                )
            else:
                raise ApiError(422, "invalid", "Add a device or a lot.", "what")
        except ApiError as problem:
            error = problem
        else:
            messages.success(request, "Device added." if what == "device" else "Lot added.")
            return redirect("clinic:inventory", clinic.pk)
    devices, lots = record_selectors.inventory(clinic.pk)
    context = {
        "clinic": clinic,
        "devices": devices,
        "lots": lots,
        "today": timezone.localdate(),
        "error": error,
        "what": what,
        "post": request.POST,
    }
    return render(request, "clinic/inventory.html", context, status=error.status if error else 200)


@login_required
def lot(request: HttpRequest, clinic_id: int, lot_id: int) -> HttpResponse:
    return _render_lot(request, clinic_id, lot_id)


def _render_lot(
    request: HttpRequest, clinic_id: int, lot_id: int, *, error: ApiError | None = None
) -> HttpResponse:
    clinic = record_selectors.managed_clinic(signed_in(request), clinic_id)
    found = record_selectors.lot_of(clinic.pk, lot_id)
    rows = record_selectors.sessions_using_lot(found.pk)
    context = {
        "clinic": clinic,
        "lot": found,
        "rows": rows,
        "clients": len({r.client_id for r in rows}),
        "error": error,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "clinic/lot.html", context, status=error.status if error else 200)


@login_required
@require_POST
def recall(request: HttpRequest, clinic_id: int, lot_id: int) -> HttpResponse:
    try:
        recalled = services.recall_lot(
            by=signed_in(request),
            clinic_id=clinic_id,
            lot_id=lot_id,
            reason=request.POST.get("reason", ""),
        )
    except ApiError as error:
        return _render_lot(request, clinic_id, lot_id, error=error)
    messages.success(
        request, f"{recalled} is recalled. A notice is on its way to every client listed below."
    )
    return redirect("clinic:lot", clinic_id, lot_id)


@login_required
def recall_csv(request: HttpRequest, clinic_id: int, lot_id: int) -> HttpResponse:
    clinic = record_selectors.managed_clinic(signed_in(request), clinic_id)
    found = record_selectors.lot_of(clinic.pk, lot_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"lot-{slugify(found.lot_number) or found.pk}-sessions.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(
        [
            "session_id",
            "performed_at",
            "client",
            "email",
            "phone",
            "practitioner",
            "signed",
            "brand",
            "lot_number",
        ]
    )
    for row in record_selectors.sessions_using_lot(found.pk):
        writer.writerow(
            [
                row.session_id,
                row.performed_at.isoformat(),
                _safe(row.client_name),
                row.client_email,
                _safe(row.client_phone),
                _safe(row.practitioner),
                "yes" if row.signed else "no",
                _safe(found.brand),
                _safe(found.lot_number),
            ]
        )
    return response


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
