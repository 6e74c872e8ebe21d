"""/healthz and /readyz: what a load balancer asks, answered without a session and
without a secret; an app on an old database holds its pages back with a 503."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import PRODUCTION
from tests.runtime.conftest import free_port
from tests.runtime.test_requests import production_app
from webapp import create_app
from webapp.store.db import database_url, make_engine
from webapp.store.migrate import heads, upgrade

HEAD = ", ".join(sorted(heads()))


def test_a_ready_app_says_so_without_a_session(tmp_path):
    client = production_app(tmp_path).test_client()
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "files": "ok",
                                                        "rate limits": "ok"}}
    assert "Set-Cookie" not in ready.headers and "Set-Cookie" not in alive.headers
    assert [p.name for p in (tmp_path / "files").iterdir()] == []  # the probe is removed


def test_an_evidence_folder_that_cannot_be_written_is_not_ready(tmp_path):
    client = production_app(tmp_path).test_client()
    (tmp_path / "files").write_text("a file where the folder should be")  # even root fails
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["status"] == "not ready"
    assert ready.json["checks"]["database"] == "ok"
    assert ready.json["checks"]["files"].startswith("the evidence folder cannot be written (")
    assert str(tmp_path) not in ready.get_data(as_text=True)


def test_a_database_behind_the_code_holds_pages_back(tmp_path, caplog):
    engine = make_engine(database_url(tmp_path))
    upgrade(engine, "0006")
    app = create_app({"RESPONSES_DIR": tmp_path, "SECRET_KEY": "s" * 40, **PRODUCTION})
    line = (f"kedjekoll: not ready: the database is at revision 0006, this version needs "
            f"{HEAD}; run `kedjekoll db upgrade`, then the app serves without a restart")
    assert [r.getMessage() for r in caplog.records if "not ready" in r.getMessage()] == [line]
    client = app.test_client()
    assert client.get("/readyz").json["checks"]["database"] == (
        f"the database is at revision 0006, this version needs {HEAD}")
    page = client.get("/staff/login", headers={"Accept-Language": "en"})
    assert page.status_code == 503
    assert "The service is not available right now" in page.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200
    upgrade(engine)  # the deploy step, while the app runs
    assert client.get("/staff/login").status_code == 200
    assert client.get("/readyz").status_code == 200
    engine.dispose()


def test_a_database_from_a_newer_version_is_not_ready(tmp_path):
    engine = make_engine(database_url(tmp_path))
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    app = create_app({"RESPONSES_DIR": tmp_path, "SECRET_KEY": "s" * 40, **PRODUCTION})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert "0099, which this version of Kedjekoll does not know" in answer.json["checks"][
        "database"]


@pytest.mark.parametrize("path", ["/readyz", "/staff/login"])
def test_a_database_that_does_not_answer_shows_no_secret(tmp_path, path):
    url = "postgresql://kedjekoll:hunter2-secret@127.0.0.1:1/kedjekoll"
    app = create_app({"RESPONSES_DIR": tmp_path, "SECRET_KEY": "s" * 40, "DATABASE_URL": url,
                      **PRODUCTION})
    answer = app.test_client().get(path)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "hunter2" not in body and "127.0.0.1:1" not in body
    if path == "/readyz":
        assert answer.json["checks"]["database"] == (
            "the database does not answer (OperationalError)")


def test_development_still_migrates_at_start(tmp_path):
    """`kedjekoll serve --dev` and `make run`: an empty database is brought up to date."""
    app = create_app({"RESPONSES_DIR": tmp_path, "DEV": True})
    assert app.test_client().get("/readyz").status_code == 200


def test_a_limit_storage_that_does_not_answer_is_not_ready(tmp_path, caplog):
    """S6: Redis for the rate limits unreachable at start: one log line (password hidden),
    /readyz 503 naming the variable, not the address; the pages still answer."""
    url = f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0"  # nobody listens there
    engine = make_engine(database_url(tmp_path))
    upgrade(engine)
    engine.dispose()
    client = create_app({"RESPONSES_DIR": tmp_path, "SECRET_KEY": "s" * 40, **PRODUCTION,
                         "RATELIMIT_STORAGE_URI": url}).test_client()
    hidden = url.replace("hunter2-secret", "***")
    assert [r.getMessage() for r in caplog.records if "rate-limit" in r.getMessage()] == [
        f"kedjekoll: the rate-limit storage {hidden} does not answer yet; limits count in "
        "each process until it does"]
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"] == {
        "database": "ok", "files": "ok",
        "rate limits": "the rate-limit storage does not answer "
                       "(KEDJEKOLL_RATELIMIT_STORAGE_URI)"}
    assert "hunter2" not in ready.get_data(as_text=True) and "127.0.0.1" not in str(ready.json)
    assert client.get("/healthz").status_code == 200
