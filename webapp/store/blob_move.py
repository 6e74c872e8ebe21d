"""Moving evidence files from one store to the other (`kedjekoll files move`).

Each file is moved on its own: copied into the target (which checks, before keeping
anything, that the bytes have the SHA-256 the file is kept under), committed, read back
from the target and checked again, and only then removed from the source. An
interruption at any point leaves every file whole in at least one store, so running the
move again finishes the job; a file already in the target is only checked and removed
from the source. A damaged file (bytes that do not match their SHA-256) stays where it
is, and is counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .blobs import UNLIMITED, EvidenceStore
from .files import DamagedFile
from .models import Attachment

READ = 256 * 1024


@dataclass
class MoveCounts:
    """What a move did: files moved (and their bytes), found in the target already,
    damaged (left in place), and attachments whose file is in neither store."""

    moved: int = 0
    moved_bytes: int = 0
    already: int = 0
    damaged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def move_files(source: EvidenceStore, target: EvidenceStore, sessions: sessionmaker[Session],
               keep: bool = False, progress: Callable[[str], None] = lambda _line: None
               ) -> MoveCounts:
    """Move every file `source` holds into `target` (`keep`: copy, leave the source)."""
    counts = MoveCounts()
    in_target = set(target.held())
    for sha256 in source.held():
        copied = None
        if sha256 not in in_target:
            try:  # a session without BEGIN IMMEDIATE: the local store writes no row
                with sessions() as session, source.open(sha256) as stream:
                    _, copied = target.store(session, stream, UNLIMITED, expected=sha256)
                    session.commit()
            except DamagedFile:
                counts.damaged.append(sha256)
                progress(f"damaged, left in place: {sha256}")
                continue
        if not _intact(target, sha256):
            counts.damaged.append(sha256)
            progress(f"damaged in the target, the source copy is kept: {sha256}")
            continue
        if copied is None:
            counts.already += 1
        else:
            counts.moved += 1
            counts.moved_bytes += copied
        if not keep:
            source.remove(sha256)
    with sessions() as session:
        wanted = set(session.scalars(select(Attachment.sha256).distinct()))
    counts.missing = sorted(wanted - set(target.held()) - set(source.held()))
    return counts


def _intact(store: EvidenceStore, sha256: str) -> bool:
    """The file reads back from `store` with the SHA-256 it is kept under."""
    digest = hashlib.sha256()
    try:
        with store.open(sha256) as stream:
            while piece := stream.read(READ):
                digest.update(piece)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == sha256
