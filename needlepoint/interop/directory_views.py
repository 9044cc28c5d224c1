"""The public FHIR R4 read API of the directory and of free time: read by id and search.

Each view parses its parameters (fhir_params.py), asks one selector (directory_selectors.py)
and builds resources (fhir_directory.py). Everything here is public, as the near-me search
is; `fhir_view` answers other methods with 405 and errors with an OperationOutcome."""

import itertools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from needlepoint.directory.models import Location, Practitioner
from needlepoint.scheduling.models import WorkingHours

from . import directory_selectors as selectors
from . import fhir_directory as build
from .fhir import FhirError, fhir_response, fhir_view
from .fhir_params import Bound, DateRange, Params, strict_handling


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/R4")


def params_of(request: HttpRequest, kind: str) -> Params:
    allowed = {name for name, _, _ in build.SEARCH_PARAMS[kind]}
    return Params(
        dict(request.GET.lists()),
        allowed=allowed,
        strict=strict_handling(request.headers.get("Prefer", "")),
    )


def page_url(request: HttpRequest, **changes: str) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        query[name] = value
    return request.build_absolute_uri(request.path) + "?" + query.urlencode()


class DeepLinks:
    """Booking links of one answer: the booking page at a slot (scheduling:book with its
    `start`), the page a person books on. Each practitioner's path is reversed once, not
    once per slot: a feed holds thousands of slots per practitioner."""

    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/").removesuffix("/")
        self.paths: dict[int, str] = {}

    def at(self, practitioner_id: int, local_start: str) -> str:
        path = self.paths.get(practitioner_id)
        if path is None:
            path = self.paths[practitioner_id] = reverse("scheduling:book", args=[practitioner_id])
        return f"{self.root}{path}?{urlencode({'start': local_start})}"


def paged(
    request: HttpRequest,
    params: Params,
    rows: QuerySet[Any] | list[Any],
    to_entries: Callable[[list[Any]], Iterable[build.Entry]],
) -> HttpResponse:
    """A searchset of one page of `rows` (`_count`, `_offset`), with its total."""
    count, offset = params.count(), params.offset()
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    page = list(rows[offset : offset + count])
    following = offset + count
    return fhir_response(
        build.searchset(
            base_url(request),
            to_entries(page),
            self_url=request.build_absolute_uri(),
            # _count=0 asks for the total alone: a next link would point back at this page.
            next_url=page_url(request, _offset=str(following))
            if count and following < total
            else None,
            total=total,
        )
    )


def _filter_ids(queryset: QuerySet[Any], params: Params, name: str, field: str) -> QuerySet[Any]:
    ids = params.ids(name)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _referenced(params: Params, name: str, kinds: tuple[str, ...]) -> list[int] | None:
    """Ids named by a reference parameter; a non-numeric id names nothing here."""
    refs = params.references(name, kinds)
    if refs is None:
        return None
    return [int(pk) for _, pk in refs if pk.isdigit() and len(pk) <= 18]


def _last_updated(queryset: QuerySet[Any], params: Params, field: str) -> QuerySet[Any]:
    window = params.date_range("_lastUpdated")
    return selectors.changed(queryset, field, window)


# --- The CapabilityStatement -----------------------------------------------------------------


@fhir_view("GET")
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(build.capability_statement(base_url(request), date=timezone.now()))


# --- Organization ----------------------------------------------------------------------------


@fhir_view("GET")
def organization_read(request: HttpRequest, pk: int) -> HttpResponse:
    clinic = get_object_or_404(selectors.public_clinics(), pk=pk)
    return fhir_response(build.organization(base_url(request), clinic))


@fhir_view("GET")
def organization_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "Organization")
    rows = _filter_ids(selectors.public_clinics(), params, "_id", "pk")
    name = params.first("name")
    if name:
        rows = rows.filter(name__icontains=name)
    rows = _last_updated(rows, params, "updated_at").order_by("pk")
    base = base_url(request)
    return paged(
        request, params, rows, lambda page: [build.Entry(build.organization(base, c)) for c in page]
    )


# --- Location --------------------------------------------------------------------------------


