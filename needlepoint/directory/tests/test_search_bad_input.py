"""Every bad search input gets a 4xx naming the field (API) or a message by the field (page)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BAD_INPUTS = [
    ({"near": "Xyzzyville"}, "near", "unknown_place"),
    ({"near": "Austin, France"}, "near", "unknown_place"),
    ({"near": "x" * 201}, "near", "invalid"),
    ({"lat": "91", "lon": "0"}, "lat", "invalid"),
    ({"lat": "-90.5", "lon": "0"}, "lat", "invalid"),
    ({"lat": "0", "lon": "180.01"}, "lon", "invalid"),
    ({"lat": "0", "lon": "-181"}, "lon", "invalid"),
    ({"lat": "NaN", "lon": "0"}, "lat", "invalid"),
    ({"lat": "0", "lon": "nan"}, "lon", "invalid"),
    ({"lat": "inf", "lon": "0"}, "lat", "invalid"),
    ({"lat": "north", "lon": "0"}, "lat", "invalid"),
    ({"lat": "10"}, "lon", "missing_location"),
    ({"lon": "10"}, "lat", "missing_location"),
    ({}, "near", "missing_location"),
    ({"near": "Leeds", "radius_km": "0"}, "radius_km", "invalid"),
    ({"near": "Leeds", "radius_km": "-5"}, "radius_km", "invalid"),
    ({"near": "Leeds", "radius_km": "200.1"}, "radius_km", "invalid"),
    ({"near": "Leeds", "radius_km": "NaN"}, "radius_km", "invalid"),
    ({"near": "Leeds", "radius_km": "far"}, "radius_km", "invalid"),
    ({"near": "Leeds", "limit": "101"}, "limit", "invalid"),
    ({"near": "Leeds", "limit": "0"}, "limit", "invalid"),
    ({"near": "Leeds", "limit": "2.5"}, "limit", "invalid"),
    ({"near": "Leeds", "concern": "baldness"}, "concern", "invalid"),
    ({"near": "Leeds", "max_price": "-1"}, "max_price", "invalid"),
    ({"near": "Leeds", "max_price": "cheap"}, "max_price", "invalid"),
    ({"near": "Leeds", "lat": "53.8", "lon": "-1.5"}, "near", "ambiguous_location"),
    ({"near": "Leeds", "available_within_days": "0"}, "available_within_days", "invalid"),
    ({"near": "Leeds", "available_within_days": "61"}, "available_within_days", "invalid"),
    ({"near": "Leeds", "available_within_days": "soon"}, "available_within_days", "invalid"),
    ({"near": "Leeds", "sort": "price"}, "sort", "invalid"),
]


@pytest.mark.parametrize(("params", "field", "code"), BAD_INPUTS)
def test_the_api_answers_422_naming_the_field(
    client: Client, params: dict[str, str], field: str, code: str
) -> None:
    response = client.get("/api/v1/search", params)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["field"] == field
    assert error["code"] == code
    assert error["message"]


@pytest.mark.parametrize(("params", "field", "code"), [p for p in BAD_INPUTS if p[0]])
def test_the_page_shows_the_message_by_the_field(
    client: Client, params: dict[str, str], field: str, code: str
) -> None:
    response = client.get("/search/", params)
    assert response.status_code == 422
    html = response.content.decode()
    message = response.context["error"].message
    assert response.context["error"].field == field
    # The message sits inside the form, right after the field it is about.
    form_field = "near" if field in {"lat", "lon"} else field
    assert html.index(f'id="{form_field}"') < html.index(
        message.replace("'", "&#x27;").replace('"', "&quot;")
    )


def test_the_page_without_a_query_is_a_plain_form(client: Client) -> None:
    response = client.get("/search/")
    assert response.status_code == 200
    assert "error" not in response.context
