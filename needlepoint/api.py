"""The public JSON API at /api/v1: routers of every app, and one error shape for all of them."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from needlepoint.accounts.api import router as accounts_router
from needlepoint.clinic.api import router as clinic_router
from needlepoint.directory.api import router as directory_router
from needlepoint.errors import ApiError, error_body, message_of
from needlepoint.scheduling.api import router as scheduling_router
from needlepoint.screening.api import router as screening_router

api = NinjaAPI(
    title="Needlepoint API",
    version="1",
    description=(
        "Find verified micro-needling practitioners near you. Errors always have the body "
        '`{"error": {"code": "…", "message": "…", "field": "…"}}` with a 4xx status.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", accounts_router)
api.add_router("", directory_router)
api.add_router("", screening_router)
api.add_router("", scheduling_router)
api.add_router("", clinic_router)


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problem = exc.errors[0] if exc.errors else {"loc": (), "msg": "Invalid input."}
    loc = [part for part in problem.get("loc", ()) if isinstance(part, str)]
    # The first part of ninja's location says where the value came from (query, body, path).
    field = loc[-1] if len(loc) > 1 else None
    body = error_body("invalid", message_of(problem), field)
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = error_body("unauthenticated", "Sign in: send a bearer token from /api/v1/auth/token.")
    return api.create_response(request, body, status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, error_body("not_found", str(exc) or "Not found."), status=404
    )


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id past 64 bits names no row; SQLite's driver raises instead of finding nothing.
    return api.create_response(request, error_body("not_found", "Not found."), status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)
