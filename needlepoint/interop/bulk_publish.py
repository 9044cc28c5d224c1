"""The SMART Scheduling Links feed: the `$bulk-publish` manifest and its NDJSON files.

Aggregators poll every few minutes, so the answers are cheap to ask again: each carries an
ETag and a Last-Modified made from the latest change of anything published (a few aggregate
queries, no file built), and a client that already has that version gets 304. Files are
streamed line by line from database iterators and per-batch slot computation, never built
whole in memory. Files are split by country; the manifest names each file's regions in
`extension.state`, as the specification lets a publisher do.

Free time depends on the clock as well as on the data, so every answer is computed for the
end of its cache period (one minute at most): a slot published as free is still free to book
when a cache serves the answer for the last time."""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

from needlepoint.scheduling.models import WorkingHours

from . import directory_selectors as selectors
from . import fhir_directory as build
from .directory_views import DeepLinks, base_url, slot_resource
from .fhir import FHIR_NDJSON, FhirError, fhir_response, fhir_view
from .fhir_params import BadParameter, Params, parse_instant, strict_handling

CACHE_SECONDS = 60
R = TypeVar("R", bound=HttpResponseBase)
TYPES = ("Location", "Schedule", "Slot")
COUNTRY = re.compile(r"[A-Z]{2}")


def _params(request: HttpRequest) -> tuple[Params, dt.datetime | None]:
    params = Params(
        dict(request.GET.lists()),
        allowed={"_since"},
        strict=strict_handling(request.headers.get("Prefer", "")),
    )
    raw = params.first("_since")
    if raw is None:
        return params, None
    try:
        return params, parse_instant(raw)[0]
    except BadParameter as error:
        params.bad("_since", str(error))
        return params, None


def clock(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The start of the current cache period and its end, the instant answers are for."""
    seconds = int(now.timestamp())
    start = seconds - seconds % CACHE_SECONDS
    return (
        dt.datetime.fromtimestamp(start, dt.UTC),
        dt.datetime.fromtimestamp(start + CACHE_SECONDS, dt.UTC),
    )


def _version(*parts: object) -> tuple[str, dt.datetime]:
    """ETag and Last-Modified of an answer: the latest published change, how many public rows
    there are, and the cache period (free time moves with the clock)."""
    period, _ = clock(timezone.now())
    stamp, rows = selectors.last_change()
    modified = max(stamp, period) if stamp else period
    digest = hashlib.sha256("|".join(map(str, (*parts, stamp, rows, period))).encode())
    return f'W/"{digest.hexdigest()[:32]}"', modified


def _not_modified(request: HttpRequest, etag: str, modified: dt.datetime) -> bool:
    """RFC 9110: If-None-Match decides when sent; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(modified.timestamp()) <= since


def _headers(response: R, etag: str, modified: dt.datetime) -> R:
    _, end = clock(timezone.now())
    left = max(1, int((end - timezone.now()).total_seconds()))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = f"public, max-age={left}"
    return response


def _conditional(request: HttpRequest, etag: str, modified: dt.datetime) -> HttpResponse | None:
    if _not_modified(request, etag, modified):
        return _headers(HttpResponse(status=304), etag, modified)
    return None


@fhir_view("GET")
def manifest(request: HttpRequest) -> HttpResponse:
    """The manifest: one file per type and country, `_since` passed on to each."""
    params, since = _params(request)
    etag, modified = _version("manifest", since)
    cached = _conditional(request, etag, modified)
    if cached is not None:
        return cached
    regions: dict[str, set[str]] = {}
    for country, region in selectors.public_locations().values_list("country", "region").distinct():
        regions.setdefault(country, set())
        if region:
            regions[country].add(region)
    # The client's own text, not a rounded copy: a file must not name changes before it.
    query = "?" + urlencode({"_since": params.first("_since")}) if since else ""
    output: list[dict[str, Any]] = []
    for kind in TYPES:
        for country in sorted(regions):
            path = reverse("interop:fhir-bulk-file", args=[kind, country])
            item: dict[str, Any] = {"type": kind, "url": request.build_absolute_uri(path) + query}
            if regions[country]:
                item["extension"] = {"state": sorted(regions[country])}
            output.append(item)
    body = {
        # Whole seconds, rounded down: a client polling with it as `_since` may see a change
        # twice, never miss one.
        "transactionTime": build.instant(timezone.now()),
        "request": request.build_absolute_uri(),
        "output": output,
        "error": [],
    }
    response = fhir_response(body)
    response["Content-Type"] = "application/json; charset=utf-8"
    return _headers(response, etag, modified)


@fhir_view("GET")
def ndjson_file(request: HttpRequest, kind: str, country: str) -> HttpResponse:
    if kind not in TYPES or not COUNTRY.fullmatch(country):
        raise FhirError(404, "not-found", "No such file: see the $bulk-publish manifest.")
    _, since = _params(request)
    etag, modified = _version(kind, country, since)
    cached = _conditional(request, etag, modified)
    if cached is not None:
        return cached
    lines = {"Location": _locations, "Schedule": _schedules, "Slot": _slots}[kind]
    encoded = (
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
        for r in lines(request, country, since)
    )
    response = StreamingHttpResponse(encoded, content_type=f"{FHIR_NDJSON}; charset=utf-8")
    # fhir_view hands any response back unchanged; its type names the usual kind only.
    return cast(HttpResponse, _headers(response, etag, modified))


def _locations(
    request: HttpRequest, country: str, since: dt.datetime | None
) -> Iterator[build.Resource]:
    base = base_url(request)
    rows = selectors.public_locations().filter(country=country)
    if since is not None:
        # Changed rows, and places that became public since: a practitioner there was
        # verified (which stamps them) or otherwise changed.
        rows = rows.filter(
            Q(updated_at__gt=since)
            | Q(clinic__updated_at__gt=since)
            | Exists(selectors.listable().filter(locations=OuterRef("pk"), updated_at__gt=since))
        )
    for place in rows.order_by("pk").iterator(chunk_size=500):
        yield build.location(base, place)


def _schedules(
    request: HttpRequest, country: str, since: dt.datetime | None
) -> Iterator[build.Resource]:
    base = base_url(request)
    for row in selectors.schedules(selectors.schedules_changed_since(since), country=country):
        yield build.schedule(base, row.practitioner, row.location)


def _slots(
    request: HttpRequest, country: str, since: dt.datetime | None
) -> Iterator[build.Resource]:
    """Free and busy slots over each clinic's booking horizon; with `_since`, every slot of
    the practitioners whose free time changed since then (their whole schedules, so a client
    replaces them and sees slots that went away too)."""
    _, at = clock(timezone.now())
    places = frozenset(
        selectors.public_locations().filter(country=country).values_list("pk", flat=True)
    )
    window = selectors.SlotWindow(location_ids=places)
    people = selectors.practitioners_changed_since(since).filter(
        Exists(
            WorkingHours.objects.filter(practitioner_id=OuterRef("pk"), location__country=country)
        )
    )
    links = DeepLinks(request)
    for facts, place in selectors.slot_facts(people, window, now=at):
        yield slot_resource(links, facts, place)
