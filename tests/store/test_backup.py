"""`kedjekoll backup` and `kedjekoll restore` on SQLite and PostgreSQL: the demo data and an
uploaded file come back with the same rows in every table and the same bytes; a
database with tables, a damaged backup and a used folder are refused, changing nothing."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from datetime import date
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text

from tests.conftest import ROOT
from tests.store.conftest import new_database
from webapp import create_app
from webapp.backup_commands import size
from webapp.cli import main
from webapp.definitions import Catalogue
from webapp.store.db import WRITE, make_engine, session_factory, unit_of_work
from webapp.store.demo import load_demo
from webapp.store.files import attach, store_bytes
from webapp.store.migrate import heads, pending
from webapp.store.models import Response, Supplier

UPLOAD = "Intyg om social revision, fabriken i Đồng Nai, 2026.\n".encode() * 40


def run(args: list[str], url: str, responses: Path):
    """The command as an operator runs it, with the database and folder in the environment."""
    env = {"KEDJEKOLL_DATABASE_URL": url, "KEDJEKOLL_RESPONSES_DIR": str(responses)}
    return CliRunner().invoke(main, args, env=env)


def contents(url: str) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a checksum of all its rows."""
    engine = make_engine(url)
    with engine.connect() as connection:
        names = sorted(connection.dialect.get_table_names(connection))
        tables = {}
        for name in names:
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            tables[name] = (len(rows), digest)
    engine.dispose()
    return tables


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def original(backend, tmp_path_factory, request):
    """The demo data plus one uploaded evidence file, and a backup of them."""
    root = tmp_path_factory.mktemp(f"original-{backend}")
    url = new_database(backend, root, request)
    responses = root / "responses"
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session, Catalogue.load(ROOT / "questionnaires"), responses / "files",
                  today=date(2026, 12, 1))
        response = session.scalars(select(Response).order_by(Response.id)).first()
        sha256, size = store_bytes(responses / "files", io.BytesIO(UPLOAD), 1 << 20)
        attach(session, response, "audit_report", sha256, size, "text/plain",
               "revision.txt", "supplier")
    engine.dispose()
    result = run(["backup", str(root / "backup")], url, responses)
    assert result.exit_code == 0, result.output
    return SimpleNamespace(url=url, responses=responses, backup=root / "backup",
                           output=result.output, tables=contents(url),
                           files=files_in(responses / "files"), sha256=sha256)


def test_restore_gives_the_same_rows_and_files(original, backend, tmp_path, request):
    assert len(original.files) == 2  # the demo's PDF and the upload
    manifest = json.loads((original.backup / "manifest.json").read_text())
    assert manifest["backend"] == backend
    assert manifest["alembic_revision"] == ",".join(sorted(heads()))
    assert manifest["version"] == version("kedjekoll")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    assert manifest["tables"] == {name: n for name, (n, _) in original.tables.items()}
    listed = {item["path"]: item for item in manifest["files"]}
    upload = listed[f"files/{original.sha256[:2]}/{original.sha256}"]
    assert upload == {"path": upload["path"], "sha256": original.sha256, "size": len(UPLOAD)}
    assert manifest["database"] in listed and len(listed) == 3
    rows = sum(n for name, (n, _) in original.tables.items() if name != "alembic_version")
    assert f"database at revision {manifest['alembic_revision']}: {rows} rows in " \
           f"{len(original.tables)} tables" in original.output
    assert "2 evidence files" in original.output

    url = new_database(backend, tmp_path, request, revision=None)
    responses = tmp_path / "restored"
    result = run(["restore", str(original.backup)], url, responses)

    assert result.exit_code == 0, result.output
    print(original.output + result.output)
    assert f"{rows} rows in {len(original.tables)} tables" in result.output
    total = size(sum(map(len, original.files.values())))
    assert f"2 evidence files, {total}, in {responses / 'files'}" in result.output
    assert contents(url) == original.tables
    assert files_in(responses / "files") == original.files
    app = create_app({"TESTING": True, "DATABASE_UPGRADE": False, "DATABASE_URL": url,
                      "RESPONSES_DIR": responses})
    ready = app.test_client().get("/readyz")
    assert (ready.status_code, ready.json["status"]) == (200, "ready")
    app.extensions["kedjekoll.engine"].dispose()


def test_restore_refuses_a_database_with_tables(original, backend, tmp_path, request):
    url = new_database(backend, tmp_path, request)
    before = contents(url)
    result = run(["restore", str(original.backup)], url, tmp_path / "restored")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"kedjekoll: restore refused: the database already has {len(before)} tables "
        "(alembic_version, ...): restore only into a database with no tables"]
    assert contents(url) == before
    assert not (tmp_path / "restored").exists()


