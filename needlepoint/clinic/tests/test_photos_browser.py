"""In a real Chromium: a practitioner uploads a before and an after photo of the cheeks from
the session page, then compares them side by side and with the slider."""

import io
import random
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFilter

from needlepoint.accounts.tests.helpers import sign_in_in_browser
from needlepoint.clinic.models import Photo

from .factories import PASSWORD, charted_session, make_setting
from .test_photos_cleaning import exif_with_gps

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def skin(marks: int, seed: int) -> bytes:
    """A cheek-coloured JPEG with `marks` acne scars, GPS tags included, as a phone sends it."""
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), (224, 172, 150))
    draw = ImageDraw.Draw(image)
    for _ in range(marks):
        x, y, r = rng.randint(40, 760), rng.randint(40, 560), rng.randint(6, 16)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(176, 110, 100))
    image = image.filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif_with_gps())
    return out.getvalue()


def sign_in(page, base_url: str, email: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_in_browser(page, base_url, email, PASSWORD, next_path)


def upload(page, stage: str, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#photo-area", "cheeks")
    page.check(f"#photo-stage-{stage}")
    page.set_input_files(
        "#photo-files", files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}]
    )
    with page.expect_navigation():
        page.click("#photo-upload-submit")


def test_a_practitioner_uploads_before_and_after_and_compares_them_with_the_slider(
    live_server, page
) -> None:
    setting = make_setting()
    session = charted_session(setting)
    session_page = reverse("clinic:session", args=[session.pk])
    sign_in(page, live_server.url, setting.practitioner.email, session_page)

    upload(page, "before", "IMG_0001.JPG", skin(marks=40, seed=1))
    assert page.url.endswith(session_page)
    assert "1 photo saved." in page.inner_text(".flash")
    upload(page, "after", "IMG_0002.JPG", skin(marks=12, seed=1))
    assert page.url.endswith(session_page)
    strip = page.locator("#session-photos .photo-strip img")
    assert strip.count() == 2
    page.locator("#session-photos").screenshot(path="/tmp/photos-session.png")
    assert all(
        strip.nth(i).evaluate("img => img.complete && img.naturalWidth === 800") for i in range(2)
    )

    with page.expect_navigation():
        page.click("#compare-cheeks")
    before, after = Photo.objects.order_by("pk")
    side = page.locator("#photo-side img")
    assert [side.nth(i).get_attribute("src") for i in range(2)] == [
        reverse("clinic:photo", args=[before.pk]),
        reverse("clinic:photo", args=[after.pk]),
    ]
    page.wait_for_function(
        "[...document.images].every(img => img.complete && img.naturalWidth > 0)"
    )

    page.locator("#photo-reveal").fill("30")
    reveal = page.locator("#photo-slider").evaluate("el => el.style.getPropertyValue('--reveal')")
    assert reveal == "30%"
    over = page.locator("#photo-slider img.over").evaluate("img => getComputedStyle(img).clipPath")
    assert "30%" in over
    page.screenshot(path="/tmp/photos-compare.png", full_page=True)
