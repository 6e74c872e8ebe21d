"""`kedjekoll restore`: a backup folder back into an empty database and evidence folder.

Everything is checked before anything is touched: the manifest, the size and SHA-256 of
every file it lists, that this version of Kedjekoll knows the backup's migration, and
that the database has no tables. Only then are the evidence files placed (named by
their SHA-256: a file already there with the same bytes is kept), the database restored
and its rows counted against the manifest, and the database brought to the newest
migration, so a backup of an older version serves at once (/readyz is ready). When the
database cannot be restored, the files just placed are removed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .backup import EVIDENCE, FORMAT, MANIFEST, BackupError, entry
from .database_copy import CopyError, copy_for, count_rows
from .db import make_engine
from .files import CHUNK, file_path
from .migrate import is_known, upgrade
from .pg_tools import ToolError

_SHOWN = 3  # damaged files named in the one-line error; the rest are counted


@dataclass
class RestoreReport:
    backend: str
    revision: str
    created_at: str
    tables: dict[str, int]
    database_size: int
    files_placed: int = 0
    files_kept: int = 0
    files_size: int = 0


def restore(url: str, files_dir: Path, folder: Path) -> RestoreReport:
    """Restore the backup in `folder` into the empty database at `url` and `files_dir`.

    Raises BackupError, having changed nothing, when the backup is damaged or incomplete,
    of another backend or a newer version, or when the database already has tables.
    """
    manifest = read_manifest(folder)
    verify(folder, manifest)
    backend = make_url(url).get_backend_name()
    if backend != manifest["backend"]:
        raise BackupError(f"the backup holds a {manifest['backend']} database and this one "
                          f"is {backend}: restore into the same kind of database")
    revisions = manifest["alembic_revision"].split(",")
    if not all(is_known(revision) for revision in revisions):
        raise BackupError(f"the backup is at revision {manifest['alembic_revision']}, which "
                          "this version of Kedjekoll does not know: restore it with the "
                          f"version that made it ({manifest.get('version', 'unknown')})")
    copy = copy_for(backend)
    engine = make_engine(url)
    try:
        _refuse_tables(engine)
        engine.dispose()
        report = RestoreReport(backend, manifest["alembic_revision"], manifest["created_at"],
                               manifest["tables"], _size(manifest, manifest["database"]))
        placed = _place_files(folder, manifest, files_dir, report)
        try:
            copy.load(url, folder / manifest["database"])
        except (CopyError, ToolError) as exc:
            for path in placed:
                path.unlink(missing_ok=True)
            raise BackupError(f"the database was not restored: {exc}") from None
        with engine.connect() as connection:
            restored = count_rows(connection)
        if restored != manifest["tables"]:
            wrong = sorted(name for name in set(restored) | set(manifest["tables"])
                           if restored.get(name) != manifest["tables"].get(name))
            raise BackupError(f"the database was restored but its rows differ from the "
                              f"manifest in: {', '.join(wrong)}")
        upgrade(engine)
    except SQLAlchemyError as exc:
        raise BackupError(f"the database does not answer ({type(exc).__name__})") from None
    finally:
        engine.dispose()
    return report


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, checked for the keys restore needs."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: {folder} is not a finished backup") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("kedjekoll_backup") != FORMAT:
        raise BackupError(f"{path} is not a manifest of a Kedjekoll backup")
    try:
        names = {item["path"] for item in manifest["files"]}
        valid = (manifest["database"] in names and isinstance(manifest["tables"], dict)
                 and isinstance(manifest["alembic_revision"], str)
                 and all(_listed(item, manifest["database"]) for item in manifest["files"]))
    except (KeyError, TypeError):
        valid = False
    if not valid:
        raise BackupError(f"{path} is incomplete or names a file outside the backup")
    return manifest


def _listed(item: dict, database: str) -> bool:
    """A manifest entry restore may read: the database copy, or an evidence file whose
    name is its SHA-256 (never a path leading out of the backup folder)."""
    path, sha256 = item["path"], item["sha256"]
    if not isinstance(item["size"], int) or not isinstance(sha256, str):
        return False
    if path == database:
        return "/" not in path and path not in (".", "..")
    match = EVIDENCE.fullmatch(path)
    return bool(match) and match.group(2) == sha256


def verify(folder: Path, manifest: dict) -> None:
    """Every listed file is there with its size and SHA-256; else BackupError naming them."""
    damaged = []
    for item in manifest["files"]:
        path = folder / item["path"]
        if not path.is_file():
            damaged.append(f"{path} is missing")
        elif _differs(entry(folder, item["path"]), item):
            damaged.append(f"{path} does not match its SHA-256 in the manifest")
    if damaged:
        more = f" (and {len(damaged) - _SHOWN} more)" if len(damaged) > _SHOWN else ""
        raise BackupError("the backup is damaged, nothing was restored: "
                          + "; ".join(damaged[:_SHOWN]) + more)


def _differs(actual: dict, listed: dict) -> bool:
    return (actual["sha256"], actual["size"]) != (listed["sha256"], listed["size"])


def _refuse_tables(engine) -> None:
    with engine.connect() as connection:
        tables = sorted(connection.dialect.get_table_names(connection))
    if tables:
        raise BackupError(f"the database already has {len(tables)} tables ({tables[0]}, ...): "
                          "restore only into a database with no tables")


def _size(manifest: dict, path: str) -> int:
    return next(item["size"] for item in manifest["files"] if item["path"] == path)


def _place_files(folder: Path, manifest: dict, files_dir: Path,
                 report: RestoreReport) -> list[Path]:
    """Copy the evidence files into place, each atomically; returns those written."""
    placed: list[Path] = []
    try:
        for item in manifest["files"]:
            match = EVIDENCE.fullmatch(item["path"])
            if not match:
                continue
            target = file_path(files_dir, item["sha256"])
            report.files_size += item["size"]
            if target.is_file() and _sha256(target) == item["sha256"]:
                report.files_kept += 1
                continue
            _copy_atomically(folder / item["path"], target)
            placed.append(target)
            report.files_placed += 1
    except OSError:
        for path in placed:
            path.unlink(missing_ok=True)
        raise
    return placed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".restore-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as reading:
            while chunk := reading.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
