"""Backups and restores of a whole installation: the database and the private media (clinical
photos, identity documents), with a manifest of checksums that a restore verifies first.

A backup is one directory, written under a temporary name and renamed when complete:
    manifest.json      what the backup holds, with a SHA-256 of every file
    database.sqlite3   SQLite: a copy made by SQLite's online backup API (consistent while the
                       server runs), or
    database.pgdump    PostgreSQL: pg_dump's custom format (compressed; pg_restore reads it)
    media.tar          every file of the private storage (local disk or S3), uncompressed:
                       photos are JPEGs already
A directory rather than one archive: the dump stays a file pg_restore and sqlite3 open as they
are, each part is checked on its own, and rsync or `aws s3 sync` copy it offsite unchanged."""

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql",
}
# SQLite copies this many pages per step of the online backup, reporting progress between
# steps. A write by another connection restarts the copy, so steps are large: most clinics'
# databases are copied in a handful of them.
SQLITE_PAGES_PER_STEP = 16_384
CHUNK = 1024 * 1024
# Debian and Ubuntu install each major version's client programs here, side by side.
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """Why a backup or restore cannot go on, in words for the person running it."""


# --- Pure helpers: no Django ---


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def major_version(version_output: str) -> int:
    """The major version in `pg_dump --version`'s answer, e.g. 15 from
    "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", version_output)
    if not found:
        raise BackupError(f"Cannot read a PostgreSQL version from {version_output.strip()!r}.")
    return int(found[1])


def safe_member_name(name: str) -> str:
    """A storage name from a media archive, refused if it could land outside the storage
    (absolute, `..`, empty parts): an archive is data, and data is not trusted."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise BackupError(f"The media archive holds an unsafe name: {name!r}.")
    if "\\" in name or "\x00" in name or str(path) != name:
        raise BackupError(f"The media archive holds an unsafe name: {name!r}.")
    return str(path)


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, once every file it lists is there with its recorded size and checksum."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} is not a Needlepoint backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not readable JSON ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup manifest of format {FORMAT}.")
    if manifest.get("engine") not in DATABASE_FILE:
        raise BackupError(f"{path} names an unknown database engine {manifest.get('engine')!r}.")
    for part in ("database", "media"):
        entry = manifest.get(part)
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise BackupError(f"{path} does not describe the {part} file.")
        verify_file(directory, entry)
    return manifest


def verify_file(directory: Path, entry: dict[str, Any]) -> None:
    name = entry["file"]
    if name not in (*DATABASE_FILE.values(), MEDIA):
        raise BackupError(f"The manifest names an unexpected file {name!r}.")
    path = directory / name
    if not path.is_file():
        raise BackupError(f"The backup is incomplete: {name} is missing.")
    if path.stat().st_size != entry.get("bytes"):
        raise BackupError(f"{name} has been changed or truncated: its size differs.")
    if sha256_of(path) != entry.get("sha256"):
        raise BackupError(f"{name} has been changed or damaged: its SHA-256 differs.")


def file_entry(path: Path, **extra: Any) -> dict[str, Any]:
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_of(path), **extra}


def sqlite_copy(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    *,
    pages: int = -1,
    progress: Callable[[int, int, int], object] | None = None,
) -> None:
    """SQLite's online backup API: a consistent copy while others read and write the source."""
    source.backup(target, pages=pages, progress=progress)


def default_output(root: Path, now: dt.datetime) -> Path:
    return root / f"needlepoint-{now.strftime('%Y%m%d-%H%M%SZ')}"


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=not console.is_terminal,
    )


# --- PostgreSQL client programs ---


@dataclass(frozen=True)
class PgClient:
    path: str
    major: int


