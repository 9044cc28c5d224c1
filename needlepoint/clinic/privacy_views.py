"""The client's data page: download everything as JSON, and ask for erasure (with the
password again, since it cannot be undone); the outcome says what was kept and why."""

import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import privacy


@login_required
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    error: ApiError | None = None
    if request.method == "POST":
        try:
            if not user.check_password(request.POST.get("password", "")):
                raise ApiError(422, "invalid", "That is not your password.", "password")
            if request.POST.get("confirm") != "on":
                raise ApiError(422, "invalid", "Tick the box to confirm.", "confirm")
            done = privacy.request_erasure(client=user, reason=request.POST.get("reason", ""))
        except ApiError as problem:
            error = problem
        else:
            logout(request)
            return render(request, "clinic/erasure_done.html", {"request_": done})
    context = {"error": error, "retention_days": privacy.retention().days}
    return render(request, "clinic/my_data.html", context, status=error.status if error else 200)


@login_required
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    data = privacy.export_for(signed_in(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="needlepoint-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response
