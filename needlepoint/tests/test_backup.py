"""`needlepoint backup` and `restore` on the database the tests run on (SQLite, or PostgreSQL
through the real pg_dump and pg_restore): rows and photos written, backed up, changed and
restored come back exactly; a damaged backup or a database holding data is refused untouched."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from needlepoint.accounts.models import User
from needlepoint.backup import DATABASE_FILE, MANIFEST, read_manifest
from needlepoint.clinic import photo_services
from needlepoint.clinic.models import Photo
from needlepoint.clinic.tests.factories import Setting, charted_session, make_setting
from needlepoint.clinic.tests.test_photos_cleaning import jpeg_with_gps

from .production_support import database_url, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


def upload(setting: Setting, width: int) -> Photo:
    [photo] = photo_services.upload_photos(
        by=setting.practitioner,
        session_id=charted_session(setting).pk,
        area="cheeks",
        stage="before",
        files=[SimpleUploadedFile("a.jpg", jpeg_with_gps(width=width))],
    )
    return photo


def state(private_media: Path) -> dict[str, Any]:
    """What a restore must bring back: the accounts, the photo rows and every stored file."""
    return {
        "users": sorted(User.objects.values_list("email", "full_name")),
        "photos": sorted(Photo.objects.values_list("pk", "storage_name", "sha256")),
        "files": {
            str(path.relative_to(private_media)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(private_media.rglob("*"))
            if path.is_file()
        },
    }


def needlepoint_cli(*args: str, private_media: Path) -> subprocess.CompletedProcess[str]:
    """The console script, on the test database, as cron would run it."""
    env = subprocess_env(DATABASE_URL=database_url(), PRIVATE_MEDIA_ROOT=str(private_media))
    return subprocess.run(
        [sys.executable, "-m", "needlepoint.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_restore_brings_back_the_rows_and_photos_as_they_were_backed_up(
    tmp_path: Path, private_media: Path
) -> None:
    setting = make_setting()
    photo = upload(setting, width=64)
    before = state(private_media)
    assert len(before["files"]) == 1
    backup_dir = tmp_path / "nightly"

    made = needlepoint_cli("backup", "--output", str(backup_dir), private_media=private_media)

    assert made.returncode == 0, made.stderr
    assert "1 private file(s)" in made.stdout
    manifest = read_manifest(backup_dir)
    assert [entry["name"] for entry in manifest["media"]["files"]] == [photo.storage_name]
    assert manifest["media"]["files"][0]["sha256"] == photo.sha256

    # Life goes on: a name changes, an account and a photo are added, a photo file is lost.
    User.objects.filter(pk=setting.client.pk).update(full_name="Cora Changed")
    User.objects.create_user("late@example.test", "a-long-password")
    later = upload(setting, width=80)
    (private_media / photo.storage_name).unlink()
    changed = state(private_media)

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(backup_dir), verbosity=0)
    assert state(private_media) == changed

    damaged = tmp_path / "damaged"
    shutil.copytree(backup_dir, damaged)
    dump = damaged / DATABASE_FILE[manifest["engine"]]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(damaged), force=True, verbosity=0)
    assert state(private_media) == changed

    call_command("restore", str(backup_dir), force=True, verbosity=0)

    assert state(private_media) == before
    assert not (private_media / later.storage_name).exists()
    browser = Client()
    browser.force_login(User.objects.get(email=setting.practitioner.email))
    served = browser.get(reverse("clinic:photo", args=[photo.pk]))
    assert served.status_code == 200
    assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == photo.sha256


def test_a_restore_onto_a_new_empty_installation_needs_no_force(
    tmp_path: Path, private_media: Path
) -> None:
    setting = make_setting()
    photo = upload(setting, width=64)
    before = state(private_media)
    call_command("backup", output=tmp_path / "b", verbosity=0)
    # A new machine: the tables as `migrate` leaves them, no accounts, no files.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(private_media)
    assert not User.objects.exists()

    call_command("restore", str(tmp_path / "b"), verbosity=0)

    assert state(private_media) == before
    assert Photo.objects.get(pk=photo.pk).uploaded_by.email == setting.practitioner.email


def test_backup_refuses_to_overwrite_an_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=tmp_path / "b", verbosity=0)

    assert [p.name for p in (tmp_path / "b").iterdir()] == ["keep.txt"]
    assert not (tmp_path / "b.partial").exists()


def test_a_directory_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=MANIFEST):
        call_command("restore", str(tmp_path), verbosity=0)
