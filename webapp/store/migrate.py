"""Running the Alembic migrations shipped in webapp/migrations."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class BrokenForeignKeys(RuntimeError):
    """A migration left rows pointing at rows that do not exist."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest).

    On SQLite, foreign keys are off while migrating: a batch migration copies a table
    and drops the old one, and with them on, dropping `response` would first delete
    (cascade) every answer and submission that points at it. The keys are checked
    before the migration commits instead.
    """
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision`, with the same care as `upgrade`."""
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise BrokenForeignKeys(f"rows with broken references: {broken[:5]}")
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Outside any transaction (SQLite ignores the pragma inside one)."""
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    """The newest revisions the shipped migrations know."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def pending(connection: Connection) -> str | None:
    """Why the database is not at the newest migration, or None when it is.

    The app outside development never migrates at start (`kedjekoll db upgrade` is a
    deploy step); this tells it, and /readyz, what is missing.
    """
    current = frozenset(MigrationContext.configure(connection).get_current_heads())
    if current == heads():
        return None
    if not current:
        return "the database has no tables yet"
    unknown = current - _known_revisions()
    if unknown:
        return (f"the database is at revision {', '.join(sorted(unknown))}, which this "
                "version of Kedjekoll does not know (a newer version migrated it)")
    return (f"the database is at revision {', '.join(sorted(current))}, this version "
            f"needs {', '.join(sorted(heads()))}")


@lru_cache(maxsize=1)
def _known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions())


def is_known(revision: str) -> bool:
    """Whether the shipped migrations know `revision` (a backup of a newer version
    holds one they do not)."""
    return revision in _known_revisions()
