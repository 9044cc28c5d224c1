"""Comparing one area across a course: by default the first "before" beside the latest
"after", or any two photos of the course; the chart shows each area's series in course order."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from needlepoint.clinic import photo_services
from needlepoint.clinic.models import Photo

from .factories import Setting, charted_session, make_setting
from .test_photos_cleaning import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def course(setting: Setting) -> dict[str, Photo]:
    """Three sessions a month apart with a before and an after of the cheeks each; the first
    session's after photo uploaded last, as happens when a phone syncs late."""
    photos: dict[str, Photo] = {}
    sessions = [charted_session(setting, days_ago=days) for days in (60, 30, 0)]
    uploads = [
        (0, "before"),
        (1, "before"),
        (1, "after"),
        (2, "before"),
        (2, "after"),
        (0, "after"),
    ]
    for index, stage in uploads:
        [photo] = photo_services.upload_photos(
            by=setting.practitioner,
            session_id=sessions[index].pk,
            area="cheeks",
            stage=stage,
            files=[SimpleUploadedFile("p.jpg", jpeg_with_gps())],
        )
        photos[f"{stage}{index + 1}"] = photo
    return photos


def shown_ids(html: str, container: str) -> list[int]:
    part = html.split(f'id="{container}"', 1)[1].split("</section>", 1)[0]
    return [int(n) for n in re.findall(r'/clinic/photos/(\d+)/"', part)]


def test_by_default_the_first_before_stands_beside_the_latest_after(client: Client) -> None:
    setting = make_setting()
    photos = course(setting)
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]))

    assert response.status_code == 200
    html = response.content.decode()
    expected = [photos["before1"].pk, photos["after3"].pk]
    assert shown_ids(html, "photo-side") == expected
    assert shown_ids(html, "photo-slider") == expected
    assert 'type="range"' in html


def test_any_two_photos_of_the_course_can_be_compared(client: Client) -> None:
    setting = make_setting()
    photos = course(setting)
    client.force_login(setting.practitioner)
    left, right = photos["after1"], photos["before2"]

    response = client.get(
        reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]),
        {"left": left.pk, "right": right.pk},
    )

    assert shown_ids(response.content.decode(), "photo-side") == [left.pk, right.pk]


def test_the_choice_lists_read_in_course_order_even_when_uploaded_late(client: Client) -> None:
    setting = make_setting()
    photos = course(setting)
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]))

    listed = re.findall(
        r'<option value="(\d+)"', response.content.decode().split('id="pick-left"')[1]
    )
    order = ["before1", "after1", "before2", "after2", "before3", "after3"]
    assert [int(n) for n in listed[:6]] == [photos[k].pk for k in order]


def test_a_photo_of_another_area_or_an_unknown_one_is_404(client: Client) -> None:
    setting = make_setting()
    photos = course(setting)
    Photo.objects.filter(pk=photos["after3"].pk).update(area="forehead")
    client.force_login(setting.practitioner)
    url = reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"])

    assert client.get(url, {"left": photos["after3"].pk}).status_code == 404
    assert client.get(url, {"right": 999_999}).status_code == 404
    unknown_area = reverse("clinic:photo-compare", args=[setting.client.pk, "elbows"])
    assert client.get(unknown_area).status_code == 404


def test_a_malformed_choice_gets_400_with_a_message_on_the_page(client: Client) -> None:
    setting = make_setting()
    course(setting)
    client.force_login(setting.practitioner)

    response = client.get(
        reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]), {"left": "abc"}
    )

    assert response.status_code == 400
    assert "Choose the photos to compare from the lists." in response.content.decode()


def test_an_area_without_photos_says_so(client: Client) -> None:
    setting = make_setting()
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:photo-compare", args=[setting.client.pk, "neck"]))

    assert response.status_code == 200
    assert "No photos of this area yet." in response.content.decode()


def test_the_chart_shows_each_areas_series_with_a_link_to_compare(client: Client) -> None:
    setting = make_setting()
    photos = course(setting)
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:chart", args=[setting.client.pk]))

    html = response.content.decode()
    series = html.split('id="photo-series-cheeks"', 1)[1].split("</ol>", 1)[0]
    order = ["before1", "after1", "before2", "after2", "before3", "after3"]
    assert [int(n) for n in re.findall(r'/clinic/photos/(\d+)/"', series)] == [
        photos[k].pk for k in order
    ]
    assert reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]) in series


def test_the_session_page_shows_that_sessions_photos_and_the_upload_form(client: Client) -> None:
    setting = make_setting()
    photos = course(setting)
    client.force_login(setting.practitioner)
    session = photos["before2"].session
    assert session is not None

    response = client.get(reverse("clinic:photo-upload", args=[session.pk]))

    html = response.content.decode().split('id="session-photos"', 1)[1]
    strip = html.split("</ol>", 1)[0]
    shown = {int(n) for n in re.findall(r'/clinic/photos/(\d+)/"', strip)}
    assert shown == {photos["before2"].pk, photos["after2"].pk}
    assert 'enctype="multipart/form-data"' in html
    assert 'name="photos" multiple' in html
