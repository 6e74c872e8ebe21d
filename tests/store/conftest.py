"""Store fixtures: the same tests on SQLite and on a real PostgreSQL server.

PostgreSQL comes from pytest-postgresql, started once per test session from the
installed binaries (through tests/support/pg_ctl, which drops root). Without them the
PostgreSQL half skips, except under KEDJEKOLL_STRICT=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from pytest_postgresql import factories
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tests.factories import make_campaign, make_staff  # noqa: F401  (used by the tests)
from webapp.store.db import make_engine
from webapp.store.migrate import upgrade

PG_CTL = ROOT / "tests" / "support" / "pg_ctl"
STRICT = os.environ.get("KEDJEKOLL_STRICT") == "1"


def _postgres_installed() -> bool:
    return bool(shutil.which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))


postgresql_proc = factories.postgresql_proc(executable=str(PG_CTL), user="postgres")


@pytest.fixture(scope="session")
def pg_server(request):
    """(host, port, user) of the session's PostgreSQL server."""
    if not _postgres_installed():
        if STRICT:
            pytest.fail("PostgreSQL is not installed, and KEDJEKOLL_STRICT=1 forbids skipping")
        pytest.skip("PostgreSQL binaries not installed")
    proc = request.getfixturevalue("postgresql_proc")
    return proc.host, proc.port, proc.user


def new_database(kind: str, tmp_path: Path, request, revision: str | None = "head") -> str:
    """A fresh database of the given kind, migrated to `revision` (None: left with no
    tables); returns its URL."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / f'kk-{uuid.uuid4().hex[:8]}.sqlite3'}"
    else:
        host, port, user = request.getfixturevalue("pg_server")
        name = f"kk_{uuid.uuid4().hex[:12]}"
        admin = make_engine(f"postgresql://{user}@{host}:{port}/postgres",
                            isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = f"postgresql://{user}@{host}:{port}/{name}"
    if revision is not None:
        engine = make_engine(url)
        upgrade(engine, revision)
        engine.dispose()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def shared_url(backend, tmp_path_factory, request):
    """One migrated database per backend for the whole session."""
    return new_database(backend, tmp_path_factory.mktemp("db"), request)


@pytest.fixture(scope="session")
def engine(shared_url):
    engine = make_engine(shared_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def fresh_url(backend, tmp_path, request):
    """A database of its own, for tests that commit from several connections."""
    return new_database(backend, tmp_path, request)
