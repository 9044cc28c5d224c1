"""The authorization matrix: every page route and every API operation, for every role, read and
write, against the status declared in matrix_expected.py. Routes are read from the URL
configuration and operations from the OpenAPI document, so a route added later without a row
there fails the test by name.

Each write is sent with an empty (or `{}`) body inside a savepoint rolled back afterwards, so
no answer depends on an earlier one. What a write expects is therefore what an empty write
gets: 404 for anyone who may not see the object, and the owner's own answer to a form with
nothing in it (a page re-shown with its errors, 400, or 422 from the API).
"""

import json
import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from needlepoint.api import api

from .matrix_cast import ROLES, Cast, make_cast
from .matrix_expected import OPERATIONS, PAGES
from .matrix_rows import LOGIN, MOVED, Outcome, Row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings) -> None:  # type: ignore[no-untyped-def]
    """Seven roles post to every form: rate limits (tested on their own) would answer 429."""
    settings.RATE_LIMITS = {}


# --- what the URL configuration and the OpenAPI document declare ---


def all_patterns() -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every URL pattern, found by walking the resolver."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = entry.name or "/" + route  # an unnamed pattern goes by its path
                yield f"{namespace}:{name}" if namespace else name, route

    yield from walk(get_resolver().url_patterns, "", "")


def page_routes() -> Iterator[tuple[str, str]]:
    """Every page route: the admin left out (Django's own, tested below) and the API's
    operations too (they come from the OpenAPI document)."""
    for name, route in all_patterns():
        if name.startswith("admin:"):
            continue
        if name.startswith("api:") and route.rstrip("/") not in API_OWN_PAGES:
            continue
        yield name, route


API_OWN_PAGES = {"api/v1/openapi.json", "api/v1/docs", "api/v1"}


def operations() -> Iterator[tuple[str, str, str]]:
    """(operationId, method, path) of every operation in the OpenAPI document."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield operation["operationId"], method.upper(), path


# --- asking ---


def ask(cast: Cast, role: str, method: str, url: str, *, data: object = None) -> HttpResponse:
    """One request as `role`, in a savepoint rolled back afterwards, so that a write done by
    one role is not there for the next."""
    with transaction.atomic():
        if url.startswith("/api/"):
            client = Client()
            headers = cast.api_headers(role)
            if method == "GET":
                response = client.get(url, **headers)
            else:
                body = json.dumps({} if data is None else data)
                response = client.generic(
                    method, url, body, content_type="application/json", **headers
                )
        else:
            browser = cast.browser(role)
            response = browser.get(url) if method == "GET" else browser.post(url, data or {})
        transaction.set_rollback(True)
    return response


def outcome_of(response: HttpResponse) -> Outcome:
    if response.status_code == 302:
        if response["Location"].startswith("/accounts/login/?next="):
            return LOGIN
        return MOVED
    return response.status_code


def mismatches(cast: Cast, method: str, url: str, expected: Row, data: object = None) -> list[str]:
    got = tuple(outcome_of(ask(cast, role, method, url, data=data)) for role in ROLES)
    return [
        f"{method} {url} as {role}: expected {want}, got {have}"
        for role, want, have in zip(ROLES, expected, got, strict=True)
        if want != have
    ]


def app_of(name: str) -> str:
    return name.split(":", 1)[0] if ":" in name else "unnamed"


APPS = sorted({app_of(name) for name in PAGES})


# --- the tests ---


def test_every_page_route_has_a_declared_expectation() -> None:
    declared = set(PAGES)
    routes = {name for name, _ in page_routes()}
    assert sorted(routes - declared) == [], "routes with no row in PAGES"
    assert sorted(declared - routes) == [], "rows in PAGES for routes that no longer exist"


def test_every_api_operation_has_a_declared_expectation() -> None:
    ids = {op_id.split("_api_", 1)[-1] for op_id, _, _ in operations()}
    assert sorted(ids - set(OPERATIONS)) == [], "operations with no row in OPERATIONS"
    assert sorted(set(OPERATIONS) - ids) == [], "rows for operations that no longer exist"


def test_every_api_url_pattern_is_in_the_openapi_document() -> None:
    """An operation left out of the schema would escape the operations' matrix."""
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", path) for _, _, path in operations()}
    served = {
        "/" + route
        for name, route in all_patterns()
        if name.startswith("api:") and route.rstrip("/") not in API_OWN_PAGES
    }
    assert sorted(served - documented) == []


@pytest.mark.parametrize("app", APPS)
def test_each_page_answers_each_role_as_declared(app: str) -> None:
    cast = make_cast()
    problems: list[str] = []
    for name, page in PAGES.items():
        if app_of(name) != app:
            continue
        url = page.url(cast)
        problems += mismatches(cast, "GET", url, page.get)
        problems += mismatches(cast, "POST", url, page.post, page.data)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("group", ["accounts", "directory", "screening", "scheduling", "clinic"])
def test_each_api_operation_answers_each_role_as_declared(group: str) -> None:
    cast = make_cast()
    problems: list[str] = []
    for op_id, method, _ in operations():
        app, _, short = op_id.removeprefix("needlepoint_").partition("_api_")
        if app != group:
            continue
        operation = OPERATIONS[short]
        data = operation.body(cast) if operation.body else None
        problems += mismatches(cast, method, operation.url(cast), operation.expected, data)
    assert not problems, "\n".join(problems)


def test_every_api_path_refuses_the_methods_it_does_not_declare() -> None:
    cast = make_cast()
    paths: dict[str, set[str]] = {}
    for op_id, method, _ in operations():
        short = op_id.split("_api_", 1)[-1]
        paths.setdefault(OPERATIONS[short].url(cast).split("?")[0], set()).add(method)
    problems = [
        f"{method} {url} as {role}: {status}"
        for url, declared in paths.items()
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - declared
        for role in ("anonymous", "client_a", "manager_x")
        if (status := ask(cast, role, method, url).status_code) != 405
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "client_a", "practitioner_x", "manager_x"])
def test_the_admin_sends_everyone_but_platform_staff_to_its_sign_in(role: str) -> None:
    cast = make_cast()
    response = cast.browser(role).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_opens_for_platform_staff() -> None:
    cast = make_cast()
    assert cast.browser("staff").get("/admin/").status_code == 200
