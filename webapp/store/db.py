"""Engines and sessions for SQLite (the default) and PostgreSQL.

SQLite runs in WAL mode with a busy timeout, and a write transaction takes its lock up
front (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing with
"database is locked" halfway through (shared/security.md R6). Reads use a plain
deferred `BEGIN`. On PostgreSQL, writers lock the rows they change (`FOR UPDATE`, see
`responses.py`) and versions guard drafts and reviews (R7).

A forked process (a gunicorn worker after `--preload`) never uses a connection its
parent opened: every engine forgets its pool in the child, as SQLAlchemy advises.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000
WRITE = {"kedjekoll_write": True}

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_pools_after_fork() -> None:
    """In a forked child: drop the parent's pooled connections without closing them (the
    parent still uses them); the child opens its own."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools_after_fork)


def database_url(responses_dir: str | Path, url: str | None = None) -> str:
    """KEDJEKOLL_DATABASE_URL if set, else SQLite at responses/kedjekoll.sqlite3."""
    url = url or os.environ.get("KEDJEKOLL_DATABASE_URL")
    if url:
        return url
    path = Path(responses_dir) / "kedjekoll.sqlite3"
    return f"sqlite:///{path}"


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with Kedjekoll's SQLite settings, or psycopg 3 for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    else:
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                  "check_same_thread": False}, **kwargs)
        _sqlite_settings(engine)
    _ENGINES.add(engine)
    return engine


def _sqlite_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        if connection.get_execution_options().get("kedjekoll_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def writer(engine: Engine) -> Engine:
    """The same engine (and pool), but every transaction begins as a writer: a session
    bound to it stays a writer after a commit, when a unit of work commits in steps (an
    import stored in batches), instead of beginning its next step as a read."""
    return engine.execution_options(**WRITE)


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE on SQLite).

    Call it before the first statement of a unit of work that will write.
    """
    if not session.in_transaction():
        session.connection(execution_options=WRITE)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One writing transaction: commits at the end, rolls back on any error."""
    session = factory()
    try:
        begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
