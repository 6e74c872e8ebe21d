"""Where evidence bytes are kept: on this server's disk, or in the database.

KEDJEKOLL_FILE_STORAGE picks one of the two stores in STORES. Both keep a file under its
SHA-256 (one copy however often it is uploaded) and answer the same calls, so uploads,
downloads, the demo, /readyz and `kedjekoll files move` never ask which one is active.

- `local` (the default): files under responses/files/ (files.py), written to a temporary
  file, fsynced and renamed before the attachment row is added (R8). Each server has its
  own disk, so a second app server does not see the first one's files.
- `database`: rows of `evidence_chunk` of at most CHUNK bytes, keyed by SHA-256 and
  place, written in the caller's transaction, so the bytes and the attachment row are
  committed together or not at all (R8). Every app server on the database sees them, as
  ODK Central keeps its blobs in PostgreSQL. An upload is read twice, a chunk at a time:
  first for its size and SHA-256 (an oversized file stops there having written nothing,
  and a file already held is not written again), then into the rows. A download reads
  one row at a time, each on a short connection of its own (not the request's session,
  which is committed and closed before the body is sent), so neither direction holds a
  whole file in memory and a slow client holds no connection or transaction.

A file not (yet) in the active store is read from the other one (`Evidence.open`), so
an operator can switch to the database and then move the files, without a gap.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .db import WRITE
from .files import CHUNK as READ_SIZE
from .files import DamagedFile, file_path, probe_folder, store_bytes
from .models import EvidenceChunk

CHUNK = 256 * 1024  # bytes in one row of evidence_chunk
UNLIMITED = 2**62  # no size limit: for files already stored once
#: INSERT that can skip a row already there (ON CONFLICT DO NOTHING), by dialect
_INSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


class EvidenceStore(Protocol):
    """What every store of evidence bytes does; `name` is its KEDJEKOLL_FILE_STORAGE."""

    name: str

    def store(self, session: Session, stream: BinaryIO, max_size: int,
              expected: str | None = None) -> tuple[str, int]:
        """Keep the stream's bytes; returns (sha256, size). Raises ValueError when it is
        larger than `max_size` and DamagedFile when its SHA-256 is not `expected`,
        either way keeping nothing."""

    def open(self, sha256: str) -> BinaryIO:
        """The file, read a piece at a time; FileNotFoundError when it is not here."""

    def held(self) -> list[str]:
        """The SHA-256 of every file this store holds."""

    def remove(self, sha256: str) -> None:
        """Forget the file (after it has been moved to the other store)."""

    def probe(self) -> str | None:
        """None when a real write succeeds now, else why not (no path, no secret)."""


@dataclass
class LocalFiles:
    """Files under one folder on this server's disk, named by SHA-256 (files.py)."""

    folder: Path
    name: str = "local"

    def store(self, session: Session, stream: BinaryIO, max_size: int,
              expected: str | None = None) -> tuple[str, int]:
        return store_bytes(self.folder, stream, max_size, expected)

    def open(self, sha256: str) -> BinaryIO:
        return open(file_path(self.folder, sha256), "rb")  # the caller closes it

    def held(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.glob("??/*")
                      if _is_sha256(p.name) and p.parent.name == p.name[:2] and p.is_file())

    def remove(self, sha256: str) -> None:
        path = file_path(self.folder, sha256)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # only when it held nothing else
        except OSError:
            pass

    def probe(self) -> str | None:
        return probe_folder(self.folder)


