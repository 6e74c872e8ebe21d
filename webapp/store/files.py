"""Evidence files on disk: bytes stored by SHA-256 under responses/files/, all or nothing
(R8). The `local` store of blobs.py, which chooses between this and the database.

The bytes are written to a temporary file in the same folder, fsynced, renamed into
place and the folder fsynced; only then is the attachment row added. A crash before
the row leaves at most an unreferenced file, never a row without its bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from ..definitions.characters import without_control
from .audit import record
from .models import Attachment, Response

CHUNK = 1 << 16
log = logging.getLogger("kedjekoll")


class DamagedFile(ValueError):
    """The bytes do not have the SHA-256 they are kept under."""


def file_path(files_dir: Path, sha256: str) -> Path:
    return files_dir / sha256[:2] / sha256


def store_bytes(files_dir: Path, stream: BinaryIO, max_size: int,
                expected: str | None = None) -> tuple[str, int]:
    """Write the stream atomically under its SHA-256; returns (sha256, size).

    Raises ValueError when the stream is larger than `max_size`, or when its SHA-256 is
    not `expected` (DamagedFile: a file being moved), leaving nothing behind.
    """
    files_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, temp_name = tempfile.mkstemp(prefix=".upload-", dir=files_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_size:
                    raise ValueError(f"the file is larger than {max_size} bytes")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        if expected is not None and sha256 != expected:
            raise DamagedFile(f"the bytes have SHA-256 {sha256}, not {expected}")
        target = file_path(files_dir, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp_name, target)
        _fsync_dir(target.parent)
        return sha256, size
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def probe_folder(folder: Path) -> str | None:
    """None when a file can be written, synced and removed in the evidence folder (a
    permission check can pass on a full or read-only disk), else why not, without the
    path (which is logged)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
            probe.write(b"ready\n")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        log.warning("readiness: cannot write in %s: %s", folder, exc)
        return f"the evidence folder cannot be written ({type(exc).__name__})"
    return None


def attach(session: Session, response: Response, question_id: str, sha256: str, size: int,
           media_type: str, original_name: str, actor: str) -> Attachment:
    """The attachment row, added after the bytes are safely stored."""
    name = without_control(original_name).strip()[:255] or "file"  # a label: stripped
    attachment = Attachment(response_id=response.id, question_id=question_id, sha256=sha256,
                            size=size, media_type=media_type, original_name=name)
    session.add(attachment)
    session.flush()
    record(session, actor, "attachment.added", attachment, response=response.id,
           question=question_id, sha256=sha256, size=size)
    return attachment
