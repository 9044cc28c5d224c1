"""A clinic manager's grants of chart access to platform staff: the list, a grant, a revocation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlepoint.accounts import audit_selectors
from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import grant_services, record_selectors


@login_required
def grants(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """GET: the clinic's grants, newest first. POST: a new grant."""
    user = signed_in(request)
    clinic = record_selectors.managed_clinic(user, clinic_id)
    error: ApiError | None = None
    if request.method == "POST":
        post = request.POST
        try:
            grant = grant_services.grant_chart_access(
                by=user,
                clinic_id=clinic.pk,
                staff_email=post.get("staff", ""),
                client_email=post.get("client", ""),
                reason=post.get("reason", ""),
                days=post.get("days", ""),
            )
        except ApiError as problem:
            error = problem
        else:
            messages.success(
                request,
                f"{grant.staff} may read this client's chart until "
                f"{grant.expires_at:%d %b %Y, %H:%M} UTC.",
            )
            return redirect("clinic:grants", clinic.pk)
    context = {
        "clinic": clinic,
        "grants": audit_selectors.clinic_grants(clinic.pk),
        "now": timezone.now(),
        "max_days": grant_services.MAX_DAYS,
        "error": error,
        "post": request.POST,
    }
    return render(request, "clinic/grants.html", context, status=error.status if error else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, clinic_id: int, grant_id: int) -> HttpResponse:
    try:
        grant_services.revoke_chart_access(
            by=signed_in(request), clinic_id=clinic_id, grant_id=grant_id
        )
    except ApiError as error:
        return render(request, "clinic/error.html", {"error": error}, status=error.status)
    messages.success(request, "Access revoked.")
    return redirect("clinic:grants", clinic_id)
