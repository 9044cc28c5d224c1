"""Schemathesis against the OpenAPI document, in-process through the WSGI application: a bounded,
seeded number of generated requests per operation, as a client with a bearer token. No answer
may be a 5xx, and every answer must match the schema the document declares for it."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
)

from needlepoint.wsgi import application

EXAMPLES_PER_OPERATION = 25

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def client_token(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from needlepoint.scheduling.tests.factories import bearer, bookable, client_user

    bookable(name="Fuzz Practitioner")
    user = client_user("fuzz@example.test")
    return {"Authorization": bearer(user)["HTTP_AUTHORIZATION"]}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; the test's
    transaction lives on it. Django's own test client stops that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_operation_answers_a_5xx_or_breaks_its_schema(case, client_token) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        headers=client_token,
        checks=[not_a_server_error, response_schema_conformance],
    )
