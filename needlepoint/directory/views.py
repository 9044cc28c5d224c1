"""Directory pages: a practitioner's public profile and credential evidence (the search page,
which needs free time, is scheduling's)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


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
