"""`kedjekoll backup` and `kedjekoll restore`: the database and the evidence files."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

import click


def _places() -> tuple[str, Path]:
    """The configured database URL and evidence folder."""
    from .cli import _database_url
    from .config import environment

    return _database_url(), Path(environment()["RESPONSES_DIR"]) / "files"


def _version() -> str:
    try:
        return installed_version("kedjekoll")
    except PackageNotFoundError:
        return "unknown"


def size(count: int) -> str:
    """Bytes for people: 512 B, 12.3 kB, 4.5 MB."""
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"


def _rows(tables: dict[str, int]) -> str:
    rows = sum(n for name, n in tables.items() if name != "alembic_version")
    return f"{rows} rows in {len(tables)} tables"


def _files(count: int) -> str:
    return f"{count} evidence file{'' if count == 1 else 's'}"


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def backup(folder: Path) -> None:
    """Copy the database and every evidence file into FOLDER, a new or empty folder.

    The app may keep running: SQLite is copied with its online backup, PostgreSQL with
    pg_dump --format=custom (one consistent snapshot; pg_dump from PATH or
    /usr/lib/postgresql). Evidence files are copied from KEDJEKOLL_RESPONSES_DIR/files.
    FOLDER/manifest.json lists the SHA-256 and size of every file, the migration, the
    backend, the time (UTC) and the app version. Exits 1 when an evidence file on disk
    no longer matches its SHA-256 (it is left out and named). Restore with
    `kedjekoll restore FOLDER`.
    """
    from .store.backup import BackupError
    from .store.backup import backup as make_backup

    url, files_dir = _places()
    try:
        report = make_backup(url, files_dir, folder, _version())
    except BackupError as exc:
        click.echo(f"kedjekoll: backup refused: {exc}", err=True)
        sys.exit(1)
    click.echo(f"backup written to {folder}:")
    click.echo(f"  {report.backend} database at revision {report.revision}: "
               f"{_rows(report.tables)}, {size(report.database_size)}")
    click.echo(f"  {_files(report.files)}, {size(report.files_size)}")
    click.echo(f"  manifest.json: the SHA-256 of {report.files + 1} files")
    for damaged in report.damaged:
        click.echo(f"kedjekoll: left out, its bytes no longer match its SHA-256: {damaged}",
                   err=True)
    if report.damaged:
        sys.exit(1)


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
def restore(folder: Path) -> None:
    """Restore a backup made by `kedjekoll backup` into a database with no tables.

    First checks the size and SHA-256 of every file against FOLDER/manifest.json and
    that the database (KEDJEKOLL_DATABASE_URL, or SQLite in KEDJEKOLL_RESPONSES_DIR) has
    no tables: when either check fails nothing is changed. Then places the evidence
    files in KEDJEKOLL_RESPONSES_DIR/files, restores the database (pg_restore for
    PostgreSQL) and brings it to the newest migration. Stop the app first.
    """
    from .store.backup import BackupError
    from .store.restore import restore as restore_backup

    url, files_dir = _places()
    try:
        report = restore_backup(url, files_dir, folder)
    except BackupError as exc:
        click.echo(f"kedjekoll: restore refused: {exc}", err=True)
        sys.exit(1)
    click.echo(f"restored the backup of {report.created_at} from {folder}:")
    click.echo(f"  {report.backend} database at revision {report.revision}: "
               f"{_rows(report.tables)}, {size(report.database_size)}")
    click.echo(f"  {_files(report.files_placed + report.files_kept)}, "
               f"{size(report.files_size)}, in {files_dir}"
               + (f" ({report.files_kept} were already there)" if report.files_kept else ""))
    click.echo("  the database is at the newest migration")
