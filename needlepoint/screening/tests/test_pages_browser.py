"""The suitability check in a real Chromium on a phone-sized screen: a new visitor answers step
by step, sees a dated wait with its source, opens the comparison for their skin type and keeps
the result by creating an account."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.screening import options
from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.questions import TOPICS
from needlepoint.screening.wording import NOT_A_DIAGNOSIS, day

from .builders import quiet_with
from .test_pages_outcome import evaluated

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def choose(page, question: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.check(f'input[name="{question}"][value="{value}"]')


def say_no(page, *questions: str) -> None:  # type: ignore[no-untyped-def]
    for question in questions:
        choose(page, question, "no")


def next_step(page, number: int) -> None:  # type: ignore[no-untyped-def]
    page.click("#step-next")
    title = TOPICS[number - 1].title
    assert page.inner_text("#step-status") == f"Step {number} of {len(TOPICS)}: {title}"
    assert page.is_visible(f"#topic-{TOPICS[number - 1].id}")


def test_a_visitor_takes_the_check_compares_and_keeps_the_result(live_server, page) -> None:
    stopped = timezone.localdate() - timedelta(days=61)
    until = evaluated(
        quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=str(stopped))
    ).bookable_from
    assert until is not None
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():  # waits for the load event, so the step script has run
        page.click("nav >> text=Suitability check")

    # Step 1: nothing answered yet, so Next stays and says why, at the question.
    assert page.inner_text("#step-status") == f"Step 1 of {len(TOPICS)}: {TOPICS[0].title}"
    assert not page.is_visible("#topic-areas")
    assert not page.is_visible("#submit-answers")
    page.click("#step-next")
    assert page.inner_text("#q-concerns .error") == "Choose at least one answer."
    assert page.evaluate("document.activeElement.name") == "concerns"
    assert not page.is_visible("#q-severity_scars")
    choose(page, "concerns", "scars")
    assert page.is_visible("#q-severity_scars")
    assert not page.is_visible("#q-severity_wrinkles")
    assert page.is_disabled('input[name="severity_wrinkles"] >> nth=0')
    choose(page, "severity_scars", "moderate")
    choose(page, "scar_types", "rolling")
    next_step(page, 2)
    choose(page, "treatment_areas", "cheeks")
    next_step(page, 3)
    assert "Always burns in the sun, never tans." in page.inner_text("#topic-skin_type")
    choose(page, "fitzpatrick_type", "III")
    page.screenshot(path="/tmp/screening-step.png", full_page=True)
    next_step(page, 4)
    say_no(page, "active_infection_in_area", "cold_sore_history", "active_acne_in_area")
    choose(page, "inflamed_skin_condition_in_area", "none")
    say_no(page, "sunburn_in_area")
    choose(page, "skin_lesions_in_area", "warts")
    choose(page, "skin_lesions_in_area", "none")  # "None of these" unticks the others
    assert not page.is_checked('input[name="skin_lesions_in_area"][value="warts"]')
    next_step(page, 5)
    say_no(page, "keloid_tendency", "new_scar_in_area", "surgery_in_area")
    assert not page.is_visible("#q-new_scar_wound_on")
    next_step(page, 6)
    say_no(page, "filler_in_area", "toxin_in_area", "deep_peel_in_area")
    next_step(page, 7)
    say_no(page, "bleeding_disorder", "blood_thinners")
    page.click("#step-back")
    assert page.is_visible("#topic-cosmetic_treatments")
    next_step(page, 7)
    next_step(page, 8)
    say_no(page, "immunosuppressed", "bloodborne_infection")
    choose(page, "diabetes", "no")
    choose(page, "pregnant_or_breastfeeding", "none")
    next_step(page, 9)
    choose(page, "isotretinoin", "stopped")
    assert page.is_visible("#id_isotretinoin_stopped_on")
    page.fill("#id_isotretinoin_stopped_on", str(stopped))
    choose(page, "cancer_treatment_or_steroids", "no")
    next_step(page, 10)
    say_no(page, "anaesthetic_allergy", "metal_allergy")
    with page.expect_navigation():
        page.click("#submit-answers")

    assert page.inner_text("#headline") == f"Wait until {day(until)}, then you can book"
    assert NOT_A_DIAGNOSIS in page.inner_text("#not-a-diagnosis")
    reasons = page.inner_text(".reasons")
    assert f"Treatment can start from {day(until)}" in reasons
    assert "Oral isotretinoin labelling: 6 months after stopping" in reasons
    assert ScreeningRecord.objects.count() == 0
    page.screenshot(path="/tmp/screening-outcome.png", full_page=True)

    with page.context.expect_page() as opened:
        page.click("#compare-link")
    compare = opened.value
    compare.wait_for_load_state()
    assert compare.input_value("#id_concern") == "scars"
    assert compare.input_value("#id_skin_type") == "III"
    assert compare.locator("#comparison tbody tr").count() == len(options.OPTIONS)
    assert "Pigmentation risk for skin type III" in compare.inner_text("#comparison")
    compare.close()

    page.fill("#keep-name", "Nia New")
    page.fill("#keep-email", "nia@example.test")
    page.fill("#keep-password", "a long passphrase")
    with page.expect_navigation():
        page.click("#keep-submit")
    record = ScreeningRecord.objects.get()
    assert record.client == User.objects.get(email="nia@example.test")
    assert record.outcome == "defer"
    assert re.search(rf"/me/screenings/{record.pk}/$", page.url)
    assert page.inner_text("#headline") == f"Wait until {day(until)}, then you can book"
    assert not page.is_visible("#keep")
