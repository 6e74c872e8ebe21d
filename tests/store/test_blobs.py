"""Evidence bytes in the database (KEDJEKOLL_FILE_STORAGE=database), on SQLite and
PostgreSQL: chunked, streamed both ways, deduplicated by SHA-256, all or nothing with the
attachment row (shared/security.md R8, S11)."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.store.conftest import make_campaign
from webapp.store.blobs import CHUNK, DatabaseChunks, LocalFiles, evidence
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.files import DamagedFile, attach
from webapp.store.models import Attachment, EvidenceChunk

SUPPLIER = "kim@leverantor.example"
BIG = b"%PDF-1.7\n" + os.urandom(1_300_000)  # 1.3 MB: five rows


def rows(session: Session, sha256: str | None = None) -> list[tuple[str, int, int]]:
    """(sha256, seq, length) of the stored chunks, in order."""
    query = select(EvidenceChunk.sha256, EvidenceChunk.seq, func.length(EvidenceChunk.data))
    if sha256:
        query = query.where(EvidenceChunk.sha256 == sha256)
    return [tuple(r) for r in session.execute(query.order_by(EvidenceChunk.sha256,
                                                             EvidenceChunk.seq))]


def test_a_multi_chunk_file_is_kept_in_rows_of_256_kib(session, engine):
    store = DatabaseChunks(engine)
    sha, size = store.store(session, io.BytesIO(BIG), 2_000_000)
    assert (sha, size) == (hashlib.sha256(BIG).hexdigest(), len(BIG))
    assert rows(session, sha) == [(sha, n, CHUNK) for n in range(4)] + [
        (sha, 4, len(BIG) - 4 * CHUNK)]


def test_a_committed_file_streams_back_one_row_at_a_time(fresh_url):
    engine = make_engine(fresh_url)
    store = DatabaseChunks(engine)
    with unit_of_work(session_factory(engine)) as session:
        sha, _ = store.store(session, io.BytesIO(BIG), 2_000_000)
    with store.open(sha) as stream:
        reader = stream.raw
        first = stream.read(100)
        assert first == BIG[:100] and reader.rows_read == 1  # not the whole file
        rest = stream.read()
    assert first + rest == BIG and reader.rows_read == 5
    with store.open(sha) as stream:  # a Range request seeks
        stream.seek(CHUNK * 3 + 10)
        assert stream.read(20) == BIG[CHUNK * 3 + 10:CHUNK * 3 + 30]
        assert stream.raw.rows_read == 1
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
    engine.dispose()


def test_neither_upload_nor_download_holds_the_whole_file(fresh_url, tmp_path):
    """Memory: storing and reading a 6 MB file allocates well under its size."""
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + os.urandom(6_000_000))
    engine = make_engine(fresh_url)
    store = DatabaseChunks(engine)
    with unit_of_work(session_factory(engine)) as session, big.open("rb") as upload:
        tracemalloc.start()
        sha, _ = store.store(session, upload, 10_000_000)
        _, stored_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    digest = hashlib.sha256()
    tracemalloc.start()
    with store.open(sha) as stream:
        while piece := stream.read(64 * 1024):
            digest.update(piece)
    _, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    assert digest.hexdigest() == sha
    assert stored_peak < 2_000_000 and read_peak < 2_000_000, (stored_peak, read_peak)


def test_an_oversized_file_leaves_nothing_in_the_table(session, engine):
    store = DatabaseChunks(engine)
    with pytest.raises(ValueError, match="larger than 1000000 bytes"):
        store.store(session, io.BytesIO(BIG), 1_000_000)
    assert rows(session) == []


def test_the_same_content_twice_is_kept_once(session, engine):
    store = DatabaseChunks(engine)
    first = store.store(session, io.BytesIO(BIG), 2_000_000)
    second = store.store(session, io.BytesIO(BIG), 2_000_000)
    assert first == second and len(rows(session)) == 5


def test_bytes_and_attachment_row_are_all_or_nothing(fresh_url, masks):
    """R8: a request that fails after storing the bytes keeps neither them nor the row."""
    engine = make_engine(fresh_url)
    sessions = session_factory(engine)
    store = DatabaseChunks(engine)
    with unit_of_work(sessions) as session:
        _, [(response, _)] = make_campaign(session, masks)
    with pytest.raises(RuntimeError), unit_of_work(sessions) as session:
        sha, size = store.store(session, io.BytesIO(BIG), 2_000_000)
        attach(session, session.merge(response), "code_file", sha, size,
               "application/pdf", "kod.pdf", SUPPLIER)
        raise RuntimeError("the worker dies before the commit")
    with sessions() as session:
        assert rows(session) == [] and session.scalars(select(Attachment)).all() == []
    engine.dispose()


def test_a_file_not_matching_its_expected_sha256_is_refused(session, engine, tmp_path):
    wrong = "f" * 64
    with pytest.raises(DamagedFile):
        DatabaseChunks(engine).store(session, io.BytesIO(BIG), 2_000_000, expected=wrong)
    with pytest.raises(DamagedFile):
        LocalFiles(tmp_path).store(session, io.BytesIO(BIG), 2_000_000, expected=wrong)
    assert rows(session) == [] and [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_readiness_probe_writes_and_leaves_nothing(fresh_url, tmp_path):
    engine = make_engine(fresh_url)
    assert DatabaseChunks(engine).probe() is None
    with session_factory(engine)() as session:
        assert rows(session) == []
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE evidence_chunk")
    assert DatabaseChunks(engine).probe().startswith("the evidence table cannot be written (")
    engine.dispose()


def test_a_file_not_moved_yet_is_read_from_the_other_store(session, engine, tmp_path):
    stores = evidence("database", tmp_path, engine)
    sha, _ = LocalFiles(tmp_path).store(session, io.BytesIO(b"%PDF-1.4 old"), 100)
    with stores.open(sha) as stream:
        assert stream.read() == b"%PDF-1.4 old"


def test_migration_0011_is_not_undone_while_it_holds_files(fresh_url):
    from webapp.store.migrate import downgrade, upgrade

    engine = make_engine(fresh_url)
    store = DatabaseChunks(engine)
    with unit_of_work(session_factory(engine)) as session:
        sha, _ = store.store(session, io.BytesIO(b"%PDF-1.4 kept"), 100)
    with pytest.raises(RuntimeError, match="run `kedjekoll files move --to local`"):
        downgrade(engine, "0010")
    store.remove(sha)
    downgrade(engine, "0010")
    upgrade(engine)
    engine.dispose()
