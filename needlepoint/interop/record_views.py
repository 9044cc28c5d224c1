"""FHIR R4 reads of the client's record (`/fhir/R4/<Type>/<id>`, `/fhir/R4/<Type>?patient=…`,
`Patient/<id>/$everything`), the public suitability Questionnaire, and the client's own download
of their record as a FHIR Bundle from the "My data" page.

Thin: who asks (fhir.signed_in: a bearer token or the session), one access function from
record_selectors (404 for what the asker may not see, audited), one builder."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from needlepoint.accounts import audit
from needlepoint.accounts.models import Role, User
from needlepoint.clinic.photo_selectors import photo_for
from needlepoint.clinic.record_selectors import effective

from . import export, fhir_questionnaire, fhir_record, fhir_search, record_selectors
from .fhir import FHIR_JSON, FhirError, fhir_response, fhir_view, signed_in
from .fhir_record import Refs, Resource
from .fhir_search import Query, SearchError
from .record_selectors import Scope

REFS = Refs()


def fhir_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/R4")


def photo_url(request: HttpRequest) -> Callable[[int], str]:
    return lambda pk: request.build_absolute_uri(reverse("clinic:photo", args=[pk]))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=3600"  # the form changes with a release
    return response


# --- reads by id -----------------------------------------------------------------------------


@fhir_view("GET")
def patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    scope = record_selectors.record_scope(signed_in(request), patient_id, "patient")
    return _private(fhir_response(fhir_record.patient(scope.client)))


@fhir_view("GET")
def appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    item = record_selectors.appointment_for(signed_in(request), appointment_id)
    return _private(fhir_response(fhir_record.appointment(item, REFS)))


@fhir_view("GET")
def consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    signed, current = record_selectors.consent_for(signed_in(request), consent_id)
    return _private(fhir_response(fhir_record.consent(signed, current=current, refs=REFS)))


@fhir_view("GET")
def procedure(request: HttpRequest, procedure_id: int) -> HttpResponse:
    session = record_selectors.procedure_for(signed_in(request), procedure_id)
    return _private(fhir_response(fhir_record.procedure(session, effective(session), REFS)))


@fhir_view("GET")
def media(request: HttpRequest, media_id: int) -> HttpResponse:
    """A photo's description; its bytes stay behind the photo route's own access check."""
    photo = photo_for(signed_in(request), media_id)
    resource = fhir_record.media(photo, url=photo_url(request)(photo.pk), refs=REFS)
    return _private(fhir_response(resource))


@fhir_view("GET")
def questionnaire_response(request: HttpRequest, response_id: int) -> HttpResponse:
    screening = record_selectors.screening_for(signed_in(request), response_id)
    resource = export.questionnaire_response(screening, base=fhir_base(request), refs=REFS)
    return _private(fhir_response(resource))


@fhir_view("GET")
def questionnaire(request: HttpRequest, questionnaire_id: str) -> HttpResponse:
    if questionnaire_id != fhir_questionnaire.QUESTIONNAIRE_ID:
        raise Http404("No such questionnaire.")
    return _public(fhir_response(fhir_questionnaire.questionnaire(fhir_base(request))))


@fhir_view("GET")
def questionnaire_search(request: HttpRequest) -> HttpResponse:
    """The one questionnaire, or none when `_id` or `url` names another."""
    params = request.GET
    unknown = sorted(set(params) - {"_id", "url", "_format"})
    if unknown:
        raise FhirError(400, "not-supported", f"Unsupported parameter {unknown[0]!r}.", unknown[0])
    resource = fhir_questionnaire.questionnaire(fhir_base(request))
    wanted = all(resource["id"] in value.split(",") for value in params.getlist("_id")) and all(
        value == resource["url"] for value in params.getlist("url")
    )
    found = [resource] if wanted else []
    bundle = fhir_record.searchset(
        fhir_base(request),
        "Questionnaire",
        found,
        total=len(found),
        self_url=request.build_absolute_uri(),
        next_url="",
    )
    return _public(fhir_response(bundle))


@fhir_view("GET")
def not_a_record_id(request: HttpRequest, kind: str, rid: str) -> HttpResponse:
    """An id of a record type that no row can have (not digits, too long): FHIR's 404."""
    raise FhirError(404, "not-found", f"No {kind} with id {rid!r}.")


@fhir_view("GET")
def everything(request: HttpRequest, patient_id: int) -> HttpResponse:
    """`Patient/<id>/$everything`: the same Bundle as the client's download, within what the
    asker may see (a clinic's staff: their clinics' part of the record)."""
    user = signed_in(request)
    scope = record_selectors.record_scope(user, patient_id, "client_data", audit.EXPORT)
    bundle = export.record_bundle(scope, base=fhir_base(request), photo_url=photo_url(request))
    return _private(fhir_response(bundle))