def test_a_damaged_backup_is_refused_and_nothing_is_restored(original, backend, tmp_path,
                                                             request):
    damaged = tmp_path / "backup"
    shutil.copytree(original.backup, damaged)
    upload = damaged / "files" / original.sha256[:2] / original.sha256
    upload.write_bytes(UPLOAD.replace(b"2026", b"2025"))
    url = new_database(backend, tmp_path, request, revision=None)
    result = run(["restore", str(damaged)], url, tmp_path / "restored")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "kedjekoll: restore refused: the backup is damaged, nothing was restored: "
        f"{upload} does not match its SHA-256 in the manifest"]

    database = damaged / json.loads((damaged / "manifest.json").read_text())["database"]
    database.unlink()
    result = run(["restore", str(damaged)], url, tmp_path / "restored")
    assert result.exit_code == 1
    assert f"{database} is missing; {upload} does not match" in result.output
    assert contents(url) == {}
    assert not (tmp_path / "restored").exists()


def test_a_backup_is_consistent_while_the_app_writes(fresh_url, tmp_path):
    """A write not yet committed is not in the backup, and neither waits for the other."""
    engine = make_engine(fresh_url)
    with engine.connect() as writer:
        writer = writer.execution_options(**WRITE)
        with writer.begin():
            writer.execute(insert(Supplier).values(name="Halvfärdig AB", org_number="1",
                                                   country="SE"))
            result = run(["backup", str(tmp_path / "backup")], fresh_url, tmp_path)
    engine.dispose()
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["supplier"] == 0
    assert contents(fresh_url)["supplier"][0] == 1


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "last-week.txt").write_text("keep me")
    result = run(["backup", str(folder)], f"sqlite:///{tmp_path / 'none.sqlite3'}", tmp_path)
    assert result.exit_code == 1
    assert result.output == (f"kedjekoll: backup refused: {folder} is not empty: give each "
                             "backup a new folder\n")
    assert files_in(folder) == {"last-week.txt": b"keep me"}


def test_pg_dump_gets_the_password_by_environment_and_a_failure_leaves_no_backup(
        tmp_path, request, monkeypatch):
    """The password never reaches pg_dump's command line (any user of the machine reads
    that in the process list); a pg_dump that fails leaves an empty folder, not a backup
    to be trusted."""
    url = new_database("postgresql", tmp_path, request).replace("postgres@",
                                                                "postgres:s3cr%40t@")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.args\"\nenv | grep '^PG' > \"$0.env\"\n"
        "echo 'pg_dump: error: server version: 99.0; pg_dump version: 15.18' >&2\nexit 1\n")
    (fake / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    folder = tmp_path / "backup"
    result = run(["backup", str(folder)], url, tmp_path)
    assert result.exit_code == 1
    assert result.output == ("kedjekoll: backup refused: pg_dump failed: pg_dump: error: "
                             "server version: 99.0; pg_dump version: 15.18\n")
    assert list(folder.iterdir()) == []
    arguments = (fake / "pg_dump.args").read_text()
    assert "--format=custom" in arguments and "s3cr" not in arguments
    assert "PGPASSWORD=s3cr@t" in (fake / "pg_dump.env").read_text().splitlines()


def test_restore_refuses_a_manifest_naming_a_file_outside_the_backup(tmp_path):
    """S10: a manifest cannot make restore read (or place) a file outside its folder."""
    folder = tmp_path / "backup"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    item = {"path": "../secret.txt", "size": 9,
            "sha256": hashlib.sha256(b"not yours").hexdigest()}
    manifest = {"kedjekoll_backup": 1, "backend": "sqlite", "alembic_revision": "0010",
                "created_at": "2026-12-01T00:00:00Z", "database": "../secret.txt",
                "tables": {}, "files": [item]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = run(["restore", str(folder)], f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path)
    assert result.exit_code == 1
    assert result.output == (f"kedjekoll: restore refused: {folder / 'manifest.json'} is "
                             "incomplete or names a file outside the backup\n")
    assert not (tmp_path / "new.sqlite3").exists()


def test_a_backup_of_an_older_version_is_restored_at_the_newest_migration(tmp_path, request):
    """A backup taken before an upgrade serves at once after restore: /readyz is ready."""
    url = new_database("sqlite", tmp_path, request, revision="0009")
    assert run(["backup", str(tmp_path / "backup")], url, tmp_path).exit_code == 0
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text())[
        "alembic_revision"] == "0009"
    target = new_database("sqlite", tmp_path, request, revision=None)
    result = run(["restore", str(tmp_path / "backup")], target, tmp_path / "restored")
    assert result.exit_code == 0, result.output
    assert "database at revision 0009" in result.output
    assert "the database is at the newest migration" in result.output
    engine = make_engine(target)
    with engine.connect() as connection:
        assert pending(connection) is None
    engine.dispose()
