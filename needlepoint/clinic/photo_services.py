"""Writes of clinical photos: uploading a session's before / after photos of one area."""

import secrets
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from needlepoint.accounts import audit
from needlepoint.accounts.models import User
from needlepoint.directory.models import private_storage
from needlepoint.errors import ApiError
from needlepoint.screening.choices import AREAS

from .models import Photo
from .photos import MAX_BYTES, CleanImage, PhotoError, clean_image
from .record_selectors import session_for

MAX_FILES = 12
STATUS_OF = {"too_large": 413, "too_many_pixels": 413, "not_an_image": 415}


def upload_photos(
    *, by: User, session_id: int, area: str, stage: str, files: Sequence[UploadedFile]
) -> list[Photo]:
    """Every file cleaned first, so one bad file saves nothing; then the files are written and
    the rows made in one transaction, and the files removed again if it fails. Raises Http404
    for anyone who cannot read the session, ApiError for bad input."""
    _chart, session = session_for(by, session_id)
    if area not in {a.value for a in AREAS}:
        raise ApiError(400, "invalid_area", "Choose the treated area the photos show.", "area")
    if stage not in Photo.Stage.values:
        raise ApiError(400, "invalid_stage", "Choose whether these are before or after.", "stage")
    if not files:
        raise ApiError(400, "no_photos", "Choose at least one photo to upload.", "photos")
    if len(files) > MAX_FILES:
        raise ApiError(
            400, "too_many_photos", f"Upload at most {MAX_FILES} photos at a time.", "photos"
        )
    cleaned = [_clean(upload) for upload in files]

    storage = private_storage()
    written: list[str] = []
    try:
        with transaction.atomic():
            photos = []
            for image in cleaned:
                name = storage.save(
                    f"photos/{session.client_id}/{secrets.token_hex(16)}.jpg",
                    ContentFile(image.data),
                )
                written.append(name)
                photos.append(
                    Photo.objects.create(
                        client_id=session.client_id,
                        clinic_id=session.clinic_id,
                        session=session,
                        area=area,
                        stage=stage,
                        uploaded_by=by,
                        storage_name=name,
                        content_type=image.content_type,
                        width=image.width,
                        height=image.height,
                        size_bytes=len(image.data),
                        sha256=image.sha256,
                    )
                )
                audit.record(
                    audit.CREATE,
                    "photo",
                    photos[-1].pk,
                    client_id=session.client_id,
                    clinic_id=session.clinic_id,
                    user=by,
                )
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return photos


def _clean(upload: UploadedFile) -> CleanImage:
    label = upload.name or "The file"
    # The size is known before reading: an oversized file is refused without loading it.
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ApiError(
            413,
            "too_large",
            f"{label}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB.",
            "photos",
        )
    try:
        return clean_image(upload.read())
    except PhotoError as error:
        raise ApiError(
            STATUS_OF.get(error.code, 400), error.code, f"{label}: {error.message}", "photos"
        ) from error
