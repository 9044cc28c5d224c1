"""Directory pages: credential evidence (the search and the practitioner's page, which need free
time, are scheduling's)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest

from . import selectors


@login_required
def credential_evidence(request: HttpRequest, credential_id: int) -> FileResponse:
    """The uploaded evidence of a credential, only through the access check."""
    credential = selectors.credential_evidence_for(request.user, credential_id)  # type: ignore[arg-type]
    response = FileResponse(credential.evidence.open("rb"), as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
