"""Uploading a session's photos through the page: several at once, cleaned and stored
privately; bad input gets a 4xx with its reason on the page and leaves nothing behind."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from PIL import Image

from needlepoint.clinic import photo_services
from needlepoint.clinic.models import Photo
from needlepoint.clinic.photos import MAX_BYTES
from needlepoint.scheduling.tests.factories import text

from .factories import charted_session, make_setting
from .test_photos_cleaning import GPS_IFD, heic_with_gps, jpeg_with_gps, png_with_metadata

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def post(client: Client, session_id: int, files: list[SimpleUploadedFile], **fields: str):  # type: ignore[no-untyped-def]
    data = {"area": "cheeks", "stage": "before", **fields, "photos": files}
    return client.post(reverse("clinic:photo-upload", args=[session_id]), data)


def test_a_practitioner_uploads_several_photos_at_once_cleaned_into_private_storage(
    client: Client, private_media: Path
) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.practitioner)
    files = [
        SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("IMG_0002.HEIC", heic_with_gps(), "image/heic"),
        SimpleUploadedFile("scan.png", png_with_metadata(), "image/png"),
    ]

    response = post(client, session.pk, files, next=f"/clinic/sessions/{session.pk}/photos/")

    assert response.status_code == 302
    photos = list(Photo.objects.order_by("pk"))
    assert len(photos) == 3
    for photo in photos:
        assert (photo.client, photo.clinic, photo.session) == (
            setting.client,
            setting.clinic,
            session,
        )
        assert (photo.area, photo.stage, photo.uploaded_by) == (
            "cheeks",
            "before",
            setting.practitioner,
        )
        assert photo.storage_name.startswith(f"photos/{setting.client.pk}/")
        stored = (private_media / photo.storage_name).read_bytes()
        assert photo.content_type == "image/jpeg"
        assert photo.size_bytes == len(stored)
        assert photo.sha256 == hashlib.sha256(stored).hexdigest()
        image = Image.open(io.BytesIO(stored))
        assert (image.width, image.height) == (photo.width, photo.height)
        assert not image.getexif().get_ifd(GPS_IFD)
    assert len(stored_files(private_media)) == 3
    page = client.get(response["Location"])
    assert "3 photos saved." in text(page)


def test_the_clinic_manager_may_upload_too(client: Client) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.manager)

    response = post(client, session.pk, [SimpleUploadedFile("a.jpg", jpeg_with_gps())])

    assert response.status_code == 302
    assert Photo.objects.get().uploaded_by == setting.manager


def test_a_file_that_is_not_an_image_gets_415_with_its_name_and_nothing_is_saved(
    client: Client, private_media: Path
) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.practitioner)
    files = [
        SimpleUploadedFile("good.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("notes.jpg", b"not a picture at all", "image/jpeg"),
    ]

    response = post(client, session.pk, files)

    assert response.status_code == 415
    assert "notes.jpg: The file is not a JPEG, PNG or HEIC photo." in text(response)
    assert 'id="photo-upload-form"' in response.content.decode()
    assert Photo.objects.count() == 0
    assert stored_files(private_media) == []


def test_an_oversized_file_gets_413_without_being_read(client: Client, private_media: Path) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.practitioner)
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"\0" * MAX_BYTES, "image/jpeg")

    response = post(client, session.pk, [huge])

    assert response.status_code == 413
    assert "huge.jpg: the file is larger than 20 MB." in text(response)
    assert Photo.objects.count() == 0
    assert stored_files(private_media) == []


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"area": "elbow"}, 400, "Choose the treated area the photos show."),
        ({"stage": "during"}, 400, "Choose whether these are before or after."),
    ],
)
def test_an_unknown_area_or_stage_gets_400_on_the_page(
    client: Client, fields: dict[str, str], status: int, message: str
) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.practitioner)

    response = post(client, session.pk, [SimpleUploadedFile("a.jpg", jpeg_with_gps())], **fields)

    assert response.status_code == status
    assert message in text(response)
    assert Photo.objects.count() == 0


def test_no_file_gets_400_on_the_page(client: Client) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.practitioner)

    response = post(client, session.pk, [])

    assert response.status_code == 400
    assert "Choose at least one photo to upload." in text(response)


@pytest.mark.parametrize("role", ["other_practitioner", "other_manager", "client", "staff"])
def test_nobody_outside_the_clinic_can_upload(client: Client, role: str) -> None:
    setting = make_setting()
    session = charted_session(setting)
    client.force_login(setting.user(role))

    response = post(client, session.pk, [SimpleUploadedFile("a.jpg", jpeg_with_gps())])

    assert response.status_code == 404
    assert Photo.objects.count() == 0


def fail_the_second_photo_insert() -> None:
    """A real database refusal part-way through the transaction, by a trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER second_photo_fails BEFORE INSERT ON clinic_photo "
                "WHEN (SELECT COUNT(*) FROM clinic_photo) >= 1 "
                "BEGIN SELECT RAISE(ABORT, 'second photo refused'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION second_photo_fails() RETURNS trigger AS $$ BEGIN "
                "IF (SELECT COUNT(*) FROM clinic_photo) >= 1 THEN "
                "RAISE EXCEPTION 'second photo refused'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER second_photo_fails BEFORE INSERT ON clinic_photo "
                "FOR EACH ROW EXECUTE FUNCTION second_photo_fails()"
            )


def test_files_already_written_are_removed_when_the_transaction_fails(private_media: Path) -> None:
    setting = make_setting()
    session = charted_session(setting)
    fail_the_second_photo_insert()
    files = [SimpleUploadedFile(f"{n}.jpg", jpeg_with_gps()) for n in range(3)]

    with pytest.raises(Exception, match="second photo refused"):
        photo_services.upload_photos(
            by=setting.practitioner,
            session_id=session.pk,
            area="cheeks",
            stage="after",
            files=files,
        )

    assert Photo.objects.count() == 0
    assert stored_files(private_media) == []


def test_the_service_refuses_a_session_the_uploader_cannot_read() -> None:
    setting = make_setting()
    session = charted_session(setting)

    with pytest.raises(Http404):
        photo_services.upload_photos(
            by=setting.other_practitioner,
            session_id=session.pk,
            area="cheeks",
            stage="before",
            files=[SimpleUploadedFile("a.jpg", jpeg_with_gps())],
        )
