"""shared/security.md on the supplier side: each promise with the test that proves it."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import PRODUCTION
from tests.supplier.conftest import SupplierClient
from webapp import create_app
from webapp.store.models import Answer, Attachment, AuditEvent, Response, Submission

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
XSS = "<script>alert('x')</script>"


def upload(client: SupplierClient, name: str, content: bytes, question: str = "code_file",
           section: str = "policy", extra: dict | None = None):
    html = client.page(f"/supplier/section/{section}")
    data = {"csrf_token": client.csrf(html), "draft_version": client.version(html),
            "action": "save", "code_of_conduct": "yes", question: (io.BytesIO(content), name)}
    data.update(extra or {})
    return client.post(f"/supplier/section/{section}", data,
                       content_type="multipart/form-data")


def counts(site):
    with site.app.app_context(), site.sessions()() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                for m in (Answer, Attachment, AuditEvent, Submission)}


def files_on_disk(site) -> list[Path]:
    root = Path(site.app.config["RESPONSES_DIR"]) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ------------------------------------------------------------------ S2, S10, S11 uploads


def test_pdf_upload_is_served_as_a_download_to_its_owner_only(site, supplier):
    response = upload(supplier, "uppförandekod.pdf", PDF)
    assert response.status_code == 303
    with site.app.app_context(), site.sessions()() as session:
        attachment = session.scalar(select(Attachment))
    page = supplier.page("/supplier/section/policy")
    assert "uppförandekod.pdf" in page
    download = supplier.get(f"/supplier/files/{attachment.id}")
    body = download.get_data()
    download.close()
    assert download.status_code == 200 and body == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    # the supplier's own name, ö and all (RFC 6266), with an ASCII look-alike for old clients
    assert download.headers["Content-Disposition"].endswith(
        "filename=uppforandekod.pdf; filename*=UTF-8''uppf%C3%B6randekod.pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    other = SupplierClient(site, site.tokens[1])
    assert other.get(f"/supplier/files/{attachment.id}").status_code == 404


@pytest.mark.parametrize(("name", "content"), [
    ("evil.html", b"<html><script>alert(1)</script></html>"),
    ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("evil.pdf", b"<html><script>alert(1)</script></html>"),
    ("empty.pdf", b""),
])
def test_html_svg_and_disguised_files_are_refused(site, supplier, name, content):
    before = counts(site)
    response = upload(supplier, name, content)
    assert response.status_code == 422
    assert 'id="code_file-error"' in response.get_data(as_text=True)
    assert counts(site)["attachment"] == before["attachment"]
    assert files_on_disk(site) == []


def test_zip_bomb_office_file_is_refused(site, supplier, masks):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (210 * 1024 * 1024))
    response = upload(supplier, "bomb.docx", bomb.getvalue())
    assert response.status_code == 422
    assert "packas upp till för mycket" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "nul\x00byte.pdf", "証明書.pdf",
                                  "same.pdf"])
def test_file_names_are_only_data(site, supplier, name):
    assert upload(supplier, name, PDF).status_code == 303
    assert upload(supplier, name, PDF).status_code == 303  # a duplicate, too
    stored = files_on_disk(site)
    assert len(stored) == 1 and len(stored[0].name) == 64  # one file, named by its hash
    root = Path(site.app.config["RESPONSES_DIR"]) / "files"
    assert all(root in p.resolve().parents for p in stored)
    with site.app.app_context(), site.sessions()() as session:
        names = session.scalars(select(Attachment.original_name)).all()
    assert all("/" not in n and "\x00" not in n for n in names)


def test_one_byte_over_the_limit_is_413_and_leaves_nothing(tmp_path, masks):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "MAX_CONTENT_LENGTH": 4096})
    from tests.factories import make_campaign
    from webapp.store.db import unit_of_work

    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, [(_, token)] = make_campaign(session, masks)
    client = app.test_client()
    client.get(f"/i/{token}")
    body = b"x" * 4097
    response = client.post("/supplier/section/policy", data=body,
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert not (tmp_path / "files").exists() or not any((tmp_path / "files").rglob("*"))


# ------------------------------------------------------------------ S3, S4 access


def test_every_supplier_route_with_an_id_is_404_for_another_supplier(site, supplier):
    upload(supplier, "kod.pdf", PDF)
    with site.app.app_context(), site.sessions()() as session:
        theirs = session.scalar(select(Attachment.id))
    other = SupplierClient(site, site.tokens[1])
    checked = 0
    for rule in site.app.url_map.iter_rules():
        view = site.app.view_functions[rule.endpoint]
        if getattr(view, "audience", None) != "supplier" or not rule.arguments:
            continue
        values = {arg: theirs if "id" in arg else 1 for arg in rule.arguments}
        if "section_id" in values:
            values["section_id"] = "no_such_section"
        if "country" in values:
            continue
        with site.app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = other.client.open(path, method=method,
                                         data={"csrf_token": other.csrf(other.page(
                                             "/supplier/"))})
            assert response.status_code == 404, (rule.rule, method, response.status_code)
            checked += 1
    assert checked >= 3


def test_every_view_declares_its_audience(site):
    from webapp.access import check_audiences

    check_audiences(site.app)  # does not raise
    site.app.view_functions["undeclared"] = lambda: "open"
    with pytest.raises(RuntimeError, match="undeclared"):
        check_audiences(site.app)


# ------------------------------------------------------------------ S5 mass assignment


def test_extra_fields_change_nothing(site, supplier):
    before = counts(site)
    response = supplier.save("contact", {"company_name": "Acme AB"}, extra={
        "status": "accepted", "score": "100", "supplier_id": "2", "response_id": "2",
        "round": "9"})
    assert response.status_code == 303
    with site.app.app_context(), site.sessions()() as session:
        mine = session.get(Response, site.response_ids[0])
        assert (mine.status, mine.round, mine.supplier_id) == ("in_progress", 1,
                                                                mine.supplier_id)
        assert set(session.scalars(select(Answer.question_id))) == {"company_name"}
        theirs = session.get(Response, site.response_ids[1])
        assert theirs.status == "invited" and theirs.draft_version == 0
    assert counts(site)["submission"] == before["submission"]


# ------------------------------------------------------------------ S8 CSRF, GET


def test_every_post_without_a_token_is_400(site, supplier):
    for rule in site.app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        path = rule.rule.replace("<section_id>", "contact").replace("<token>", "x")
        path = re.sub(r"<int:[a-z_]+>", "1", path)
        assert supplier.post(path, {"company_name": "x"}).status_code == 400, rule.rule


def test_get_requests_change_no_rows(site, supplier):
    supplier.save("contact", {"company_name": "Acme AB"})
    before = counts(site)
    for rule in site.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = (rule.rule.replace("<section_id>", "mapping").replace("<token>", site.tokens[0])
                .replace("<int:round_number>", "1").replace("<int:attachment_id>", "1")
                .replace("<int:campaign_id>", "1").replace("<int:response_id>", "1")
                .replace("<country>", "SE").replace("<questionnaire_id>", "gloves"))
        path = re.sub(r"<int:[a-z_]+>", "1", path)
        assert "<" not in path, path
        supplier.get(path)
    assert counts(site) == before


def test_expired_form_token_shows_the_typed_answers_again(site, supplier):
    html = supplier.page("/supplier/section/contact")
    data = {"csrf_token": "expired-or-forged", "draft_version": supplier.version(html),
            "company_name": "Typed but not saved AB", "action": "save"}
    response = supplier.post("/supplier/section/contact", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Typed but not saved AB"' in body and "inget sparades" in body
    again = supplier.post("/supplier/section/contact", dict(data, csrf_token=supplier.csrf(
        body)))
    assert again.status_code == 303


# ------------------------------------------------------------------ S9 sessions


def test_cookies_are_secure_httponly_and_lax_outside_development(tmp_path, monkeypatch, masks):
    monkeypatch.setenv("KEDJEKOLL_SECRET_KEY", "k" * 40)
    app = create_app({"RESPONSES_DIR": tmp_path, "DATABASE_UPGRADE": True, **PRODUCTION})
    from tests.factories import make_campaign
    from webapp.store.db import unit_of_work

    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, [(_, token)] = make_campaign(session, masks)
    cookie = app.test_client().get(f"/i/{token}").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_following_a_link_starts_a_fresh_session(site):
    client = site.app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.get(f"/i/{site.tokens[0]}")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_leaving_revokes_the_session_even_if_the_cookie_is_replayed(site, supplier):
    cookie = supplier.client.get_cookie("session").value
    html = supplier.page("/supplier/")
    assert supplier.post("/supplier/leave", {"csrf_token": supplier.csrf(html)}).status_code \
        == 200
    replay = site.app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/supplier/").status_code == 401
    assert SupplierClient(site, site.tokens[0]).get("/supplier/").status_code == 200


def test_private_pages_are_not_cached(supplier):
    assert supplier.get("/supplier/").headers["Cache-Control"] == "no-store"


# ------------------------------------------------------------------ S15 tokens, S17 headers


def test_tokens_never_reach_the_logs_or_the_audit_trail(site, caplog):
    caplog.set_level(logging.DEBUG)
    client = SupplierClient(site, site.tokens[0])
    client.save("contact", {"company_name": "Acme AB"})
    client.get("/i/" + "y" * 43)
    text = "\n".join(r.getMessage() for r in caplog.records)
    with site.app.app_context(), site.sessions()() as session:
        details = " ".join(str(d) for d in session.scalars(select(AuditEvent.details)))
    for token in site.tokens:
        assert token not in text and token not in details


def test_a_served_link_is_logged_without_its_token(site, caplog):
    """The request log of a real server shows the path of a link, never its token."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, site.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/i/{site.tokens[0]}", "/staff/password/" + "p" * 43):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}"):
                    pass
            except urllib.error.HTTPError as refused:
                refused.close()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "GET /i/[token] HTTP" in logged and "GET /staff/password/[token] HTTP" in logged
    assert site.tokens[0] not in logged and "p" * 43 not in logged


def test_security_headers_on_every_route(site, supplier):
    for rule in site.app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        path = (rule.rule.replace("<section_id>", "contact").replace("<token>", "z" * 43)
                .replace("<int:round_number>", "1").replace("<int:attachment_id>", "1")
                .replace("<int:campaign_id>", "1").replace("<int:response_id>", "1")
                .replace("<country>", "SE").replace("<questionnaire_id>", "gloves")
                .replace("<path:filename>", "kedjekoll.css"))
        path = re.sub(r"<int:[a-z_]+>", "1", path)
        assert "<" not in path, path
        response = supplier.get(path)
        response.close()
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], rule.rule
        assert headers["X-Content-Type-Options"] == "nosniff", rule.rule
        assert headers["Referrer-Policy"] == "no-referrer", rule.rule


# ------------------------------------------------------------------ S1 stored XSS


def test_answers_with_markup_are_shown_escaped(site, supplier):
    supplier.save("contact", {"company_name": XSS, "contact_name": XSS})
    for path in ("/supplier/section/contact", "/supplier/check", "/supplier/print"):
        html = supplier.page(path)
        assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)" in html
