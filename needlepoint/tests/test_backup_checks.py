"""The checks a restore makes before it changes anything, with no database: the manifest's
sizes and checksums, the media archive's names, the PostgreSQL client programs' versions."""

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from rich.console import Console

from needlepoint import backup
from needlepoint.backup import BackupError


def made_backup(directory: Path, media: dict[str, bytes] | None = None) -> Path:
    """A backup directory as `backup` writes it, from a small SQLite database and media."""
    directory.mkdir()
    database = directory / "database.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("create table t (x)")
    with tarfile.open(directory / backup.MEDIA, "w") as archive:
        for name, data in (media or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    listed = [
        {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in (media or {}).items()
    ]
    manifest = {
        "format": backup.FORMAT,
        "engine": "sqlite",
        "database": backup.file_entry(database),
        "media": backup.file_entry(directory / backup.MEDIA, files=listed),
    }
    (directory / backup.MANIFEST).write_text(json.dumps(manifest))
    return directory


def test_an_intact_backup_reads_with_its_media(tmp_path: Path) -> None:
    directory = made_backup(tmp_path / "b", {"photos/1/a.jpg": b"\xff\xd8\xffjpeg"})

    manifest = backup.read_manifest(directory)

    files = list(backup.read_media(directory / backup.MEDIA, manifest["media"]["files"]))
    assert files == [("photos/1/a.jpg", b"\xff\xd8\xffjpeg")]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: (d / "media.tar").write_bytes((d / "media.tar").read_bytes()[:-1]), "size"),
        (lambda d: (d / "database.sqlite3").unlink(), "missing"),
        (lambda d: (d / "manifest.json").write_text("{"), "JSON"),
        (lambda d: (d / "manifest.json").unlink(), "no manifest.json"),
    ],
)
def test_a_damaged_or_incomplete_backup_is_refused(tmp_path: Path, damage, reason: str) -> None:  # type: ignore[no-untyped-def]
    directory = made_backup(tmp_path / "b")
    damage(directory)

    with pytest.raises(BackupError, match=reason):
        backup.read_manifest(directory)


def test_a_changed_byte_of_the_same_size_fails_the_checksum(tmp_path: Path) -> None:
    directory = made_backup(tmp_path / "b")
    database = directory / "database.sqlite3"
    data = bytearray(database.read_bytes())
    data[-1] ^= 1
    database.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="SHA-256"):
        backup.read_manifest(directory)


@pytest.mark.parametrize(
    "name", ["../outside.jpg", "/etc/passwd", "photos/../../x", "a//b", "./a", ""]
)
def test_a_member_name_that_could_leave_the_storage_is_refused(name: str) -> None:
    with pytest.raises(BackupError, match="unsafe"):
        backup.safe_member_name(name)


def test_a_media_archive_with_a_file_the_manifest_does_not_list_is_refused(
    tmp_path: Path,
) -> None:
    directory = made_backup(tmp_path / "b", {"photos/1/a.jpg": b"one", "photos/1/b.jpg": b"two"})
    manifest = json.loads((directory / backup.MANIFEST).read_text())
    listed = manifest["media"]["files"][:1]

    with pytest.raises(BackupError, match="not in the manifest"):
        list(backup.read_media(directory / backup.MEDIA, listed))


def test_pg_dump_s_version_is_read_from_its_answer() -> None:
    assert backup.major_version("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert backup.major_version("pg_restore (PostgreSQL) 17.2") == 17
    with pytest.raises(BackupError):
        backup.major_version("command not found")


def test_the_installed_pg_dump_is_found_with_its_version() -> None:
    found = backup.pg_client("pg_dump", at_least=10)
    assert os.access(found.path, os.X_OK)
    assert found.major >= 15


def test_a_pg_dump_older_than_the_server_is_refused_by_name() -> None:
    with pytest.raises(BackupError, match="version 99 or newer is needed"):
        backup.pg_client("pg_dump", at_least=99)


def test_a_missing_pg_dump_is_refused_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup, "DEBIAN_PG_ROOT", tmp_path)

    with pytest.raises(BackupError, match=r"not installed.*postgresql-client-16"):
        backup.pg_client("pg_dump", at_least=16)


def test_a_sqlite_backup_is_consistent_while_another_process_writes(tmp_path: Path) -> None:
    """The online backup API under a live writer (as the site writes during the nightly run):
    the copy is one consistent moment, every pair of rows written together is whole."""
    source = tmp_path / "live.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("create table ledger (id integer primary key, pair integer, filler text)")
        db.executemany(
            "insert into ledger (pair, filler) values (?, ?)",
            [(n // 2, "x" * 200) for n in range(20_000)],
        )
    stop = threading.Event()

    def writer() -> None:
        db = sqlite3.connect(source, timeout=30)
        pair = 10_000
        while not stop.is_set():
            with db:  # two rows in one transaction: a copy has both or neither
                db.executemany("insert into ledger (pair, filler) values (?, 'y')", [(pair,)] * 2)
            pair += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with backup.progress_bar(Console(quiet=True)) as progress:
            backup.backup_sqlite(source, tmp_path / "copy.sqlite3", progress)
    finally:
        stop.set()
        thread.join()

    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    (journal,) = copy.execute("PRAGMA journal_mode").fetchone()
    (rows,) = copy.execute("select count(*) from ledger").fetchone()
    halves = copy.execute("select count(*) from ledger group by pair having count(*) != 2")
    assert journal == "delete"  # one self-contained file, no -wal beside it
    assert rows >= 20_000
    assert halves.fetchall() == []
