"""An address that names nothing answers 404 in the caller's language: the API's error body,
a FHIR OperationOutcome, or a page with the site's layout."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_answers_the_contract_error_body() -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_fhir_path_answers_an_operation_outcome() -> None:
    response = Client().get("/fhir/R4/NoSuchType/1/extra/parts")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response.json()["resourceType"] == "OperationOutcome"


def test_an_unknown_page_answers_a_page_that_leads_back() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()
    assert 'href="/"' in response.content.decode()
