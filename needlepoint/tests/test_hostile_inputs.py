"""A catalogue of hostile inputs sent to every API operation and to the page forms: each gets a
4xx (or is accepted and shown escaped), never a 5xx, and no script comes back unescaped."""

import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from needlepoint.api import api

from .matrix_cast import Cast, jpeg, make_cast

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "sql": "'; DROP TABLE accounts_user; --",
    "sql_or": "1' OR '1'='1",
    "script": SCRIPT,
    "attribute": '"><img src=x onerror=alert(1)>',
    "nul": "abc\x00def",
    "lone_surrogate": "\ud800",
    "rtl_override": "\u202egnp.exe",
    "zero_width": "\u200b\u200d\ufeff",
    "long": "x" * 10_000,
    "traversal": "../../etc/passwd",
    "number_like": "1e309",
    "emoji": "🧪" * 50,
}


def operations() -> Iterator[tuple[str, str, dict]]:
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


OPERATIONS = sorted((m, p) for m, p, _ in operations())


def body_fields(operation: dict) -> list[str]:
    if "requestBody" not in operation:
        return []
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    component = api.get_openapi_schema()["components"]["schemas"].get(name, schema)
    return list(component.get("properties", {}))


def hostile_request(cast: Cast, method: str, path: str, value: str) -> HttpResponse:
    """Every path and query parameter and every body field of one operation set to `value`."""
    operation = {f"{m} {p}": o for m, p, o in operations()}[f"{method} {path}"]
    # In a URL a lone surrogate can only travel as the bytes of its (invalid) UTF-8 encoding.
    encoded = quote(value, safe="", errors="surrogatepass")
    url = path
    query = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", encoded)
        elif parameter["in"] == "query":
            query.append(f"{parameter['name']}={encoded}")
    url += "?" + "&".join(query)
    # json.dumps escapes a lone surrogate as \ud800: valid JSON, invalid Unicode.
    body = json.dumps(dict.fromkeys(body_fields(operation), value)) if method != "GET" else ""
    return Client().generic(
        method, url, body, content_type="application/json", **cast.api_headers("client_a")
    )


@pytest.fixture
def cast(settings) -> Cast:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {}
    return make_cast()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_refuses_hostile_strings_in_every_field(
    cast: Cast, method: str, path: str
) -> None:
    problems = []
    for name, value in HOSTILE.items():
        try:
            response = hostile_request(cast, method, path, value)
        except Exception as error:
            problems.append(f"{name}: raised {error!r}")
            continue
        status = response.status_code
        if status >= 500:
            problems.append(f"{name}: {status}")
        elif response["Content-Type"].startswith("application/json"):
            if status >= 400 and not response.json().get("error"):
                problems.append(f"{name}: {status} without the error body")
        elif status != 404:
            # Only a path that matches no route (Django's own 404 page) may answer otherwise.
            problems.append(f"{name}: {status} {response['Content-Type']}")
    assert not problems, "\n".join(problems)


