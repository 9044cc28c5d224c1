"""What the record's FHIR tests share: the R4B model of each resource type (the independent
validator), asking as a role through its session or a bearer token, and every reference a
resource holds."""

import importlib
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.test import Client

from needlepoint.tests.matrix_cast import Cast

R4 = "/fhir/R4"


def validate(resource: dict[str, Any]) -> None:
    """Validates with the fhir.resources R4B model of the resource's type."""
    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    getattr(module, kind).model_validate(resource)


def ask(cast: Cast, role: str, url: str, *, token: bool = False) -> HttpResponse:
    """A GET as `role`: a bearer token from /api/v1/auth/token's table, else the session."""
    if token:
        return Client().get(url, **cast.api_headers(role))
    return cast.browser(role).get(url)


def references(node: Any) -> Iterator[str]:
    """Every `reference` inside a resource, contained resources included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)
