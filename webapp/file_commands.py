"""`kedjekoll files move --to database|local`: evidence files from one store to the other.

KEDJEKOLL_FILE_STORAGE chooses where new evidence files go (store/blobs.py); this moves
the files already kept in the other store, with every SHA-256 checked on the way
(store/blob_move.py). Run it on each app server that has files on its own disk.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def files() -> None:
    """Evidence files: where they are kept (KEDJEKOLL_FILE_STORAGE)."""


@files.command()
@click.option("--to", "to", type=click.Choice(["database", "local"]), required=True,
              help="database: from this server's evidence folder "
                   "(KEDJEKOLL_RESPONSES_DIR/files) into the database; local: from the "
                   "database into that folder.")
@click.option("--keep", is_flag=True,
              help="Copy only: leave each file in the store it comes from as well.")
def move(to: str, keep: bool) -> None:
    """Move every evidence file into the database, or out of it to this server's disk.

    Each file is copied, its SHA-256 checked before and after it is stored, and only
    then removed from where it came from, one file at a time. Safe to run again, also
    after an interruption: files already moved are only checked. Prints how many files
    were moved, were there already, are damaged (left in place) and are missing (an
    attachment whose file is in neither place); exits 1 if any are damaged or missing.
    Set KEDJEKOLL_FILE_STORAGE to the same value on every app server: until a file is
    moved, the app still reads it from where it was.
    """
    from .cli import _database_url
    from .config import environment
    from .formats import size_text
    from .store.blob_move import move_files
    from .store.blobs import evidence
    from .store.db import make_engine, session_factory
    from .store.migrate import pending

    config = environment()
    engine = make_engine(_database_url())
    try:
        with engine.connect() as connection:
            behind = pending(connection)
        if behind:
            click.echo(f"kedjekoll: {behind}; run `kedjekoll db upgrade` first", err=True)
            sys.exit(2)
        folder = Path(config["RESPONSES_DIR"]) / "files"
        stores = evidence(to, folder, engine)
        counts = move_files(stores.other, stores.active, session_factory(engine), keep,
                            progress=lambda line: click.echo(line, err=True))
    finally:
        engine.dispose()
    where = "the database" if to == "database" else str(folder)
    verb = "copied" if keep else "moved"
    click.echo(f"{counts.moved} file{'s' if counts.moved != 1 else ''} {verb} to {where} "
               f"({size_text(counts.moved_bytes, 'en')}), {counts.already} there already, "
               f"{len(counts.damaged)} damaged, {len(counts.missing)} missing")
    for sha256 in counts.missing:
        click.echo(f"missing: {sha256} (an attachment's file is in neither place)", err=True)
    if config["FILE_STORAGE"] != to:
        click.echo(f"Set KEDJEKOLL_FILE_STORAGE={to} on every app server, so new files go "
                   f"there too.")
    if counts.damaged or counts.missing:
        sys.exit(1)
