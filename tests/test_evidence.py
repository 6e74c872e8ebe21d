"""KEDJEKOLL_FILE_STORAGE=database in the web app, on SQLite and PostgreSQL: two app
servers with their own folders on one database share evidence; a download streams one
row at a time after the request's work is committed; /readyz tries a real write."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import PRODUCTION, signed_in
from tests.factories import make_campaign
from tests.store.conftest import new_database, pg_server, postgresql_proc  # noqa: F401
from tests.supplier.conftest import Site, SupplierClient
from webapp import create_app
from webapp.config import ConfigError, load
from webapp.store.db import make_engine, unit_of_work
from webapp.store.models import Attachment, AuditEvent, EvidenceChunk
from webapp.supplier.limits import limiter

BIG = b"%PDF-1.7\n" + os.urandom(1_300_000)  # 1.3 MB: five rows of 256 KiB
KINDS = ["sqlite", "postgresql"]


def app_on(url: str, request, **config):
    """An app on the database at `url`, its connections closed after the test."""
    app = create_app({"DATABASE_URL": url, **config})
    request.addfinalizer(app.extensions["kedjekoll.engine"].dispose)
    return app


def servers(kind, tmp_path, request, masks) -> tuple[Site, Site]:
    """Two apps as on two servers: each its own responses/ folder, one database."""
    url = new_database(kind, tmp_path, request)
    apps = [app_on(url, request, TESTING=True, WTF_CSRF_ENABLED=True,
                   RESPONSES_DIR=tmp_path / name, FILE_STORAGE="database")
            for name in ("server-a", "server-b")]
    limiter.reset()
    with unit_of_work(apps[0].extensions["kedjekoll.sessions"]) as session:
        _, invitations = make_campaign(session, masks)
        ids, tokens = [r.id for r, _ in invitations], [t for _, t in invitations]
    return Site(apps[0], tokens, ids, masks), Site(apps[1], tokens, ids, masks)


def upload(client: SupplierClient, name: str, content: bytes):
    """Post the policy page with `content` as the code of conduct, as a browser does (the
    body built in memory: the test client would leave a temporary file open)."""
    html = client.page("/supplier/section/policy")
    boundary, body = encode_multipart({
        "csrf_token": client.csrf(html), "draft_version": client.version(html),
        "action": "save", "code_of_conduct": "yes",
        "code_file": FileStorage(io.BytesIO(content), name, content_type="application/pdf")})
    return client.post("/supplier/section/policy", body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored(site: Site, query):
    with site.sessions()() as session:
        return session.execute(query).all()


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_uploaded_through_one_server_streams_intact_through_the_other(
        kind, tmp_path, request, masks):
    a, b = servers(kind, tmp_path, request, masks)
    assert upload(SupplierClient(a, a.tokens[0]), "uppförandekod.pdf", BIG).status_code == 303
    [(attachment_id, sha256, size)] = stored(a, select(Attachment.id, Attachment.sha256,
                                                       Attachment.size))
    assert (sha256, size) == (hashlib.sha256(BIG).hexdigest(), len(BIG))
    assert stored(b, select(func.count()).select_from(EvidenceChunk)) == [(5,)]
    assert not any(p.is_file() for p in tmp_path.rglob("server-*/files/**/*"))  # no disk

    supplier = SupplierClient(b, b.tokens[0]).get(f"/supplier/files/{attachment_id}")
    assert supplier.status_code == 200 and supplier.get_data() == BIG
    assert supplier.headers["Content-Disposition"].endswith(
        "filename=uppforandekod.pdf; filename*=UTF-8''uppf%C3%B6randekod.pdf")
    assert supplier.headers["Content-Type"] == "application/pdf"
    assert supplier.headers["Content-Length"] == str(len(BIG))
    assert supplier.headers["X-Content-Type-Options"] == "nosniff"

    staff = signed_in(b.app)
    part = staff.get(f"/staff/files/{attachment_id}", headers={"Range": "bytes=300000-300099"})
    assert part.status_code == 206 and part.get_data() == BIG[300000:300100]

    # memory: the body is a stream that reads one 256 KiB row at a time, on connections
    # of its own, after the request's session (with its audit event) has been committed
    reads: list[str] = []
    event.listen(b.app.extensions["kedjekoll.engine"], "before_cursor_execute",
                 lambda _c, _cursor, sql, *_a: reads.append(sql)
                 if sql.startswith("SELECT evidence_chunk.data") else None)
    download = staff.get(f"/staff/files/{attachment_id}")
    assert download.is_streamed and len(reads) <= 1  # (the test client reads the first)
    assert stored(b, select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "attachment.downloaded")) == [(2,)]  # committed already
    digest = hashlib.sha256()
    for piece in download.response:
        digest.update(piece)
        assert len(piece) <= 256 * 1024
    download.close()
    assert digest.hexdigest() == sha256
    assert len(reads) == 5  # one row at a time


@pytest.mark.parametrize("kind", KINDS)
def test_readiness_tries_a_real_write_in_the_database(kind, tmp_path, request):
    url = new_database(kind, tmp_path, request)
    app = app_on(url, request, RESPONSES_DIR=tmp_path / "app", SECRET_KEY="s" * 40,
                 FILE_STORAGE="database", **PRODUCTION)
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "files": "ok",
                                                    "rate limits": "ok"}}
    assert not (tmp_path / "app" / "files").exists()  # the disk is not what was tried
    engine = make_engine(url)
    with engine.begin() as connection:
        assert connection.scalar(select(func.count()).select_from(EvidenceChunk)) == 0
        connection.exec_driver_sql("DROP TABLE evidence_chunk")
    engine.dispose()
    broken = client.get("/readyz")
    assert broken.status_code == 503 and broken.json["checks"]["database"] == "ok"
    assert broken.json["checks"]["files"].startswith("the evidence table cannot be written (")


def test_an_unknown_storage_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("KEDJEKOLL_FILE_STORAGE", "s3")
    with pytest.raises(ConfigError) as refused:
        load({"TESTING": True, "RESPONSES_DIR": tmp_path})
    assert str(refused.value) == ("KEDJEKOLL_FILE_STORAGE must be local or database (where "
                                  "evidence files are kept), not 's3'.")
    monkeypatch.delenv("KEDJEKOLL_FILE_STORAGE")
    with pytest.raises(ConfigError, match="^KEDJEKOLL_FILE_STORAGE must be local or database"):
        load({"TESTING": True, "RESPONSES_DIR": tmp_path, "FILE_STORAGE": "cloud"})
    assert load({"TESTING": True, "RESPONSES_DIR": tmp_path})["FILE_STORAGE"] == "local"