WRITES = [(m, p) for m, p in OPERATIONS if m != "GET"]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_10000_deep_json_body_is_a_4xx(cast: Cast, method: str, path: str) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    url = re.sub(r"\{\w+\}", "1", path)
    response = Client().generic(
        method, url, deep, content_type="application/json", **cast.api_headers("client_a")
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_body_past_the_upload_limit_is_a_4xx(cast: Cast, method: str, path: str) -> None:
    oversized = json.dumps({"padding": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    url = re.sub(r"\{\w+\}", "1", path)
    response = Client().generic(
        method, url, oversized, content_type="application/json", **cast.api_headers("client_a")
    )
    assert 400 <= response.status_code < 500


def test_an_oversized_form_post_is_a_4xx(cast: Cast) -> None:
    browser = cast.browser("client_a")
    data = {"q": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    assert 400 <= browser.post("/screening/", data).status_code < 500


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "a\x00.jpg", "‮gpj.exe"]
)
def test_a_path_traversal_file_name_uploads_nothing_outside_private_media(
    cast: Cast,
    settings,
    tmp_path,
    name: str,  # type: ignore[no-untyped-def]
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    browser = cast.browser("practitioner_x")
    upload = SimpleUploadedFile(name, jpeg(), content_type="image/jpeg")
    response = browser.post(
        f"/clinic/sessions/{cast.session.pk}/photos/",
        {"area": "cheeks", "stage": "after", "photos": [upload]},
    )
    assert response.status_code < 500
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(tmp_path / "private") for p in written)
    assert not any("passwd" in p.name or ".." in p.name for p in written)


def test_a_file_named_like_a_photo_but_not_one_is_refused(cast: Cast, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    browser = cast.browser("practitioner_x")
    fake = SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")
    response = browser.post(
        f"/clinic/sessions/{cast.session.pk}/photos/",
        {"area": "cheeks", "stage": "after", "photos": [fake]},
    )
    assert response.status_code in (400, 415)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


# Page forms: (role, method, url, the fields that get the hostile value).
FORMS = [
    ("anonymous", "GET", "/search/", ["near", "concern", "radius_km", "limit", "max_price"]),
    ("anonymous", "GET", "/screening/options/", ["concern", "skin_type"]),
    ("anonymous", "POST", "/screening/", ["step", "answers", "age"]),
    ("anonymous", "POST", "/accounts/login/", ["username", "password", "next"]),
    ("anonymous", "POST", "/accounts/signup/", ["email", "password1", "password2", "full_name"]),
    ("anonymous", "POST", "/accounts/password/reset/", ["email"]),
    ("client_a", "GET", "/practitioners/{p}/", ["week", "start"]),
    ("client_a", "GET", "/practitioners/{p}/book/", ["start", "starts", "concern"]),
    ("client_a", "POST", "/practitioners/{p}/book/", ["start", "action", "concern", "sessions"]),
    ("client_a", "POST", "/practitioners/{p}/waitlist/", ["earliest", "latest"]),
    ("client_a", "POST", "/me/appointments/{a}/move/", ["start"]),
    ("client_a", "POST", "/me/appointments/{a}/cancel/", ["reason"]),
    ("client_a", "POST", "/me/check-ins/{ci}/", ["redness", "pus", "note"]),
    ("practitioner_x", "GET", "/clinic/calendar/", ["day", "week"]),
    ("practitioner_x", "POST", "/clinic/clients/{c}/sessions/new/", ["device", "lot", "notes"]),
    ("practitioner_x", "POST", "/clinic/sessions/{s}/amend/", ["reason", "field", "value"]),
    ("practitioner_x", "POST", "/clinic/adverse-events/{e}/follow-up/", ["note"]),
    ("manager_x", "GET", "/clinic/locations/{l}/", ["day"]),
    ("manager_x", "POST", "/clinic/{x}/inventory/", ["kind", "model", "serial", "expires_on"]),
    ("manager_x", "POST", "/clinic/{x}/lots/{lot}/recall/", ["reason"]),
    ("manager_x", "POST", "/clinic/{x}/grants/", ["staff", "client", "reason", "days"]),
]


def form_url(cast: Cast, url: str) -> str:
    return url.format(
        p=cast.practitioner_x.pk,
        a=cast.setting.appointment.pk,
        ci=cast.check_in.pk,
        c=cast.client_a.pk,
        s=cast.session.pk,
        e=cast.event.pk,
        l=cast.location_x.pk,
        x=cast.setting.clinic.pk,
        lot=cast.setting.lot.pk,
    )


@pytest.mark.parametrize(("role", "method", "url", "fields"), FORMS, ids=[f[2] for f in FORMS])
def test_page_forms_refuse_or_escape_hostile_values(
    cast: Cast, role: str, method: str, url: str, fields: list[str]
) -> None:
    target = form_url(cast, url)
    problems = []
    for name, value in HOSTILE.items():
        if name == "lone_surrogate":
            continue  # a form body is bytes in UTF-8: no lone surrogate can be sent
        data = dict.fromkeys(fields, value)
        browser = cast.browser(role)
        try:
            response = browser.get(target, data) if method == "GET" else browser.post(target, data)
        except Exception as error:
            problems.append(f"{name}: raised {error!r}")
            continue
        if response.status_code >= 500:
            problems.append(f"{name}: {response.status_code}")
        body = response.content.decode(errors="replace")
        if SCRIPT in body or "<img src=x onerror" in body:
            problems.append(f"{name}: the script came back unescaped")
    assert not problems, "\n".join(problems)
