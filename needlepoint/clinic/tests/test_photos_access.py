"""Who may see a clinical photo: the client it shows and the staff of the clinic that took it.
Everyone else gets 404 on every photo URL (a login redirect for anonymous visitors of pages)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from needlepoint.clinic import photo_services
from needlepoint.clinic.models import Photo
from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.tests.factories import local

from .factories import ROLES, Setting, charted_session, make_setting
from .test_photos_cleaning import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def uploaded(setting: Setting) -> Photo:
    session = charted_session(setting)
    [photo] = photo_services.upload_photos(
        by=setting.practitioner,
        session_id=session.pk,
        area="cheeks",
        stage="before",
        files=[SimpleUploadedFile("a.jpg", jpeg_with_gps())],
    )
    return photo


def photo_urls(setting: Setting, photo: Photo) -> dict[str, str]:
    assert photo.session_id is not None
    return {
        "file": reverse("clinic:photo", args=[photo.pk]),
        "upload": reverse("clinic:photo-upload", args=[photo.session_id]),
        "compare": reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]),
        "gallery": reverse("clinic:photo-gallery", args=[setting.clinic.pk]),
    }


def test_the_file_is_served_privately_with_its_type_and_no_caching(client: Client) -> None:
    setting = make_setting()
    photo = uploaded(setting)
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:photo", args=[photo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ["practitioner", "manager"])
def test_the_clinic_team_reaches_every_photo_url(client: Client, role: str) -> None:
    setting = make_setting()
    photo = uploaded(setting)
    client.force_login(setting.user(role))

    for name, url in photo_urls(setting, photo).items():
        assert client.get(url).status_code == 200, name


def test_the_client_sees_their_own_photo_file_but_not_the_clinic_pages(client: Client) -> None:
    setting = make_setting()
    photo = uploaded(setting)
    client.force_login(setting.client)

    urls = photo_urls(setting, photo)
    assert client.get(urls.pop("file")).status_code == 200
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize(
    "role", [r for r in ROLES if r not in ("practitioner", "manager", "client")]
)
def test_everyone_else_gets_404_on_every_photo_url(client: Client, role: str) -> None:
    setting = make_setting()
    photo = uploaded(setting)
    client.force_login(setting.user(role))

    for name, url in photo_urls(setting, photo).items():
        assert client.get(url).status_code == 404, (role, name)


def test_anonymous_visitors_get_404_for_the_file_and_the_login_page_for_pages(
    client: Client,
) -> None:
    setting = make_setting()
    photo = uploaded(setting)

    urls = photo_urls(setting, photo)
    assert client.get(urls.pop("file")).status_code == 404
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_another_clinic_the_client_also_booked_with_still_cannot_see_this_clinics_photos(
    client: Client,
) -> None:
    setting = make_setting()
    photo = uploaded(setting)
    # The client books with the other clinic too: its team now reads their chart there.
    there = Practitioner.objects.filter(clinic=setting.other_clinic).first()
    assert there is not None
    scheduling_services.book_appointment(
        client=setting.client, practitioner_id=there.pk, start=local(5, 11)
    )
    client.force_login(setting.other_practitioner)

    assert client.get(reverse("clinic:photo", args=[photo.pk])).status_code == 404
    page = client.get(reverse("clinic:photo-compare", args=[setting.client.pk, "cheeks"]))
    assert page.status_code == 200
    assert reverse("clinic:photo", args=[photo.pk]) not in page.content.decode()
    chart = client.get(reverse("clinic:chart", args=[setting.client.pk]))
    assert reverse("clinic:photo", args=[photo.pk]) not in chart.content.decode()


def test_a_photo_whose_file_is_missing_is_404_not_500(client: Client, private_media: Path) -> None:
    setting = make_setting()
    photo = uploaded(setting)
    (private_media / photo.storage_name).unlink()
    client.force_login(setting.practitioner)

    assert client.get(reverse("clinic:photo", args=[photo.pk])).status_code == 404


def test_the_stored_file_is_outside_any_public_path(settings, private_media: Path) -> None:  # type: ignore[no-untyped-def]
    setting = make_setting()
    photo = uploaded(setting)

    stored = (private_media / photo.storage_name).resolve()
    assert stored.is_file()
    for public in (getattr(settings, "MEDIA_ROOT", ""), getattr(settings, "STATIC_ROOT", "")):
        if public:
            assert not stored.is_relative_to(Path(public).resolve())