def pg_client(program: str, *, at_least: int) -> PgClient:
    """The newest `program` (pg_dump or pg_restore) of major version `at_least` or more: on the
    PATH or in Debian's /usr/lib/postgresql/N/bin. An older pg_dump cannot dump a newer server,
    and an older pg_restore cannot read a newer pg_dump's archive."""
    candidates = [shutil.which(program)]
    candidates += sorted((str(p) for p in DEBIAN_PG_ROOT.glob(f"*/bin/{program}")), reverse=True)
    found: list[PgClient] = []
    for path in dict.fromkeys(c for c in candidates if c):
        answer = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        if answer.returncode == 0:
            found.append(PgClient(path, major_version(answer.stdout)))
    if not found:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client-{at_least})."
        )
    best = max(found, key=lambda client: client.major)
    if best.major < at_least:
        raise BackupError(
            f"{program} is version {best.major} ({best.path}); version {at_least} or newer is "
            f"needed (Debian: apt-get install postgresql-client-{at_least})."
        )
    return best


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for Django's connection settings: the password never on a command line."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
        ("PGSSLMODE", options.get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def run_with_table_progress(
    command: list[str], env: dict[str, str], progress: Progress, description: str, tables: int
) -> None:
    """Runs pg_dump or pg_restore --verbose, one step of the bar per table it reports."""
    task = progress.add_task(description, total=max(tables, 1))
    lines: list[str] = []
    with subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip())
            if re.search(r"(dumping contents of|processing data for) table", line):
                progress.advance(task)
    progress.update(task, completed=max(tables, 1))
    if process.returncode != 0:
        errors = [line for line in lines if "error" in line.lower()] or lines[-5:]
        raise BackupError(f"{Path(command[0]).name} failed:\n" + "\n".join(errors[-10:]))


def archived_tables(client: PgClient, dump: Path) -> int:
    """How many tables' data a pg_dump archive holds, from its table of contents."""
    listing = subprocess.run(
        [client.path, "--list", str(dump)], capture_output=True, text=True, timeout=300
    )
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read {dump.name}: {listing.stderr.strip()}")
    return sum(" TABLE DATA " in line for line in listing.stdout.splitlines())


# --- The media archive ---


