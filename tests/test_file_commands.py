"""`kedjekoll files move --to database|local`, run as an operator would, on SQLite and
PostgreSQL: every file moved and checked, safe to run again after an interruption,
damaged and missing files counted and left alone (shared/security.md R8)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.factories import make_campaign
from tests.store.conftest import new_database, pg_server, postgresql_proc  # noqa: F401
from webapp.cli import main
from webapp.store.blobs import DatabaseChunks, LocalFiles
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.files import attach, file_path
from webapp.store.models import EvidenceChunk

BIG = b"%PDF-1.7\n" + os.urandom(1_300_000)  # five rows in the database
SMALL = b"%PDF-1.4 uppforandekod"
SUPPLIER = "kim@leverantor.example"


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path, masks):
    """A database with three attachments of two files kept on disk (local storage)."""
    url = new_database(request.param, tmp_path, request)
    engine = make_engine(url)
    request.addfinalizer(engine.dispose)
    local = LocalFiles(tmp_path / "files")
    with unit_of_work(session_factory(engine)) as session:
        _, [(response, _)] = make_campaign(session, masks)
        for content, name in ((BIG, "kod.pdf"), (SMALL, "policy.pdf"), (SMALL, "igen.pdf")):
            sha, size = local.store(session, io.BytesIO(content), len(content))
            attach(session, response, "code_file", sha, size, "application/pdf", name,
                   SUPPLIER)
    return url, engine, local


def move(url: str, folder, to: str, storage: str = "local"):
    return CliRunner().invoke(main, ["files", "move", "--to", to], env={
        "KEDJEKOLL_DATABASE_URL": url, "KEDJEKOLL_RESPONSES_DIR": str(folder),
        "KEDJEKOLL_FILE_STORAGE": storage})


def chunk_count(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(EvidenceChunk))


def read(store, sha256: str) -> bytes:
    with store.open(sha256) as stream:
        return stream.read()


def test_files_move_into_the_database_and_back_and_again(site, tmp_path):
    url, engine, local = site
    big, small = hashlib.sha256(BIG).hexdigest(), hashlib.sha256(SMALL).hexdigest()
    database = DatabaseChunks(engine)

    result = move(url, tmp_path, "database")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "2 files moved to the database (1.2 MB), 0 there already, 0 damaged, 0 missing\n"
        "Set KEDJEKOLL_FILE_STORAGE=database on every app server, so new files go there "
        "too.\n")
    assert local.held() == [] and chunk_count(engine) == 6
    assert read(database, big) == BIG and read(database, small) == SMALL

    # interrupted after the copy, before the disk copy was removed: running again finishes
    path = file_path(local.folder, small)
    path.parent.mkdir(parents=True)
    path.write_bytes(SMALL)
    again = move(url, tmp_path, "database", storage="database")
    assert again.exit_code == 0
    assert again.output == ("0 files moved to the database (0 byte), 1 there already, "
                            "0 damaged, 0 missing\n")
    assert local.held() == [] and chunk_count(engine) == 6

    back = move(url, tmp_path, "local")
    assert back.exit_code == 0
    assert back.output == (f"2 files moved to {local.folder} (1.2 MB), 0 there already, "
                           "0 damaged, 0 missing\n")
    assert chunk_count(engine) == 0 and local.held() == sorted([big, small])
    assert read(local, big) == BIG and read(local, small) == SMALL
    assert move(url, tmp_path, "local").output == (
        f"0 files moved to {local.folder} (0 byte), 0 there already, 0 damaged, 0 missing\n")


def test_damaged_and_missing_files_are_counted_and_left_alone(site, tmp_path, masks):
    url, engine, local = site
    small = hashlib.sha256(SMALL).hexdigest()
    file_path(local.folder, small).write_bytes(b"%PDF-1.4 changed on disk")
    shutil.rmtree(file_path(local.folder, hashlib.sha256(BIG).hexdigest()).parent)
    result = move(url, tmp_path, "database", storage="database")
    assert result.exit_code == 1
    assert result.stdout == ("0 files moved to the database (0 byte), 0 there already, "
                             "1 damaged, 1 missing\n")
    assert f"damaged, left in place: {small}" in result.stderr
    assert f"missing: {hashlib.sha256(BIG).hexdigest()}" in result.stderr
    assert local.held() == [small] and chunk_count(engine) == 0


def test_a_database_behind_the_code_is_not_touched(tmp_path, request):
    url = new_database("sqlite", tmp_path, request, revision="0010")
    result = move(url, tmp_path, "database")
    assert result.exit_code == 2
    assert result.stderr == ("kedjekoll: the database is at revision 0010, this version "
                             "needs 0011; run `kedjekoll db upgrade` first\n")
