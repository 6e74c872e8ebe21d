"""A copy of the whole database in one file, and back: one class per backend.

SQLite is copied with its online backup API (a consistent snapshot while the app keeps
writing, as WAL readers never block writers) and restored the same way. PostgreSQL is
copied with `pg_dump --format=custom` inside a snapshot this module exports, so the
alembic revision and the row counts written in the manifest are those of the very rows
in the dump; it is restored with `pg_restore` in one transaction.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from . import pg_tools
from .db import make_engine


class CopyError(RuntimeError):
    """The database cannot be copied or restored; one line for the operator."""


class Snapshot:
    """What a copy holds: the alembic revision and the rows per table."""

    def __init__(self, revision: str | None, tables: dict[str, int]) -> None:
        self.revision = revision
        self.tables = tables


class SQLiteCopy:
    file_name = "database.sqlite3"

    def dump(self, url: str, target: Path) -> Snapshot:
        source = _sqlite_path(url)
        if not source.is_file():
            raise CopyError(f"there is no SQLite database at {source}")
        try:
            with closing(sqlite3.connect(source, timeout=30)) as reader, \
                    closing(sqlite3.connect(target)) as copy:
                reader.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                return _sqlite_snapshot(copy)
        except sqlite3.Error as exc:
            raise CopyError(f"SQLite could not copy {source}: {exc}") from None

    def load(self, url: str, source: Path) -> None:
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(source)) as copy, \
                    closing(sqlite3.connect(target, timeout=30)) as database:
                copy.backup(database)
        except sqlite3.Error as exc:
            raise CopyError(f"SQLite could not restore into {target}: {exc}") from None


class PostgresCopy:
    file_name = "database.pgdump"

    def dump(self, url: str, target: Path) -> Snapshot:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                    counted = Snapshot(_revision(connection), count_rows(connection))
                    pg_tools.run("pg_dump", ["--format=custom", f"--snapshot={snapshot}",
                                             f"--file={target}"], url)
        finally:
            engine.dispose()
        return counted

    def load(self, url: str, source: Path) -> None:
        database = pg_tools.environment(url).get("PGDATABASE")
        if not database:
            raise CopyError("KEDJEKOLL_DATABASE_URL names no database")
        pg_tools.run("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction",
                                    "--exit-on-error", f"--dbname={database}", str(source)],
                     url)


#: the copy of each backend, by the name SQLAlchemy gives it
COPIES: dict[str, SQLiteCopy | PostgresCopy] = {"sqlite": SQLiteCopy(),
                                                "postgresql": PostgresCopy()}


def copy_for(backend: str) -> SQLiteCopy | PostgresCopy:
    try:
        return COPIES[backend]
    except KeyError:
        raise CopyError(f"cannot copy a {backend} database (SQLite or PostgreSQL only)") \
            from None


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows per table of the connection's schema (alembic_version included)."""
    tables = connection.dialect.get_table_names(connection)
    preparer = connection.dialect.identifier_preparer
    return {name: connection.scalar(text(f"SELECT count(*) FROM {preparer.quote(name)}"))
            for name in sorted(tables)}


def _revision(connection: Connection) -> str | None:
    if not connection.dialect.has_table(connection, "alembic_version"):
        return None
    versions = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
    return ",".join(sorted(versions)) or None


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise CopyError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_snapshot(copy: sqlite3.Connection) -> Snapshot:
    names = sorted(row[0] for row in copy.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
    tables = {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in names}
    revision = None
    if "alembic_version" in tables:
        versions = [row[0] for row in copy.execute("SELECT version_num FROM alembic_version")]
        revision = ",".join(sorted(versions)) or None
    return Snapshot(revision, tables)
