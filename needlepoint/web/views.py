"""Pages that belong to no step of the journey: the home page, and "not found"."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from needlepoint.errors import error_body
from needlepoint.interop.fhir import fhir_response, operation_outcome


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the language of whoever asked: the contract's error body under /api/, an
    OperationOutcome under /fhir/, a page with the site's layout everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "No such endpoint or object."), status=404)
    if request.path.startswith("/fhir/"):
        return fhir_response(
            operation_outcome("not-found", "No such resource type or resource."), status=404
        )
    return render(request, "web/404.html", status=404)
