"""Directory pages: the near-me search and a practitioner's public profile."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.errors import ApiError

from . import search, selectors
from .concerns import CONCERNS

RADIUS_CHOICES = (5, 10, 25, 50, 100, 200)
LIMIT_CHOICES = (10, 20, 50, 100)


def search_page(request: HttpRequest) -> HttpResponse:
    """The form, the list and the map; errors shown next to the field they are about."""
    context: dict[str, object] = {
        "params": request.GET,
        "concerns": CONCERNS,
        "radius_choices": RADIUS_CHOICES,
        "limit_choices": LIMIT_CHOICES,
        "searched": bool(request.GET),
    }
    status = 200
    if request.GET:
        try:
            query, centre = search.parse(request.GET.dict())
        except ApiError as error:
            context["error"] = error
            status = error.status
        else:
            matches = selectors.search_practitioners(
                latitude=centre.latitude,
                longitude=centre.longitude,
                radius_km=query.radius_km,
                concern=query.concern,
                max_price=query.max_price,
                limit=query.limit,
            )
            wider = next((r for r in RADIUS_CHOICES if r > query.radius_km), None)
            wider_params = request.GET.copy()
            if wider is not None:
                wider_params["radius_km"] = str(wider)
            context.update(
                query=query,
                centre=centre,
                matches=matches,
                wider_radius=wider,
                wider_query=wider_params.urlencode(),
                map_data={
                    "centre": [centre.latitude, centre.longitude],
                    "radius_km": query.radius_km,
                    "markers": [
                        {
                            "lat": m.location.latitude,
                            "lon": m.location.longitude,
                            "name": m.practitioner.full_name,
                            "clinic": m.practitioner.clinic.name,
                            "url": f"/practitioners/{m.practitioner.pk}/",
                        }
                        for m in matches
                    ],
                },
            )
    return render(request, "directory/search.html", context, status=status)


def practitioner_page(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = selectors.public_practitioner(practitioner_id)
    prices = selectors.session_prices({practitioner.clinic_id})
    return render(
        request,
        "directory/practitioner.html",
        {"practitioner": practitioner, "price": prices.get(practitioner.clinic_id)},
    )


@login_required
def credential_evidence(request: HttpRequest, credential_id: int) -> FileResponse:
    """The uploaded evidence of a credential, only through the access check."""
    credential = selectors.credential_evidence_for(request.user, credential_id)  # type: ignore[arg-type]
    response = FileResponse(credential.evidence.open("rb"), as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
