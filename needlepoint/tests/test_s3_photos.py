"""Photos kept in an S3-compatible bucket by setting, against a real S3 server (moto's, on
loopback): stored through the clinic's photo service, read back only through the
access-checked photo route, never public."""

import hashlib
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from needlepoint import backup
from needlepoint import settings as project_settings
from needlepoint.clinic import photo_services
from needlepoint.clinic.models import Photo
from needlepoint.clinic.tests.factories import charted_session, make_setting
from needlepoint.clinic.tests.test_photos_cleaning import jpeg_with_gps
from needlepoint.directory.models import private_storage

from .production_support import subprocess_env

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
KEYS = {"AWS_ACCESS_KEY_ID": "needlepoint-test", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(
    s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Any]:
    """A new private bucket, and the settings' own S3 storage pointing at it; the keys only in
    the environment, as in production."""
    for name, value in {**KEYS, "AWS_S3_ENDPOINT_URL": s3_endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    name = f"needlepoint-photos-{uuid.uuid4().hex[:12]}"
    s3 = boto3.resource("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    created = s3.create_bucket(Bucket=name)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "local"
    settings.STORAGES = {**settings.STORAGES, "private": project_settings.s3_private_storage(name)}
    yield created
    created.objects.all().delete()
    created.delete()


def upload(session_id: int, by: Any) -> Photo:
    [photo] = photo_services.upload_photos(
        by=by,
        session_id=session_id,
        area="cheeks",
        stage="after",
        files=[SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps(), "image/jpeg")],
    )
    return photo


def test_a_photo_is_stored_in_the_bucket_and_served_only_through_the_access_check(
    bucket: Any, s3_endpoint: str, tmp_path: Path
) -> None:
    setting = make_setting()
    photo = upload(charted_session(setting).pk, setting.practitioner)

    stored = bucket.Object(f"private/{photo.storage_name}").get()["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == photo.sha256
    assert not (tmp_path / "local").exists()  # nothing written to this machine's disk

    practitioner, outsider, anonymous = Client(), Client(), Client()
    practitioner.force_login(setting.practitioner)
    outsider.force_login(setting.other_practitioner)
    url = reverse("clinic:photo", args=[photo.pk])
    served = practitioner.get(url)
    assert served.status_code == 200
    assert served["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == photo.sha256
    assert outsider.get(url).status_code == 404
    assert anonymous.get(url).status_code == 404

    # The object itself is not public: unsigned, the bucket refuses it; a URL the storage
    # would make is signed and lives five minutes.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{bucket.name}/private/{photo.storage_name}")
    assert refused.value.code == 403
    signed = private_storage().url(photo.storage_name)
    assert "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=300" in signed

    # A backup reads the bucket as it reads the local folder.
    assert list(backup.walk(private_storage())) == [photo.storage_name]


def test_a_failed_upload_leaves_no_object_in_the_bucket(bucket: Any) -> None:
    setting = make_setting()
    session = charted_session(setting)
    good = SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg")
    bad = SimpleUploadedFile("b.jpg", b"not an image at all", "image/jpeg")

    with pytest.raises(Exception, match="not a JPEG, PNG or HEIC"):
        photo_services.upload_photos(
            by=setting.practitioner,
            session_id=session.pk,
            area="cheeks",
            stage="before",
            files=[good, bad],
        )

    assert list(bucket.objects.all()) == []
    assert not Photo.objects.exists()


def test_the_bucket_is_chosen_from_the_environment_alone(
    bucket: Any, s3_endpoint: str, tmp_path: Path
) -> None:
    env = subprocess_env(
        **KEYS,
        AWS_STORAGE_BUCKET_NAME=bucket.name,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        NEEDLEPOINT_VAR_DIR=str(tmp_path),
    )
    probe = (
        "from django.core.files.base import ContentFile;"
        "from needlepoint.directory.models import private_storage as p;"
        "print(type(p()).__name__, p().save('probe/hello.txt', ContentFile(b'hello')))"
    )
    result = subprocess.run(
        [sys.executable, "-m", "needlepoint.cli", "shell", "--no-imports", "-c", probe],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "probe/hello.txt"]
    assert bucket.Object("private/probe/hello.txt").get()["Body"].read() == b"hello"
