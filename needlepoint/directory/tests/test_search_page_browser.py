"""The search page in a real Chromium: type a town, use my location, read errors, widen."""

import re

import pytest

from .factories import practitioner_at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_visitor_finds_practitioners_near_a_town_on_list_and_map(live_server, page) -> None:
    practitioner_at(53.80, -1.55, name="Amira Khan", price="180")
    practitioner_at(53.83, -1.60, name="Ben Ode", price="240")
    page.goto(live_server.url + "/")
    page.fill("#home-near", "Leeds")
    page.click("text=Search")
    page.wait_for_selector(".result")
    assert page.locator(".result .name").all_inner_texts() == ["Amira Khan", "Ben Ode"]
    assert "within 25 km of Leeds" in page.inner_text("#results-heading")
    assert "£180" in page.inner_text(".result >> nth=0")
    page.wait_for_selector("#map[data-markers='2']")
    assert page.locator(".leaflet-marker-icon").count() == 2


def test_use_my_location_searches_around_the_browser_position(live_server, page) -> None:
    practitioner_at(53.80, -1.55, name="Close to you")  # the page fixture puts the browser in Leeds
    page.goto(live_server.url + "/search/")
    page.click("#use-location")
    page.wait_for_selector(".result")
    assert page.locator(".result .name").all_inner_texts() == ["Close to you"]
    assert re.search(r"lat=53\.79970", page.url)


def test_a_bad_place_shows_the_message_next_to_the_field(live_server, page) -> None:
    page.goto(live_server.url + "/search/")
    page.fill("#near", "Xyzzyville")
    page.click(".field-submit button")
    error = page.wait_for_selector("#near-error")
    assert "Xyzzyville" in error.inner_text()
    assert page.get_attribute("#near", "aria-invalid") == "true"


def test_an_empty_answer_offers_a_wider_radius(live_server, page) -> None:
    practitioner_at(54.20, -1.55, name="Forty-five km out")
    page.goto(live_server.url + "/search/?near=Leeds&radius_km=25")
    assert "No verified practitioners" in page.inner_text("#results-heading")
    page.click("text=Search within 50 km")
    page.wait_for_selector(".result")
    assert page.locator(".result .name").all_inner_texts() == ["Forty-five km out"]
    assert page.input_value("#radius_km") == "50"
