"""The charting flow in a real Chromium: the client signs consent on the clinic's tablet with a
drawn signature, the practitioner charts a session with a cartridge lot and signs it, the
manager recalls the lot and sees who it touched."""

import pytest

from needlepoint.accounts.tests.helpers import sign_in_in_browser

from ..models import SignedConsent, TreatmentSession
from .factories import PASSWORD, make_setting

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def sign_in(page, base_url: str, email: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_in_browser(page, base_url, email, PASSWORD, next_path)


def draw_signature(page) -> None:  # type: ignore[no-untyped-def]
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 30)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()


def test_consent_charting_and_recall_in_the_browser(live_server, page) -> None:
    setting = make_setting()
    SignedConsent.objects.all().delete()
    chart = f"/clinic/clients/{setting.client.pk}/"

    sign_in(page, live_server.url, setting.practitioner.email, chart)
    assert "Not signed yet." in page.inner_text("#consent-status-treatment")
    with page.expect_navigation():
        page.click("#sign-on-device-treatment")
    assert "Consent to micro-needling treatment" in page.inner_text("h1")
    assert "What to expect" in page.locator("#consent-text h3").all_inner_texts()
    with page.expect_navigation():
        page.click("#consent-submit")  # nothing drawn yet
    assert "Draw your signature" in page.inner_text("#consent-error")
    draw_signature(page)
    with page.expect_navigation():
        page.click("#consent-submit")
    page.screenshot(path="/tmp/record-consent.png", full_page=True)
    signed = SignedConsent.objects.get()
    assert signed.witnessed_by == setting.practitioner
    assert "Signed" in page.inner_text("#consent-status-treatment")

    with page.expect_navigation():
        page.click("#chart-session")
    page.select_option("#device", str(setting.device.pk))
    page.select_option("#cartridge_lot", str(setting.lot.pk))
    page.fill("#depth_cheeks", "1.25")
    page.fill("#passes_cheeks", "3")
    page.fill("#depth_around_eyes", "0.5")
    page.fill("#passes_around_eyes", "1")
    page.fill("#anaesthetic_product", "EMLA 5%")
    page.check("#endpoint_reached")
    page.fill("#aftercare_given", "Aftercare sheet given; SPF 50 daily.")
    with page.expect_navigation():
        page.click("#chart-submit")
    assert "Draft: not signed" in page.inner_text("#lock-status")
    assert "0.5 mm is deeper than the usual 0.25 mm" in page.inner_text("#depth-warnings")
    assert setting.lot.lot_number in page.inner_text("#session-lot")
    with page.expect_navigation():
        page.click("#sign-submit")
    assert "Signed and locked" in page.inner_text("#lock-status")
    page.screenshot(path="/tmp/record-session.png", full_page=True)
    session = TreatmentSession.objects.get()
    assert session.is_locked
    assert session.consent == signed

    page.context.clear_cookies()
    sign_in(page, live_server.url, setting.manager.email, "/clinic/")
    with page.expect_navigation():
        page.click("#clinical-record >> text=devices, cartridge lots and recalls")
    with page.expect_navigation():
        page.click(f"#lot-{setting.lot.pk} a")
    page.fill("#reason", "Maker's notice: the sterile seal of this batch may be faulty.")
    with page.expect_navigation():
        page.click("#recall-submit")
    assert "Recalled" in page.inner_text("#recalled")
    assert "1 session, 1 client" in page.inner_text("#affected h2")
    assert setting.client.email in page.inner_text(f"#affected-{session.pk}")
    assert "+44 113 496 0000" in page.inner_text(f"#affected-{session.pk}")
    page.screenshot(path="/tmp/record-recall.png", full_page=True)
