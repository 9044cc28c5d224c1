"""The comparison page: every option against every column for a concern and skin type, each
cell with its sources and marks, uncertain cells marked; bad choices named at their field."""

import re

import pytest
from django.test import Client

from needlepoint.screening import options
from needlepoint.screening.wording import NOT_A_DIAGNOSIS

from .test_pages_questionnaire import text

pytestmark = pytest.mark.django_db

COLUMNS = 6


def cells(html: str) -> list[str]:
    return re.findall(r'<td data-label="[^"]*">(.*?)</td>', html, re.S)


@pytest.mark.parametrize(("concern", "skin_type"), [("scars", "II"), ("hyperpigmentation", "V")])
def test_every_option_and_column_shows_with_its_sources(
    client: Client, concern: str, skin_type: str
) -> None:
    response = client.get(f"/screening/options/?concern={concern}&skin_type={skin_type}")
    assert response.status_code == 200
    html = response.content.decode()
    comparison = options.compare(concern, skin_type, "US")
    rows = re.findall(r'<tr data-option="([a-z_]+)"', html)
    assert rows == [row.option for row in comparison.rows]
    shown = cells(html)
    assert len(shown) == len(comparison.rows) * COLUMNS
    by_row = list(zip(*[iter(shown)] * COLUMNS, strict=True))
    for row, row_cells in zip(comparison.rows, by_row, strict=True):
        expected = [
            row.invasiveness,
            row.downtime,
            row.pigmentation_risk,
            row.typical_sessions,
            row.indicative_cost,
            row.effectiveness,
        ]
        for cell, html_cell in zip(expected, row_cells, strict=True):
            assert cell.text.replace("'", "&#x27;") in html_cell
            for source in cell.sources:
                assert f'class="mark mark-{source.mark.value.replace(" ", "-").lower()}"' in (
                    html_cell
                )
            assert ("⚠ uncertain" in html_cell) is cell.uncertain
    assert f"Pigmentation risk for skin type {skin_type}" in text(response)
    assert "United States (US$)" in text(response)
    assert "indicative" in text(response)
    assert NOT_A_DIAGNOSIS in text(response)


def test_darker_skin_types_see_the_darker_skin_evidence(client: Client) -> None:
    light = text(client.get("/screening/options/?concern=scars&skin_type=I"))
    dark = text(client.get("/screening/options/?concern=scars&skin_type=VI"))
    assert "Favourable for darker skin (types IV–VI)" in dark
    assert "Favourable for darker skin" not in light


def test_the_choices_are_prefilled_from_the_link(client: Client) -> None:
    html = client.get("/screening/options/?concern=wrinkles&skin_type=IV").content.decode()
    assert '<option value="wrinkles" selected>' in html
    assert '<option value="IV" selected>' in html
    assert '<option value="US" selected>' in html


def test_without_choices_the_page_asks_for_them(client: Client) -> None:
    response = client.get("/screening/options/")
    assert response.status_code == 200
    assert "Choose a concern and your skin type" in text(response)
    assert 'id="comparison"' not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("concern=warts&skin_type=III", "Choose one of the listed concerns."),
        ("concern=scars&skin_type=VII", "Choose a skin type from I to VI."),
        ("concern=scars&skin_type=III&market=ZZ", "We have indicative prices for: US."),
        ("concern=scars", "This field is required."),
        ("skin_type=%F0&concern=%F0", "Choose"),
    ],
)
def test_bad_choices_are_named_at_their_field(client: Client, query: str, message: str) -> None:
    response = client.get(f"/screening/options/?{query}")
    assert response.status_code == 422
    assert message in text(response)
    assert "We can't compare with those choices" in text(response)
    assert 'id="comparison"' not in response.content.decode()


def test_a_nul_in_the_query_is_refused_in_plain_words(client: Client) -> None:
    response = client.get("/screening/options/?skin_type=%00&concern=scars")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL character" in response.content.decode()
