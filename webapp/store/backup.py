"""`kedjekoll backup`: the database and every evidence file in one folder, with a manifest.

The folder holds the database copy (database_copy.py), the evidence files under
`files/<2 hex>/<sha256>` as in the responses folder (files.py), and `manifest.json`
with the SHA-256 and size of every one of them, the alembic revision, the backend, the
time (UTC), the app version and the rows per table. The manifest is written last: a
folder without one is not a finished backup.

The database is copied first, then the files: an attachment row is only ever added
after its bytes are on disk (files.py), so every file the copied rows name is there.
With evidence kept in the database the bytes travel inside the database copy and the
files folder may be empty; nothing here needs to know.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from .database_copy import CopyError, copy_for
from .files import CHUNK
from .pg_tools import ToolError

MANIFEST = "manifest.json"
FORMAT = 1
EVIDENCE = re.compile(r"files/([0-9a-f]{2})/(\1[0-9a-f]{62})")


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message is one line for the operator."""


@dataclass
class BackupReport:
    folder: Path
    backend: str
    revision: str | None
    tables: dict[str, int]
    database_size: int
    files: int = 0
    files_size: int = 0
    damaged: list[str] = field(default_factory=list)  # bytes no longer match their name


def backup(url: str, files_dir: Path, folder: Path, version: str) -> BackupReport:
    """Copy the database at `url` and the evidence files in `files_dir` into `folder`.

    Raises BackupError when the folder is not empty or the database cannot be copied.
    An evidence file whose bytes no longer match its SHA-256 name is left out and listed
    in the report's `damaged`.
    """
    _new_folder(folder)
    try:
        return _fill(url, files_dir, folder, version)
    except BaseException:
        _clear(folder)  # no half backup left to be mistaken for one
        raise


def _fill(url: str, files_dir: Path, folder: Path, version: str) -> BackupReport:
    backend = make_url(url).get_backend_name()
    try:
        copy = copy_for(backend)
        snapshot = copy.dump(url, folder / copy.file_name)
    except (CopyError, ToolError) as exc:
        raise BackupError(str(exc)) from None
    if snapshot.revision is None:
        raise BackupError("the database has no tables: there is nothing to back up")
    _fsync(folder / copy.file_name)
    database = entry(folder, copy.file_name)
    report = BackupReport(folder, backend, snapshot.revision, snapshot.tables,
                          database["size"])
    entries = [database]
    for source in sorted(files_dir.glob("??/*")) if files_dir.is_dir() else ():
        relative = f"files/{source.parent.name}/{source.name}"
        if not source.is_file() or not EVIDENCE.fullmatch(relative):
            continue  # an upload being written (.upload-*) or something not ours
        copied = _copy(source, folder / relative)
        if copied["sha256"] != source.name:
            (folder / relative).unlink()
            report.damaged.append(str(source))
            continue
        entries.append({"path": relative, **copied})
        report.files += 1
        report.files_size += copied["size"]
    manifest = {"kedjekoll_backup": FORMAT, "version": version,
                "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "backend": backend, "alembic_revision": snapshot.revision,
                "database": copy.file_name, "tables": snapshot.tables, "files": entries}
    _write_atomically(folder / MANIFEST, json.dumps(manifest, indent=1).encode() + b"\n")
    return report


def entry(folder: Path, relative: str) -> dict:
    """The manifest entry of a file in the backup: path, SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with open(folder / relative, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"path": relative, "sha256": digest.hexdigest(), "size": size}


def _new_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give each backup a new folder")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # it holds every answer


def _clear(folder: Path) -> None:
    """Remove what this backup wrote into its folder (it was empty before)."""
    for path in folder.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _copy(source: Path, target: Path) -> dict:
    """Copy a file, fsynced, hashing the bytes on the way; returns its SHA-256 and size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as reading, open(target, "wb") as writing:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writing.write(chunk)
        writing.flush()
        os.fsync(writing.fileno())
    return {"sha256": digest.hexdigest(), "size": size}


def _fsync(path: Path) -> None:
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())


def _write_atomically(target: Path, data: bytes) -> None:
    fd, temp_name = tempfile.mkstemp(prefix=".manifest-", dir=target.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp_name, target)
