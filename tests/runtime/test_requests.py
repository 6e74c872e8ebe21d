"""One request, in a production configuration (TESTING off): it commits only when it
succeeds, trusts proxy headers only when told to, and leaves one log line with its id.
"""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from sqlalchemy import select

from tests.conftest import PRODUCTION, STAFF_PASSWORD
from tests.factories import make_campaign
from webapp import create_app
from webapp.store.db import database_url, make_engine, unit_of_work
from webapp.store.files import attach, file_path, store_bytes
from webapp.store.migrate import upgrade
from webapp.store.models import AuditEvent
from webapp.supplier.limits import limiter

PDF = b"%PDF-1.4\n%%EOF\n"


def production_app(folder, **config):
    """The app as gunicorn builds it: TESTING off, a real key, the database upgraded
    beforehand (`kedjekoll db upgrade`); https so the Secure session cookie is sent."""
    engine = make_engine(database_url(folder))
    upgrade(engine)
    engine.dispose()
    settings = {"RESPONSES_DIR": folder, "SECRET_KEY": "s" * 40,
                "PREFERRED_URL_SCHEME": "https", **PRODUCTION}
    settings.update(config)
    app = create_app(settings)
    assert not app.testing and not app.config["DEV"]
    limiter.reset()
    return app


@pytest.fixture
def evidence(tmp_path, masks):
    """(app, attachment id, path of its bytes): one supplier's PDF on disk."""
    app = production_app(tmp_path)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, [(response, _token)] = make_campaign(session, masks)
        sha256, size = store_bytes(tmp_path / "files", io.BytesIO(PDF), 1 << 20)
        attachment = attach(session, response, "code_file", sha256, size, "application/pdf",
                            "kod.pdf", "supplier")
        attachment_id = attachment.id
    return app, attachment_id, file_path(tmp_path / "files", sha256)


def signed_in(app, role: str = "reviewer", **headers: str):
    """A staff member's client over https: the sign-in form's POST carries a Referer, as
    a browser's does (Flask-WTF checks it on https). `headers` go with both requests
    (Flask-Login ties the session to the X-Forwarded-For it signed in with)."""
    from webapp.store.staff import add_user

    email = f"{role}@region.example"
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, email, role.title(), role, "test", STAFF_PASSWORD)
    client = app.test_client()
    page = client.get("/staff/login", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    answer = client.post("/staff/login", data={"csrf_token": token, "email": email,
                                               "password": STAFF_PASSWORD},
                         headers={"Referer": "https://localhost/staff/login", **headers})
    assert answer.status_code == 303, answer.status_code
    return client


def downloads(app) -> list[AuditEvent]:
    with app.extensions["kedjekoll.sessions"]() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "attachment.downloaded")))


def test_a_download_that_fails_stores_no_audit_event(evidence, caplog):
    app, attachment_id, path = evidence
    reviewer = signed_in(app)
    path.unlink()  # the bytes are gone (another server's disk, a bad restore)
    caplog.set_level(logging.INFO)
    failed = reviewer.get(f"/staff/files/{attachment_id}")
    assert failed.status_code == 500
    page = failed.get_data(as_text=True)
    assert "Något gick fel hos oss" in page or "Something went wrong on our side" in page
    assert re.search(r"Referens: [0-9a-f]{32}", page)
    assert downloads(app) == []  # the event of the failed download was rolled back
    line = [r.getMessage() for r in caplog.records if r.name == "kedjekoll.requests"][-1]
    assert f"GET /staff/files/{attachment_id} 500 " in line and " reviewer " in line


def test_a_download_that_works_is_audited_with_its_request_id(evidence):
    app, attachment_id, _path = evidence
    reviewer = signed_in(app)
    served = reviewer.get(f"/staff/files/{attachment_id}")
    body = served.get_data()
    served.close()
    assert served.status_code == 200 and body == PDF
    [event] = downloads(app)
    assert event.details["request_id"] == served.headers["X-Request-Id"]
    assert event.details["address"] == "127.0.0.1"


def test_a_5xx_answer_without_an_exception_rolls_back_too(tmp_path, masks):
    app = production_app(tmp_path)

    @app.get("/broken-on-purpose")
    def broken():
        from webapp.database import db
        from webapp.store.audit import record

        record(db(), "test", "should.not.stay")
        return "the database is fine but the answer is not", 503

    broken.audience = "public"
    assert app.test_client().get("/broken-on-purpose").status_code == 503
    with app.extensions["kedjekoll.sessions"]() as session:
        assert session.scalars(select(AuditEvent.action)).all() == []


