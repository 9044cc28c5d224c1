"""Which database a benchmark profile lives in, creating it, and writing millions of rows fast.

Rows go in through the driver, not the ORM: `executemany` on SQLite and `COPY` on PostgreSQL,
with the big table's secondary indexes (and on PostgreSQL its exclusion constraint) dropped
during the load and built once afterwards. Columns the generator does not set are filled from
the model's defaults, so a field added later does not break the load."""

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

VAR_BENCH = Path(__file__).resolve().parents[2] / "var" / "bench"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
CHUNK = 20_000


def sqlite_url(profile: str) -> str:
    return f"sqlite:///{VAR_BENCH / f'{profile}.sqlite3'}"


def postgres_url(profile: str) -> str:
    return f"{POSTGRES_SERVER}/bench_{profile.replace('-', '_')}"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///").removeprefix("sqlite://"))


def exists(url: str) -> bool:
    """Whether the database is there (it may still be empty)."""
    if not is_postgres(url):
        return sqlite_path(url).exists()
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def recreate(url: str) -> None:
    """An empty database at `url` (dropped first if it was there). Only bench_ databases and
    files under var/ are ever dropped."""
    if not is_postgres(url):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("bench_"):
        raise ValueError(f"refusing to drop {name!r}: benchmark databases are named bench_…")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def use(url: str) -> None:
    """Points Django at `url`; call before django.setup()."""
    os.environ["DATABASE_URL"] = url


def _constant(field: Any, connection: Any, now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = now
    elif field.has_default():
        value = field.get_default()
    else:
        value = None
    return field.get_db_prep_save(value, connection)


class Loader:
    """Bulk writes of unsaved rows given as tuples of column values in a fixed order."""

    def __init__(self, now: Any) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.now = now
        self.counts: dict[str, int] = {}

    def moment(self, value: Any) -> Any:
        """A UTC datetime as the driver wants it (SQLite stores Django's text form)."""
        return value if self.postgres else str(value.replace(tzinfo=None))

    def write(self, model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
        """Writes the rows; columns of the model not in `columns` get the model's default."""
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            present = {
                c.name for c in self.connection.introspection.get_table_description(cursor, table)
            }
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.column in present and f.column not in columns and f.column != "id"
        ]
        fill = tuple(_constant(f, self.connection, self.now) for f in extra)
        names = columns + [f.column for f in extra]
        quoted = ", ".join(f'"{n}"' for n in names)
        written = 0
        raw = self.connection.connection
        if self.postgres:
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row + fill)
                    written += 1
        else:
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
            iterator = iter(rows)
            while chunk := [row + fill for row in islice(iterator, CHUNK)]:
                raw.executemany(sql, chunk)
                written += len(chunk)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return written

    @contextmanager
    def without_indexes(self, model: Any) -> Iterator[None]:
        """Drops the table's secondary indexes (and exclusion constraints) for a bulk load and
        builds them again afterwards, each in one pass."""
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'x'",
                    [table],
                )
                constraints = cursor.fetchall()
                for name, _ in constraints:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
                indexes = cursor.fetchall()
                for name, _ in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
            else:
                constraints = []
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL",
                    [table],
                )
                indexes = cursor.fetchall()
                for name, _ in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
        yield
        with self.connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)
            for name, definition in constraints:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

    def finish(self, models: list[Any]) -> None:
        """Sequences past the ids written (PostgreSQL) and fresh planner statistics."""
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            if self.postgres:
                for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            cursor.execute("ANALYZE")


def next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
