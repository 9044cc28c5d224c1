"""Bad input to the FHIR directory: ignored when lenient (the default), a 400 OperationOutcome
when strict, 404 for what does not exist, 405 for other methods, and never a 500."""

import json

import pytest
from django.test import Client

from needlepoint.interop.fhir_directory import DIRECTORY_TYPES, SEARCH_PARAMS

from .directory_world import R4, entries, get_json, make_world, validate

pytestmark = pytest.mark.django_db
STRICT = {"Prefer": "handling=strict"}


@pytest.fixture
def world():
    return make_world()


def outcome(response) -> dict:
    assert response["Content-Type"].startswith("application/fhir+json")
    body = json.loads(response.content)
    validate(body)
    assert body["resourceType"] == "OperationOutcome"
    return body


@pytest.mark.parametrize(
    "query",
    [
        "Location?near=somewhere",
        "Location?near=91|0|5|km",
        "Location?near=53.8|-1.55|5000|km",
        "Location?near=53.8|-1.55|5|parsecs",
        "Slot?start=tomorrow",
        "Slot?start=ge2026-12-02T10:00:00",  # no offset
        "Slot?status=maybe",
        "Slot?_after=not-a-slot",
        "Organization?_lastUpdated=gtyesterday",
        "Organization?colour=red",
        "Practitioner?_count=-1",
        "PractitionerRole?location=Patient/1",
        "Schedule?actor=Banana/1",
    ],
)
def test_bad_parameters_are_ignored_when_lenient_and_refused_when_strict(
    client: Client, world, query: str
) -> None:
    kind = query.split("?")[0]
    lenient = client.get(f"{R4}/{query}")
    assert lenient.status_code == 200
    _, plain = get_json(client, f"{R4}/{kind}?_count=50")
    assert [r["id"] for r in entries(json.loads(lenient.content))][:5] == [
        r["id"] for r in entries(plain)
    ][:5]
    explicit = client.get(f"{R4}/{query}", headers={"Prefer": "handling=lenient"})
    assert explicit.status_code == 200
    strict = client.get(f"{R4}/{query}", headers=STRICT)
    assert strict.status_code == 400
    issue = outcome(strict)["issue"][0]
    assert issue["code"] == "invalid"
    assert issue["diagnostics"]


def test_good_parameters_pass_strict_handling(client: Client, world) -> None:
    for query in (
        "Location?near=53.8|-1.55|10|km&_count=5",
        "Slot?status=free&start=ge2026-01-01&_count=5",
        f"PractitionerRole?practitioner=Practitioner/{world.leeds.pk}",
        "Organization?_lastUpdated=ge2020-01-01T00:00:00Z",
    ):
        assert client.get(f"{R4}/{query}", headers=STRICT).status_code == 200, query


def test_unknown_types_and_ids_are_404_outcomes(client: Client, world) -> None:
    for path in (
        "Banana",
        "Banana/1",
        "Location/999999",
        "Location/abc",
        "Location/99999999999999999999999",
        "Practitioner/0",
        "Schedule/1",
        "Schedule/x-y",
        "Slot/abc",
        "Organization/1.5",
    ):
        response = client.get(f"{R4}/{path}")
        assert response.status_code == 404, path
        assert outcome(response)["issue"][0]["code"] in {"not-found", "not-supported"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405(client: Client, world, method: str) -> None:
    place = world.leeds.locations.get()
    for path in (
        "metadata",
        "Location",
        f"Location/{place.pk}",
        "Slot",
        "$bulk-publish",
        "$bulk-publish/Slot/GB.ndjson",
        "Banana",
    ):
        response = getattr(client, method)(
            f"{R4}/{path}", data="{}", content_type="application/json"
        )
        assert response.status_code == 405, (method, path)
        assert "GET" in response["Allow"]
        outcome(response)


def test_hostile_values_never_cause_a_500(client: Client, world) -> None:
    values = [
        "'; DROP TABLE directory_location; --",
        "%" * 50,
        "9" * 400,
        "1e309",
        "-0",
        "|||",
        "ge",
        "Location/",
        "\u202e\u0301",
        "x" * 5000,
    ]
    for kind in DIRECTORY_TYPES:
        # Each parameter the type takes, and the paging ones; unknown ones are tested above.
        params = [name for name, _, _ in SEARCH_PARAMS[kind]] + ["_count", "_offset", "_after"]
        for param in params:
            for n, value in enumerate(values):
                headers = STRICT if n % 2 else {}
                response = client.get(f"{R4}/{kind}", {param: value}, headers=headers)
                assert response.status_code in {200, 400}, (kind, param, value)
                json.loads(response.content)
