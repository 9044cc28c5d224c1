"""What every FHIR R4 answer shares: the media type, OperationOutcome errors, who is asking.

Views of the FHIR API are plain Django views wrapped in `fhir_view`, which answers only the
methods it is given, turns `FhirError`, `Http404` and an id past 64 bits into an
OperationOutcome with the right status, and sends `application/fhir+json`."""

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import user_for_token

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"
FHIR_VERSION = "4.0.1"

View = Callable[..., HttpResponse]

# The client's record: served by record_views, never public; the directory's catch-all for
# unknown types leaves these names to it.
RECORD_TYPES = (
    "Patient",
    "Appointment",
    "Consent",
    "Procedure",
    "QuestionnaireResponse",
    "Questionnaire",
    "Media",
)


@dataclass
class FhirError(Exception):
    """A 4xx as an OperationOutcome. `code` is from the FHIR issue-type value set
    (http://hl7.org/fhir/valueset-issue-type.html): invalid, not-found, not-supported, …"""

    status: int
    code: str
    diagnostics: str
    expression: str | None = None


def operation_outcome(
    code: str, diagnostics: str, *, severity: str = "error", expression: str | None = None
) -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def fhir_response(resource: dict[str, Any], *, status: int = 200) -> HttpResponse:
    body = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type=f"{FHIR_JSON}; charset=utf-8")


def error_response(error: FhirError) -> HttpResponse:
    outcome = operation_outcome(error.code, error.diagnostics, expression=error.expression)
    return fhir_response(outcome, status=error.status)


def fhir_view(*methods: str) -> Callable[[View], View]:
    """Wraps a FHIR view: other methods get 405, errors an OperationOutcome."""
    allowed = set(methods or ("GET",)) | ({"HEAD"} if "GET" in (methods or ("GET",)) else set())

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error_response(
                    FhirError(405, "not-supported", f"{request.method} is not supported here.")
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, *args, **kwargs)
            except FhirError as error:
                return error_response(error)
            except (Http404, OverflowError):
                return error_response(FhirError(404, "not-found", "No such resource."))

        wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # reads and bearer tokens only
        return wrapper

    return decorate


def requester(request: HttpRequest) -> User | None:
    """Who asks: the bearer token's user (API clients), else the signed-in session's, else
    None. A bearer token that names nobody is an error, not an anonymous request."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        holder = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if holder is None:
            raise FhirError(401, "login", "The bearer token is not valid.")
        request.user = holder
        return holder
    session_user = request.user
    if isinstance(session_user, User) and session_user.is_authenticated:
        return session_user
    return None


def signed_in(request: HttpRequest) -> User:
    """The requester, or 401: clinical resources are never public."""
    user = requester(request)
    if user is None:
        raise FhirError(401, "login", "Sign in: send a bearer token from /api/v1/auth/token.")
    return user
