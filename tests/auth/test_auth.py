"""Staff sign-in: S7 (no enumeration, scrypt, one-time links) and S9 (sessions)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.models import StaffUser
from webapp.store.staff import add_user, password_link_token
from webapp.supplier.limits import limiter

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, "Rita.Granskare@Region.example ", "Rita", "reviewer", "test",
                 PASSWORD)
    return app


def csrf(client, path="/staff/login"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, email, password):
    return client.post("/staff/login", data={"csrf_token": csrf(client), "email": email,
                                             "password": password})


def test_sign_in_with_any_case_of_the_email_and_sign_out(app):
    client = app.test_client()
    response = sign_in(client, "RITA.granskare@region.example", PASSWORD)
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "Rita" in page and "Logga ut" in page
    with app.app_context(), app.extensions["kedjekoll.sessions"]() as session:
        stored = session.scalar(select(StaffUser))
        assert stored.email == "rita.granskare@region.example"
        assert stored.password_hash.startswith("scrypt:")


def test_unknown_email_and_wrong_password_answer_identically(app):
    client = app.test_client()
    unknown = sign_in(client, "nobody@region.example", PASSWORD)
    wrong = sign_in(client, "rita.granskare@region.example", "wrong password!!")
    assert unknown.status_code == wrong.status_code == 401
    mask = lambda r: CSRF.sub("", r.get_data(as_text=True))  # noqa: E731
    assert mask(unknown) == mask(wrong)
    assert "nobody@" not in unknown.get_data(as_text=True)


def test_sign_in_is_rate_limited(app):
    client = app.test_client()
    codes = [sign_in(client, "rita.granskare@region.example", f"guess {n}").status_code
             for n in range(12)]
    assert codes[0] == 401 and codes[-1] == 429


def test_a_fresh_session_at_sign_in_and_replay_after_sign_out_fails(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "x"
    sign_in(client, "rita.granskare@region.example", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
    token = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    cookie = client.get_cookie("session").value
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert "Logga ut" not in replay.get("/").get_data(as_text=True)
    assert replay.post("/staff/logout", data={"csrf_token": token}).status_code == 401


def test_password_link_works_once_and_leaves_the_address_bar(app):
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        user = add_user(session, "ny@region.example", "Ny", "admin", "test")
        token = password_link_token(session, user, "test")
    client = app.test_client()
    first = client.get(f"/staff/password/{token}")
    assert first.status_code == 303 and token not in first.headers["Location"]
    page = client.get("/staff/password").get_data(as_text=True)
    assert token not in page
    done = client.post("/staff/password", data={
        "csrf_token": CSRF.search(page).group(1), "password": "a new long password",
        "repeat": "a new long password"})
    assert done.status_code == 303
    assert sign_in(client, "ny@region.example", "a new long password").status_code == 303
    again = app.test_client()
    again.get(f"/staff/password/{token}")
    assert again.get("/staff/password").status_code == 404


def test_short_password_is_refused_with_the_reason(app):
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        token = password_link_token(session, add_user(session, "k@region.example", "K",
                                                      "reviewer", "test"), "test")
    client = app.test_client()
    client.get(f"/staff/password/{token}")
    page = client.get("/staff/password").get_data(as_text=True)
    response = client.post("/staff/password", data={
        "csrf_token": CSRF.search(page).group(1), "password": "short", "repeat": "short"})
    assert response.status_code == 422 and "minst 12 tecken" in response.get_data(as_text=True)


def test_cli_adds_users_with_a_password_or_a_link(tmp_path, monkeypatch):
    from webapp.cli import main

    monkeypatch.setenv("KEDJEKOLL_RESPONSES_DIR", str(tmp_path))
    monkeypatch.setenv("KEDJEKOLL_BASE_URL", "https://kedjekoll.region.example")
    runner = CliRunner()
    result = runner.invoke(main, ["user", "add", "A@Region.example", "--role", "admin"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0 and "added admin a@region.example" in result.output
    result = runner.invoke(main, ["user", "add", "b@region.example", "--link"])
    assert result.exit_code == 0
    assert "https://kedjekoll.region.example/staff/password/" in result.output
    duplicate = runner.invoke(main, ["user", "add", "a@region.example", "--link"])
    assert duplicate.exit_code == 1 and "already has an account" in duplicate.output