@fhir_view("GET")
def location_read(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(selectors.public_locations(), pk=pk)
    return fhir_response(build.location(base_url(request), place))


@fhir_view("GET")
def location_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "Location")
    rows = _filter_ids(selectors.public_locations(), params, "_id", "pk")
    clinics = _referenced(params, "organization", ("Organization",))
    if clinics is not None:
        rows = rows.filter(clinic_id__in=clinics)
    rows = _last_updated(rows, params, "updated_at")
    near = params.near()
    base = base_url(request)
    if near is None:
        return paged(
            request,
            params,
            rows.order_by("pk"),
            lambda page: [build.Entry(build.location(base, place)) for place in page],
        )
    found = selectors.locations_near(near, rows)
    return paged(
        request,
        params,
        found,
        lambda page: [
            build.Entry(
                build.location(base, place),
                [build.distance_extension(near.in_units(km), near.units)],
            )
            for place, km in page
        ],
    )


# --- Practitioner and PractitionerRole ------------------------------------------------------


@fhir_view("GET")
def practitioner_read(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(selectors.listable(), pk=pk)
    credentials = selectors.current_credentials([pk]).get(pk, [])
    return fhir_response(build.practitioner(base_url(request), person, credentials))


@fhir_view("GET")
def practitioner_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "Practitioner")
    rows = _filter_ids(selectors.listable(), params, "_id", "pk")
    name = params.first("name")
    if name:
        rows = rows.filter(full_name__icontains=name)
    rows = _last_updated(rows, params, "updated_at").order_by("pk")
    base = base_url(request)

    def entries(page: list[Practitioner]) -> list[build.Entry]:
        credentials = selectors.current_credentials(p.pk for p in page)
        return [build.Entry(build.practitioner(base, p, credentials.get(p.pk, []))) for p in page]

    return paged(request, params, rows, entries)


def _roles(page: list[Practitioner]) -> list[build.Entry]:
    places, services = selectors.role_links(page)
    return [
        build.Entry(build.practitioner_role(p, places.get(p.pk, []), services.get(p.pk, [])))
        for p in page
    ]


@fhir_view("GET")
def practitioner_role_read(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(selectors.listable(), pk=pk)
    return fhir_response(_roles([person])[0].resource)


@fhir_view("GET")
def practitioner_role_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "PractitionerRole")
    rows = _filter_ids(selectors.listable(), params, "_id", "pk")
    people = _referenced(params, "practitioner", ("Practitioner",))
    if people is not None:
        rows = rows.filter(pk__in=people)
    clinics = _referenced(params, "organization", ("Organization",))
    if clinics is not None:
        rows = rows.filter(clinic_id__in=clinics)
    places = _referenced(params, "location", ("Location",))
    if places is not None:
        public = selectors.public_locations().filter(pk__in=places).values("pk")
        rows = rows.filter(
            Exists(
                Practitioner.locations.through.objects.filter(
                    practitioner_id=OuterRef("pk"), location_id__in=public
                )
            )
            | Exists(
                WorkingHours.objects.filter(practitioner_id=OuterRef("pk"), location_id__in=public)
            )
        )
    return paged(request, params, rows.order_by("pk"), _roles)


# --- HealthcareService -----------------------------------------------------------------------


@fhir_view("GET")
def healthcare_service_read(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(selectors.public_services(), pk=pk)
    places = selectors.service_locations([service])
    return fhir_response(build.healthcare_service(base_url(request), service, places[service.pk]))


@fhir_view("GET")
def healthcare_service_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "HealthcareService")
    rows = _filter_ids(selectors.public_services(), params, "_id", "pk")
    clinics = _referenced(params, "organization", ("Organization",))
    if clinics is not None:
        rows = rows.filter(clinic_id__in=clinics)
    places = _referenced(params, "location", ("Location",))
    if places is not None:
        rows = rows.filter(
            clinic_id__in=selectors.public_locations().filter(pk__in=places).values("clinic_id")
        )
    base = base_url(request)

    def entries(page: list[Any]) -> list[build.Entry]:
        where = selectors.service_locations(page)
        return [build.Entry(build.healthcare_service(base, s, where[s.pk])) for s in page]

    return paged(request, params, rows.order_by("pk"), entries)


# --- Schedule --------------------------------------------------------------------------------


@fhir_view("GET")
def schedule_read(request: HttpRequest, rid: str) -> HttpResponse:
    ids = build.parse_schedule_id(rid)
    if ids is None:
        raise Http404
    row = selectors.schedule_of(*ids)
    return fhir_response(build.schedule(base_url(request), row.practitioner, row.location))