# ------------------------------------------------------------------ proxies


def _guess(client, n: int, address: str):
    return client.get(f"/i/guess-{n:040d}", headers={"X-Forwarded-For": address}).status_code


def test_behind_a_trusted_proxy_each_client_has_its_own_rate_limit(tmp_path):
    client = production_app(tmp_path, PROXY_COUNT=1).test_client()
    codes = [_guess(client, n, "203.0.113.5") for n in range(31)]
    assert codes[:30] == [404] * 30 and codes[30] == 429
    assert _guess(client, 99, "198.51.100.7") == 404  # another client is not locked out


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path):
    client = production_app(tmp_path).test_client()
    codes = [_guess(client, n, f"203.0.113.{n}") for n in range(31)]
    assert codes[30] == 429  # one address (the peer's), whatever the header says


@pytest.mark.parametrize(("proxies", "hsts"), [(1, True), (0, False)])
def test_hsts_follows_the_trusted_proxys_scheme(tmp_path, proxies, hsts):
    app = production_app(tmp_path, PROXY_COUNT=proxies, PREFERRED_URL_SCHEME="http")
    answer = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in answer.headers) is hsts


@pytest.mark.parametrize("proxies", [1, 0])
def test_audit_events_name_the_client_and_the_request(evidence, proxies):
    app, attachment_id, _path = evidence
    app = production_app(app.config["RESPONSES_DIR"], PROXY_COUNT=proxies)
    reviewer = signed_in(app, **{"X-Forwarded-For": "203.0.113.44"})
    given = "proxy-id-0123456789"
    served = reviewer.get(f"/staff/files/{attachment_id}", headers={
        "X-Forwarded-For": "203.0.113.44", "X-Request-Id": given})
    served.close()
    assert served.status_code == 200
    [event] = downloads(app)
    if proxies:
        assert served.headers["X-Request-Id"] == given
        assert event.details["address"] == "203.0.113.44"
        assert event.details["request_id"] == given
    else:
        assert served.headers["X-Request-Id"] != given
        assert event.details["address"] == "127.0.0.1"
        assert event.details["request_id"] == served.headers["X-Request-Id"]


# ------------------------------------------------------------------ the request log


def test_the_json_request_log_hides_tokens_and_names_the_role(tmp_path, masks, caplog):
    app = production_app(tmp_path, LOG_FORMAT="json", PROXY_COUNT=1)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, [(_response, token)] = make_campaign(session, masks)
    caplog.set_level(logging.INFO)
    supplier = app.test_client()
    supplier.get(f"/i/{token}?lang=en", headers={"X-Forwarded-For": "203.0.113.9"})
    supplier.get("/supplier/")
    admin = signed_in(app, "admin")
    admin.get("/staff/")
    app.test_client().get("/staff/password/" + "p" * 43)
    lines = [json.loads(r.getMessage()) for r in caplog.records
             if r.name == "kedjekoll.requests"]
    assert [(line["method"], line["path"], line["status"], line["role"]) for line in lines] == [
        ("GET", "/i/[token]", 303, "supplier"),  # the role the request ends with
        ("GET", "/supplier/", 200, "supplier"),
        ("GET", "/staff/login", 200, "anonymous"),
        ("POST", "/staff/login", 303, "admin"),
        ("GET", "/staff/", 200, "admin"),
        ("GET", "/staff/password/[token]", lines[-1]["status"], "anonymous"),
    ]
    assert lines[0]["address"] == "203.0.113.9"
    for line in lines:
        assert set(line) == {"time", "request_id", "method", "path", "status", "duration_ms",
                             "role", "address"}
        assert line["time"].endswith("Z") and line["duration_ms"] >= 0
    assert len({line["request_id"] for line in lines}) == len(lines)
    assert token not in caplog.text and "p" * 43 not in caplog.text


def test_the_text_request_log_is_one_readable_line(tmp_path, caplog):
    app = production_app(tmp_path)
    caplog.set_level(logging.INFO)
    answer = app.test_client().get("/healthz")
    [line] = [r.getMessage() for r in caplog.records if r.name == "kedjekoll.requests"]
    assert re.fullmatch(r"\S+Z [0-9a-f]{32} GET /healthz 200 [\d.]+ ms anonymous 127\.0\.0\.1",
                        line), line
    assert answer.headers["X-Request-Id"] in line