@dataclass
class DatabaseChunks:
    """Files as rows of evidence_chunk: written in the caller's session, read through
    short connections of `engine` of their own."""

    engine: Engine
    name: str = "database"

    def store(self, session: Session, stream: BinaryIO, max_size: int,
              expected: str | None = None) -> tuple[str, int]:
        sha256, size = _measure(stream, max_size)
        if expected is not None and sha256 != expected:
            raise DamagedFile(f"the bytes have SHA-256 {sha256}, not {expected}")
        stream.seek(0)
        insert = _INSERTS[self.engine.dialect.name]
        with session.begin_nested():  # a failure part way leaves no row behind
            piece = stream.read(CHUNK)
            first = insert(EvidenceChunk).values(sha256=sha256, seq=0, data=piece)
            if session.scalar(first.on_conflict_do_nothing().returning(EvidenceChunk.seq)) \
                    is None:
                return sha256, size  # held already (or just committed by another upload)
            digest, seq = hashlib.sha256(piece), 1
            while piece := stream.read(CHUNK):
                digest.update(piece)
                session.execute(insert(EvidenceChunk).values(sha256=sha256, seq=seq,
                                                             data=piece))
                seq += 1
            if digest.hexdigest() != sha256:
                raise DamagedFile("the upload changed while it was being stored")
        return sha256, size

    def open(self, sha256: str) -> BinaryIO:
        with self.engine.connect() as connection:
            count, size = connection.execute(
                select(func.count(), func.coalesce(func.sum(func.length(EvidenceChunk.data)), 0))
                .where(EvidenceChunk.sha256 == sha256)).one()
        if not count:
            raise FileNotFoundError(f"no evidence file {sha256} in the database")
        return io.BufferedReader(ChunkReader(self.engine, sha256, int(size)), READ_SIZE)

    def held(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(connection.scalars(select(EvidenceChunk.sha256)
                                           .where(EvidenceChunk.seq == 0)
                                           .order_by(EvidenceChunk.sha256)))

    def remove(self, sha256: str) -> None:
        with self.engine.connect().execution_options(**WRITE) as connection, \
                connection.begin():
            connection.execute(delete(EvidenceChunk).where(EvidenceChunk.sha256 == sha256))

    def probe(self) -> str | None:
        key = "readyz-" + secrets.token_hex(8)  # never a SHA-256, so never a real file
        try:
            with self.engine.connect().execution_options(**WRITE) as connection, \
                    connection.begin():
                connection.execute(_INSERTS[self.engine.dialect.name](EvidenceChunk)
                                   .values(sha256=key, seq=0, data=b"ready\n"))
                connection.execute(delete(EvidenceChunk).where(EvidenceChunk.sha256 == key))
        except SQLAlchemyError as exc:
            return f"the evidence table cannot be written ({type(exc).__name__})"
        return None


class ChunkReader(io.RawIOBase):
    """A file kept in evidence_chunk, read one row at a time, each on a short connection
    of its own; seekable, so a download can answer a Range request."""

    def __init__(self, engine: Engine, sha256: str, size: int):
        super().__init__()
        self.engine, self.sha256, self.size = engine, sha256, size
        self.position, self.rows_read = 0, 0
        self._seq, self._piece = -1, b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer) -> int:
        if self.position >= self.size:
            return 0
        seq, offset = divmod(self.position, CHUNK)
        if seq != self._seq:
            with self.engine.connect() as connection:
                piece = connection.scalar(select(EvidenceChunk.data).where(
                    EvidenceChunk.sha256 == self.sha256, EvidenceChunk.seq == seq))
            if piece is None:
                raise OSError(f"evidence file {self.sha256} lost its piece {seq}")
            self._seq, self._piece = seq, bytes(piece)
            self.rows_read += 1
        view = self._piece[offset:offset + len(buffer)]
        buffer[:len(view)] = view
        self.position += len(view)
        return len(view)


def _measure(stream: BinaryIO, max_size: int) -> tuple[str, int]:
    """(sha256, size) of the stream read to its end; ValueError past `max_size`."""
    digest, size = hashlib.sha256(), 0
    while piece := stream.read(CHUNK):
        size += len(piece)
        if size > max_size:
            raise ValueError(f"the file is larger than {max_size} bytes")
        digest.update(piece)
    return digest.hexdigest(), size


def _is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


#: KEDJEKOLL_FILE_STORAGE -> the store, built from the evidence folder and the engine
STORES: dict[str, Callable[[Path, Engine], EvidenceStore]] = {
    "local": lambda folder, _engine: LocalFiles(folder),
    "database": lambda _folder, engine: DatabaseChunks(engine),
}


@dataclass
class Evidence:
    """The active store, which takes every new file, and the other one, still read for
    files not moved yet (`kedjekoll files move`)."""

    active: EvidenceStore
    other: EvidenceStore

    def store(self, session: Session, stream: BinaryIO, max_size: int) -> tuple[str, int]:
        """Keep an upload in the active store; see EvidenceStore.store."""
        return self.active.store(session, stream, max_size)

    def open(self, sha256: str) -> BinaryIO:
        """The file from the active store, else from the other one."""
        try:
            return self.active.open(sha256)
        except FileNotFoundError:
            return self.other.open(sha256)

    def probe(self) -> str | None:
        return self.active.probe()


def evidence(kind: str, folder: Path, engine: Engine) -> Evidence:
    """The stores for KEDJEKOLL_FILE_STORAGE=`kind` (a key of STORES)."""
    other = next(name for name in STORES if name != kind)
    return Evidence(STORES[kind](folder, engine), STORES[other](folder, engine))