@fhir_view("GET")
def schedule_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "Schedule")
    people = selectors.listable()
    pairs = selectors.schedule_pairs(people)
    wanted = [
        ids
        for raw in (part for value in params.values("_id") for part in value.split(","))
        if (ids := build.parse_schedule_id(raw)) is not None
    ]
    if params.values("_id"):
        pairs = pairs.filter(
            _any_pair(wanted) if wanted else Q(pk__in=[])  # an id naming nothing finds nothing
        )
    actors = params.references("actor", ("Location", "Practitioner", "PractitionerRole"))
    if actors is not None:
        # Several actors mean any of them, as a comma does in every FHIR search.
        named = Q(pk__in=[])
        for kind, pk in actors:
            if not (pk.isdigit() and len(pk) <= 18):
                continue
            field = "location_id" if kind == "Location" else "practitioner_id"
            named |= Q(**{field: int(pk)})
        pairs = pairs.filter(named)
    window = params.date_range("_lastUpdated")
    rows: list[tuple[int, int]] = list(pairs)
    if window != DateRange():
        stamps = {
            (p, loc): max(a, u)
            for p, loc, a, u in pairs.values_list(
                "practitioner_id",
                "location_id",
                "practitioner__availability_changed_at",
                "location__updated_at",
            )
        }
        rows = [pair for pair in rows if window.holds(stamps[pair])]
    base = base_url(request)

    def entries(page: list[tuple[int, int]]) -> list[build.Entry]:
        loaded = selectors._load_schedules(page)
        return [build.Entry(build.schedule(base, r.practitioner, r.location)) for r in loaded]

    return paged(request, params, rows, entries)


def _any_pair(pairs: list[tuple[int, int]]) -> Q:
    condition = Q(pk__in=[])
    for practitioner_id, location_id in pairs:
        condition |= Q(practitioner_id=practitioner_id, location_id=location_id)
    return condition


# --- Slot --------------------------------------------------------------------------------------


def slot_resource(links: DeepLinks, facts: build.SlotFacts, place: Location) -> build.Resource:
    link = links.at(facts.practitioner_id, build.instant(facts.start, facts.zone))
    return build.slot(facts, deep_link=link, phone=place.phone or None)


@fhir_view("GET")
def slot_read(request: HttpRequest, rid: str) -> HttpResponse:
    parsed = build.parse_slot_id(rid)
    if parsed is None:
        raise Http404
    pid, lid, start = parsed
    exactly = DateRange(lower=Bound(start, True), upper=Bound(start, True))
    window = selectors.SlotWindow(start=exactly, schedules=frozenset({(pid, lid)}))
    for facts, place in selectors.slot_facts(
        selectors.listable().filter(pk=pid), window, now=timezone.now()
    ):
        return fhir_response(slot_resource(DeepLinks(request), facts, place))
    raise Http404


@fhir_view("GET")
def slot_search(request: HttpRequest) -> HttpResponse:
    params = params_of(request, "Slot")
    people = _last_updated(selectors.listable(), params, "availability_changed_at")
    refs = params.references("schedule", ("Schedule",))
    schedules = None
    if refs is not None:
        schedules = frozenset(
            ids for _, raw in refs if (ids := build.parse_schedule_id(raw)) is not None
        )
        people = people.filter(pk__in={p for p, _ in schedules})
    statuses = params.choice("status", ("free", "busy"))
    after = None
    cursor = params.first("_after")
    if cursor is not None:
        after = build.parse_slot_id(cursor)
        if after is None:
            params.bad("_after", "_after must be a Slot id from a next link.")
    window = selectors.SlotWindow(
        start=params.date_range("start"),
        schedules=schedules,
        statuses=frozenset(statuses) if statuses else frozenset({"free", "busy"}),
        after=after,
    )
    count = params.count()
    links = DeepLinks(request)
    found = list(
        itertools.islice(selectors.slot_facts(people, window, now=timezone.now()), count + 1)
    )
    page, more = found[:count], len(found) > count
    next_url = None
    if more and page:
        last = page[-1][0]
        next_url = page_url(
            request, _after=build.slot_id(last.practitioner_id, last.location_id, last.start)
        )
    return fhir_response(
        build.searchset(
            base_url(request),
            [build.Entry(slot_resource(links, facts, place)) for facts, place in page],
            self_url=request.build_absolute_uri(),
            next_url=next_url,
        )
    )


# --- Anything else under /fhir/R4/ -------------------------------------------------------------


@fhir_view("GET")
def unknown(request: HttpRequest, kind: str, rid: str | None = None) -> HttpResponse:
    """A type this server does not serve, or an id that cannot exist: 404 as FHIR says."""
    if kind in build.DIRECTORY_TYPES:
        named = f" with id {rid!r}" if rid else ""
        raise FhirError(404, "not-found", f"No {kind}{named}: search at /fhir/R4/{kind}.")
    raise FhirError(404, "not-supported", f"Resource type {kind!r} is not served here.")