# --- searches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """One resource type's search: how to build the patient's resources, and which of their
    fields the `date` and token parameters read."""

    kind: str
    audited_as: str
    build: Callable[[Scope, HttpRequest], list[Resource]]
    tokens: dict[str, Callable[[Resource], set[str]]] = field(default_factory=dict)
    date_of: Callable[[Resource], str | None] | None = None


def _status(resource: Resource) -> set[str]:
    return {resource["status"]}


def _questionnaire_of(resource: Resource) -> set[str]:
    url = resource["questionnaire"]
    return {url, "Questionnaire/" + url.rsplit("/", 1)[-1], url.rsplit("/", 1)[-1]}


SEARCHES = {
    "Patient": Search("Patient", "patient", lambda scope, r: [fhir_record.patient(scope.client)]),
    "Appointment": Search(
        "Appointment",
        "appointments",
        lambda scope, r: [
            fhir_record.appointment(a, REFS) for a in record_selectors.appointments(scope)
        ],
        tokens={"status": _status},
        date_of=lambda resource: resource.get("start"),
    ),
    "Consent": Search(
        "Consent",
        "consents",
        lambda scope, r: [
            fhir_record.consent(c, current=current, refs=REFS)
            for c, current in record_selectors.consents(scope)
        ],
        tokens={"status": _status},
    ),
    "Procedure": Search(
        "Procedure",
        "sessions",
        lambda scope, r: [
            fhir_record.procedure(s, effective(s), REFS) for s in record_selectors.procedures(scope)
        ],
        tokens={"status": _status},
        date_of=lambda resource: resource.get("performedDateTime"),
    ),
    "QuestionnaireResponse": Search(
        "QuestionnaireResponse",
        "screenings",
        lambda scope, r: [
            export.questionnaire_response(s, base=fhir_base(r), refs=REFS)
            for s in record_selectors.screenings(scope)
        ],
        tokens={"questionnaire": _questionnaire_of},
    ),
}


def _matches(search: Search, query: Query, resource: Resource) -> bool:
    updated = fhir_search.moment_of(resource.get("meta", {}).get("lastUpdated"))
    if not fhir_search.all_match(query.last_updated, updated):
        return False
    if query.dates and search.date_of is not None:
        when = fhir_search.moment_of(search.date_of(resource))
        if not fhir_search.all_match(query.dates, when):
            return False
    return all(search.tokens[name](resource) & wanted for name, wanted in query.tokens.items())


def _parse(request: HttpRequest, search: Search) -> Query:
    try:
        return fhir_search.parse_query(
            {name: request.GET.getlist(name) for name in request.GET},
            tokens=tuple(search.tokens),
            has_date=search.date_of is not None,
            patient_param="_id" if search.kind == "Patient" else "patient",
        )
    except SearchError as error:
        raise FhirError(400, "invalid", error.message, error.parameter) from None


def _patient_id(user: User, query: Query, search: Search) -> int:
    if query.patient_id is not None:
        return query.patient_id
    if user.role == Role.CLIENT:
        return int(user.pk)  # a client's search without a patient is of their own record
    name = "_id" if search.kind == "Patient" else "patient"
    raise FhirError(400, "required", f"Give {name}=<patient id>: whose record?", name)


def _search(request: HttpRequest, search: Search) -> HttpResponse:
    user = signed_in(request)
    query = _parse(request, search)
    scope = record_selectors.record_scope(user, _patient_id(user, query, search), search.audited_as)
    found = [r for r in search.build(scope, request) if _matches(search, query, r)]
    page = found[query.offset : query.offset + query.count]
    next_url = ""
    if query.count and query.offset + query.count < len(found):  # _count=0 asks for the total
        params = request.GET.copy()
        params["_offset"] = str(query.offset + query.count)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    bundle = fhir_record.searchset(
        fhir_base(request),
        search.kind,
        page,
        total=len(found),
        self_url=request.build_absolute_uri(),
        next_url=next_url,
    )
    return _private(fhir_response(bundle))


def search_view(kind: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        return _search(request, SEARCHES[kind])

    view.__name__ = view.__qualname__ = f"{kind[0].lower()}{kind[1:]}_search"
    view.__doc__ = f"`GET /fhir/R4/{kind}?…`: a patient's {kind} resources."
    return fhir_view("GET")(view)


patient_search = search_view("Patient")
appointment_search = search_view("Appointment")
consent_search = search_view("Consent")
procedure_search = search_view("Procedure")
questionnaire_response_search = search_view("QuestionnaireResponse")


# --- the client's download -------------------------------------------------------------------


@login_required
@require_safe
@never_cache
def my_record_fhir(request: HttpRequest) -> HttpResponse:
    """`/me/data/export.fhir.json`: the signed-in client's whole record as a FHIR Bundle, as an
    attachment; audited as an export like the JSON download. Only clients have a record."""
    user = request.user
    if not isinstance(user, User) or user.role != Role.CLIENT:
        raise Http404("Only a client has a record to download.")
    scope = record_selectors.record_scope(user, user.pk, "client_data", audit.EXPORT)
    bundle = export.record_bundle(scope, base=fhir_base(request), photo_url=photo_url(request))
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1),
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="needlepoint-record-{stamp}.fhir.json"'
    return _private(response)
