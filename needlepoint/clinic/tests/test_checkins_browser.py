"""In a real Chromium: the client answers a day-3 check-in saying the skin is still red and sees
their progress chart; the practitioner finds the adverse event on the chart and closes it with
an outcome (refused without one)."""

import pytest

from needlepoint.accounts.tests.helpers import sign_in_in_browser
from needlepoint.clinic.followup_services import on_session_signed
from needlepoint.clinic.models import AdverseEvent, CheckIn, OutcomeScore

from .factories import PASSWORD, charted_session, make_setting

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def sign_in(page, base_url: str, email: str, next_path: str) -> None:
    sign_in_in_browser(page, base_url, email, PASSWORD, next_path)


def test_a_client_answers_still_red_on_day_3_and_the_clinic_follows_it_up(
    live_server, page
) -> None:
    setting = make_setting()
    first = charted_session(setting, days_ago=31)
    latest = charted_session(setting, days_ago=3)
    for session, grade in ((first, 3), (latest, 2)):
        OutcomeScore.objects.create(
            session=session, scale="goodman_baron", score=grade, assessed_by=setting.practitioner
        )
    on_session_signed(latest)
    day_3 = CheckIn.objects.get(session=latest, day=3)

    # The client follows the e-mail's link.
    sign_in(page, live_server.url, setting.client.email, f"/me/check-ins/{day_3.pk}/")
    page.wait_for_selector("#check-in-form")
    page.click("#check-in-submit")  # nothing answered: refused, the questions named
    page.wait_for_selector("#check-in-error")
    assert "Please answer yes or no: Is the treated skin still red?" in page.inner_text(
        "#check-in-error"
    )
    page.check("#question-redness input[value=yes]")
    for question in ("pus", "spreading", "fever", "darker"):
        page.check(f"#question-{question} input[value=no]")
    page.fill("#note", "Still pink on the cheeks.")
    page.screenshot(path="/tmp/followup-check-in.png", full_page=True)
    with page.expect_navigation():
        page.click("#check-in-submit")
    assert "your answers went to your clinic" in page.inner_text(".flash")
    assert "Is the treated skin still red? Yes" in page.inner_text("#check-in-answers")

    # Their progress: the practitioner's grade falling, and their own rating once they give it.
    page.goto(f"{live_server.url}/me/progress/")
    assert page.locator("svg.progress-svg").count() == 1
    page.fill(f"#improvement-{latest.pk}", "11")
    page.fill(f"#satisfaction-{latest.pk}", "4")
    with page.expect_navigation():
        page.click(f"#session-{latest.pk} button[type=submit]")
    assert "Improvement: 11 is outside the range 0–10." in page.inner_text("#progress-error")
    page.fill(f"#improvement-{latest.pk}", "7")
    with page.expect_navigation():
        page.click(f"#session-{latest.pk} button[type=submit]")
    assert page.locator("svg.progress-svg").count() == 2
    chart = page.locator("#progress-goodman_baron svg")
    assert chart.get_attribute("role") == "img"
    assert "lower is better" in (chart.text_content() or "")
    assert page.locator("#progress-client-rating svg").is_visible()
    page.screenshot(path="/tmp/followup-progress.png", full_page=True)

    # The practitioner sees the event on the chart, open, and follows it up.
    with page.expect_navigation():
        page.click("text=Sign out")
    sign_in(
        page, live_server.url, setting.practitioner.email, f"/clinic/clients/{setting.client.pk}/"
    )
    event = AdverseEvent.objects.get()
    assert (event.kind, event.check_in_id, event.session_id) == (
        "persistent_redness",
        day_3.pk,
        latest.pk,
    )
    notice = page.locator("#open-adverse-events")
    assert "1 open adverse event to follow up" in notice.inner_text()
    assert "Redness past 72 hours" in notice.inner_text()
    page.locator("#followup").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/followup-chart.png", full_page=True)
    with page.expect_navigation():
        notice.locator("a").first.click()
    assert setting.lot.lot_number in page.inner_text("#event-lot")
    assert setting.device.serial in page.inner_text("#event-device")
    with page.expect_navigation():
        page.click("#close-submit")
    assert "Please write the outcome." in page.inner_text("#event-error")
    page.fill("#outcome", "Phoned on day 4: fading, cooling advice; resolved by day 6.")
    with page.expect_navigation():
        page.click("#close-submit")
    assert "Closed" in page.inner_text("#event-status")
    page.screenshot(path="/tmp/followup-event.png", full_page=True)
    event.refresh_from_db()
    assert event.status == "closed"
