"""The clinic's gallery, for using photos beyond the chart: only photos of clients whose
photo-use consent with that clinic is current; no others, ever, and no names."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.clinic import photo_services
from needlepoint.clinic.models import ConsentForm, Photo
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.tests.factories import client_user, local
from needlepoint.screening.models import ScreeningRecord

from .factories import Setting, charted_session, make_setting, sign
from .test_photos_cleaning import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def photo_of(setting: Setting, client: User) -> Photo:
    session = charted_session(setting, client=client)
    [photo] = photo_services.upload_photos(
        by=setting.practitioner,
        session_id=session.pk,
        area="forehead",
        stage="before",
        files=[SimpleUploadedFile("p.jpg", jpeg_with_gps())],
    )
    return photo


def second_client(setting: Setting) -> User:
    """Another client of the setting's clinic, booked there."""
    person = client_user("second@example.test")
    person.full_name = "Sami Second"
    person.save()
    scheduling_services.book_appointment(
        client=person, practitioner_id=setting.appointment.practitioner_id, start=local(4, 10)
    )
    return person


def gallery_ids(client: Client, setting: Setting) -> set[int]:
    response = client.get(reverse("clinic:photo-gallery", args=[setting.clinic.pk]))
    assert response.status_code == 200
    return {int(n) for n in re.findall(r'/clinic/photos/(\d+)/"', response.content.decode())}


def test_only_photos_of_clients_with_a_current_photo_consent_appear(client: Client) -> None:
    setting = make_setting()
    without = photo_of(setting, setting.client)  # signed only the treatment consent
    consenting = second_client(setting)
    sign(consenting, setting.clinic, ConsentForm.Kind.PHOTO)
    shown = photo_of(setting, consenting)
    client.force_login(setting.manager)

    assert gallery_ids(client, setting) == {shown.pk}
    assert without.pk != shown.pk
    page = client.get(reverse("clinic:photo-gallery", args=[setting.clinic.pk])).content.decode()
    assert "Sami Second" not in page
    assert "second@example.test" not in page


def test_a_consent_signed_with_another_clinic_does_not_count(client: Client) -> None:
    setting = make_setting()
    photo_of(setting, setting.client)
    sign(setting.client, setting.other_clinic, ConsentForm.Kind.PHOTO)
    client.force_login(setting.practitioner)

    assert gallery_ids(client, setting) == set()


def test_a_photo_consent_on_an_old_form_version_no_longer_counts(client: Client) -> None:
    setting = make_setting()
    photo = photo_of(setting, setting.client)
    sign(setting.client, setting.clinic, ConsentForm.Kind.PHOTO)
    client.force_login(setting.practitioner)
    assert gallery_ids(client, setting) == {photo.pk}

    ConsentForm.objects.create(
        clinic=setting.clinic,
        kind=ConsentForm.Kind.PHOTO,
        version=99,
        title="Use of photographs",
        body="Our new wording.",
    )

    assert gallery_ids(client, setting) == set()


def test_a_photo_consent_lapses_when_the_health_answers_change(client: Client) -> None:
    setting = make_setting()
    photo = photo_of(setting, setting.client)
    sign(setting.client, setting.clinic, ConsentForm.Kind.PHOTO)
    client.force_login(setting.practitioner)
    assert gallery_ids(client, setting) == {photo.pk}

    latest = ScreeningRecord.objects.filter(client=setting.client).order_by("-pk").first()
    assert latest is not None
    latest.pk = None
    latest.answers = {**latest.answers, "changed_for_the_test": True}
    latest.created_at = timezone.now()
    latest.save()

    assert gallery_ids(client, setting) == set()


def test_the_gallery_of_another_clinic_is_404(client: Client) -> None:
    setting = make_setting()
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:photo-gallery", args=[setting.other_clinic.pk]))

    assert response.status_code == 404


def test_my_gallery_leads_to_my_clinics_gallery(client: Client) -> None:
    setting = make_setting()
    client.force_login(setting.practitioner)

    response = client.get(reverse("clinic:photo-my-gallery"))

    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:photo-gallery", args=[setting.clinic.pk])
