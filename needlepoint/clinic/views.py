"""The client chart: what the clinic knows of a client, on one page; a practitioner's override
of a screening that blocks online booking; marking a new screening as reviewed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlepoint.accounts import audit_selectors
from needlepoint.accounts.models import Role
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.errors import ApiError
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.views import signed_in
from needlepoint.screening import services as screening_services
from needlepoint.screening.rules import Outcome

from . import followup_selectors, photo_selectors, record_selectors, selectors


@login_required
def chart(request: HttpRequest, client_id: int) -> HttpResponse:
    return _render_chart(request, client_id)


def _render_chart(
    request: HttpRequest, client_id: int, *, error: ApiError | None = None, reason: str = ""
) -> HttpResponse:
    user = signed_in(request)
    found = selectors.chart_for(user, client_id)
    latest = found.screenings[0] if found.screenings else None
    my_clinics = set(member_clinic_ids(user, roles=(Role.PRACTITIONER,))) & found.clinic_ids
    may_override = bool(
        latest
        and my_clinics
        and Outcome(latest.outcome) > Outcome.PRECAUTIONS
        and not any(o.clinic_id in my_clinics for o in latest.overrides.all())
    )
    context = {
        "chart": found,
        "latest": latest,
        "may_override": may_override,
        "error": error,
        "reason": reason,
        "flagged": [a for a in found.appointments if a.needs_screening_review],
        "record": record_selectors.record_for(user, found),
        "photos": photo_selectors.photos_on_chart(user, found),
        "followup": followup_selectors.followup_on_chart(user, found),
        "chart_audit": audit_selectors.chart_viewers(user, client_id, found.clinic_ids),
    }
    return render(request, "clinic/chart.html", context, status=error.status if error else 200)


@login_required
@require_POST
def override(request: HttpRequest, client_id: int, screening_id: int) -> HttpResponse:
    user = signed_in(request)
    found, record = selectors.chart_screening(user, client_id, screening_id)
    mine = set(member_clinic_ids(user, roles=(Role.PRACTITIONER,))) & found.clinic_ids
    reason = request.POST.get("reason", "")
    try:
        screening_services.override_screening(
            by=user, screening=record, clinic_id=min(mine or found.clinic_ids), reason=reason
        )
    except ApiError as error:
        return _render_chart(request, client_id, error=error, reason=reason)
    messages.success(request, "Override recorded: the client may now book with your clinic.")
    return redirect("clinic:chart", client_id)


@login_required
@require_POST
def reviewed(request: HttpRequest, client_id: int, appointment_id: int) -> HttpResponse:
    user = signed_in(request)
    found = selectors.chart_for(user, client_id)
    if appointment_id not in {a.pk for a in found.appointments}:
        return _render_chart(
            request, client_id, error=ApiError(404, "not_found", "No such appointment.")
        )
    try:
        scheduling_services.review_rescreen(by=user, appointment_id=appointment_id)
    except ApiError as error:
        return _render_chart(request, client_id, error=error)
    messages.success(request, "Marked as reviewed.")
    return redirect("clinic:chart", client_id)
