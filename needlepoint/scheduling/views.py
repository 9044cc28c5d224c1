"""Scheduling pages: the near-me search with free time."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.directory import search
from needlepoint.directory.concerns import CONCERNS
from needlepoint.errors import ApiError

from . import selectors

RADIUS_CHOICES = (5, 10, 25, 50, 100, 200)
LIMIT_CHOICES = (10, 20, 50, 100)
WITHIN_CHOICES = (1, 3, 7, 14, 30)


def search_page(request: HttpRequest) -> HttpResponse:
    """The form, the list with next free slots, and the map; errors next to their field."""
    context: dict[str, object] = {
        "params": request.GET,
        "concerns": CONCERNS,
        "radius_choices": RADIUS_CHOICES,
        "limit_choices": LIMIT_CHOICES,
        "within_choices": WITHIN_CHOICES,
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
            found = selectors.search_for(query, centre)
            wider = next((r for r in RADIUS_CHOICES if r > query.radius_km), None)
            wider_params = request.GET.copy()
            if wider is not None:
                wider_params["radius_km"] = str(wider)
            context.update(
                query=query,
                centre=centre,
                results=found,
                wider_radius=wider,
                wider_query=wider_params.urlencode(),
                map_data={
                    "centre": [centre.latitude, centre.longitude],
                    "radius_km": query.radius_km,
                    "markers": [
                        {
                            "lat": t.match.location.latitude,
                            "lon": t.match.location.longitude,
                            "name": t.match.practitioner.full_name,
                            "clinic": t.match.practitioner.clinic.name,
                            "url": f"/practitioners/{t.match.practitioner.pk}/",
                        }
                        for t in found
                    ],
                },
            )
    return render(request, "scheduling/search.html", context, status=status)
