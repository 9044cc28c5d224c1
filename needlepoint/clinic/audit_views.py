"""A clinic manager's audit trail: who read or wrote which health data, filtered, paged, as CSV."""

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.accounts import audit, audit_selectors
from needlepoint.accounts.models import AuditEvent
from needlepoint.scheduling.views import signed_in

from . import record_selectors

PER_PAGE = 50
COLUMNS = (
    "at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "client",
    "route",
    "method",
    "ip_address",
)


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None  # an unreadable date narrows nothing; the form shows it empty


def _wanted(request: HttpRequest) -> audit_selectors.TrailFilter:
    get = request.GET
    return audit_selectors.TrailFilter(
        client=get.get("client", "")[:254],
        user=get.get("user", "")[:254],
        since=_date(get.get("since")),
        until=_date(get.get("until")),
        action=get.get("action", ""),
    )


@login_required
def trail(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = record_selectors.managed_clinic(signed_in(request), clinic_id)
    wanted = _wanted(request)
    page = Paginator(audit_selectors.clinic_trail(clinic.pk, wanted), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "clinic": clinic,
        "page": page,
        "wanted": wanted,
        "actions": AuditEvent.Action.choices,
        "query": query.urlencode(),
    }
    return render(request, "clinic/audit.html", context)


@login_required
def trail_csv(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """The filtered events, every one of them; the export itself is on the trail."""
    user = signed_in(request)
    clinic = record_selectors.managed_clinic(user, clinic_id)
    events = audit_selectors.clinic_trail(clinic.pk, _wanted(request))
    audit.record(audit.EXPORT, "audit_trail", clinic.pk, client_id=None, clinic_id=clinic.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-clinic-{clinic.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for e in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                e.at.isoformat(),
                _safe(e.actor),
                e.role,
                e.action,
                e.object_type,
                e.object_id,
                _safe(e.client.email) if e.client else "",
                _safe(e.route),
                e.method,
                e.ip_address or "",
            ]
        )
    return response


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