def walk(storage: Any, folder: str = "") -> Iterator[str]:
    """Every file name in a storage (local disk or S3), depth first, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage nothing was ever saved to
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def write_media(storage: Any, target: Path, progress: Progress) -> list[dict[str, Any]]:
    names = list(walk(storage))
    sizes = {name: storage.size(name) for name in names}
    task = progress.add_task("Media", total=max(sum(sizes.values()), 1))
    listed: list[dict[str, Any]] = []
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        for name in names:
            with storage.open(name, "rb") as source:
                data = source.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
            listed.append(
                {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
            progress.advance(task, sizes[name])
    return listed


def read_media(archive_path: Path, listed: list[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    """The archive's files, each checked against its manifest entry; only regular files with
    safe names, exactly those the manifest lists."""
    expected = {entry["name"]: entry for entry in listed}
    seen: set[str] = set()
    with tarfile.open(archive_path, "r") as archive:
        for member in archive:
            name = safe_member_name(member.name)
            if not member.isfile() or name not in expected or name in seen:
                raise BackupError(f"The media archive holds {member.name!r}, not in the manifest.")
            extracted = archive.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if hashlib.sha256(data).hexdigest() != expected[name]["sha256"]:
                raise BackupError(f"{name} in the media archive does not match its checksum.")
            seen.add(name)
            yield name, data
    if seen != set(expected):
        raise BackupError("The media archive lacks files its manifest lists.")


# --- Backup and restore of this installation (Django) ---


@dataclass(frozen=True)
class Summary:
    directory: Path
    engine: str
    database_bytes: int
    media_files: int
    media_bytes: int
    removed_files: int = 0


def current_engine() -> tuple[str, dict[str, Any]]:
    from django.db import connection

    engine = ENGINES.get(connection.settings_dict["ENGINE"])
    if engine is None:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return engine, connection.settings_dict


def applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup(output: Path | None, console: Console) -> Summary:
    """Writes a backup directory (`output`, or one named by the time under var/backups)."""
    from django.conf import settings
    from django.db import connection

    from needlepoint.directory.models import private_storage

    engine, settings_dict = current_engine()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    target = output or default_output(Path(settings.VAR_DIR) / "backups", now)
    if target.exists():
        raise BackupError(f"{target} exists already; choose another --output.")
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True, mode=0o700)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": now.isoformat().replace("+00:00", "Z"),
        "engine": engine,
        "migrations": applied_migrations(),
    }
    database_path = partial / DATABASE_FILE[engine]
    try:
        with progress_bar(console) as progress:
            if engine == "sqlite":
                backup_sqlite(Path(settings_dict["NAME"]), database_path, progress)
            else:
                server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
                dump = pg_client("pg_dump", at_least=server_major)
                manifest["pg_dump_major"] = dump.major
                manifest["server_major"] = server_major
                command = [dump.path, "--format=custom", "--verbose", "--no-password"]
                command += ["--file", str(database_path)]
                run_with_table_progress(
                    command, pg_environment(settings_dict), progress, "Database", len(table_names())
                )
            media = write_media(private_storage(), partial / MEDIA, progress)
        manifest["database"] = file_entry(database_path)
        manifest["media"] = file_entry(partial / MEDIA, files=media)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Summary(
        target,
        engine,
        manifest["database"]["bytes"],
        len(media),
        sum(entry["bytes"] for entry in media),
    )


def backup_sqlite(source_path: Path, target_path: Path, progress: Progress) -> None:
    task = progress.add_task("Database", total=None)

    def report(status: int, remaining: int, total: int) -> None:
        progress.update(task, total=total, completed=total - remaining)

    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        sqlite_copy(source, target, pages=SQLITE_PAGES_PER_STEP, progress=report)
        # One self-contained file: the copy keeps the source's WAL mode otherwise.
        target.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"The copied SQLite database fails its check: {verdict}.")
    finally:
        target.close()
        source.close()


def database_is_empty() -> bool:
    """Empty means no account and no clinic: what `migrate` alone leaves (reference data only)."""
    from needlepoint.accounts.models import User
    from needlepoint.directory.models import Clinic

    if User._meta.db_table not in table_names():
        return True
    return not User.objects.exists() and not Clinic.objects.exists()


def table_names() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def restore(directory: Path, *, force: bool, console: Console) -> Summary:
    """Puts a backup back: the database replaced by the backup's, the private storage made to
    hold exactly the backup's files. Everything is checked before anything is changed; a
    database or storage that holds data is only overwritten with `force`."""
    from django.db import connection, connections

    from needlepoint.directory.models import private_storage

    manifest = read_manifest(directory)
    engine, settings_dict = current_engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and the settings name a "
            f"{engine} one; restore it into the same kind of database."
        )
    storage = private_storage()
    listed = manifest["media"].get("files", [])
    for entry in listed:
        safe_member_name(entry["name"])
    for _name, _data in read_media(directory / MEDIA, listed):
        pass  # every member checked before anything is changed
    present = list(walk(storage))
    if not force and (not database_is_empty() or present):
        raise BackupError(
            "The database or the private storage already holds data; restoring replaces all "
            "of it. Run again with --force to do so."
        )
    database_path = directory / DATABASE_FILE[engine]
    restore_client = None
    if engine == "postgresql":
        restore_client = pg_client("pg_restore", at_least=int(manifest.get("pg_dump_major", 0)))
    connections.close_all()
    with progress_bar(console) as progress:
        if engine == "sqlite":
            task = progress.add_task("Database", total=1)
            source = sqlite3.connect(database_path)
            target = sqlite3.connect(settings_dict["NAME"], timeout=30)
            try:
                # One step: the target changes in a single transaction, whole or not at all.
                sqlite_copy(source, target)
            finally:
                target.close()
                source.close()
            progress.advance(task)
        else:
            assert restore_client is not None
            command = [restore_client.path, "--verbose", "--no-password", "--no-owner"]
            command += ["--clean", "--if-exists", "--single-transaction", "--exit-on-error"]
            command += ["--dbname", str(settings_dict["NAME"]), str(database_path)]
            run_with_table_progress(
                command,
                pg_environment(settings_dict),
                progress,
                "Database",
                archived_tables(restore_client, database_path),
            )
        connection.close()
        task = progress.add_task("Media", total=max(len(listed), 1))
        wanted = {entry["name"] for entry in listed}
        removed = [name for name in present if name not in wanted]
        for name in removed:
            storage.delete(name)
        for name, data in read_media(directory / MEDIA, listed):
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, io.BytesIO(data))
            if saved != name:
                raise BackupError(f"The storage kept {name} as {saved}; restore stopped.")
            progress.advance(task)
    return Summary(
        directory,
        engine,
        manifest["database"]["bytes"],
        len(listed),
        sum(entry["bytes"] for entry in listed),
        removed_files=len(removed),
    )
