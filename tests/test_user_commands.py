"""`kedjekoll user add|list|role|disable|enable|reset`, run as an administrator would.

Each test runs the command on a fresh SQLite database and reads what it printed and
what it stored; printed links start with KEDJEKOLL_BASE_URL.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from webapp.cli import main
from webapp.store.db import make_engine, session_factory
from webapp.store.models import AuditEvent, OutboxMessage, StaffUser

PASSWORD = "a long enough password"
BASE = "https://kedjekoll.region.example"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("KEDJEKOLL_RESPONSES_DIR", str(tmp_path))
    monkeypatch.setenv("KEDJEKOLL_BASE_URL", BASE + "/")
    for name in ("KEDJEKOLL_DATABASE_URL", "KEDJEKOLL_DEV"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str, password: bool = False):
        return runner.invoke(main, ["user", *args],
                             input=f"{PASSWORD}\n{PASSWORD}\n" if password else None)

    invoke("add", "boss@region.example", "--role", "admin", "--name", "Bo Ss", password=True)
    invoke("add", "rita@region.example", "--name", "Rita Granskare", password=True)
    return invoke


@pytest.fixture
def stored(tmp_path):
    def read(model, *where):
        engine = make_engine(f"sqlite:///{tmp_path / 'kedjekoll.sqlite3'}")
        with session_factory(engine)() as session:
            found = list(session.scalars(select(model).where(*where)))
        engine.dispose()
        return found

    return read


def test_list_shows_every_account_with_role_and_state(run):
    run("add", "ny@region.example", "--link")
    run("disable", "rita@region.example")
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["E-MAIL", "ROLE", "STATE", "LAST", "SIGN-IN", "NAME"]
    assert lines[1].split() == ["boss@region.example", "admin", "active", "never", "Bo", "Ss"]
    assert lines[2].split()[:4] == ["ny@region.example", "reviewer", "invited", "never"]
    assert lines[3].split()[:3] == ["rita@region.example", "reviewer", "deactivated"]


def test_add_with_a_link_uses_the_base_url(run):
    result = run("add", "ny@region.example", "--link")
    assert result.exit_code == 0, result.output
    assert f"set-password link (valid 48 hours, once): {BASE}/staff/password/" in result.output
    assert "127.0.0.1" not in result.output


def test_a_link_without_a_base_url_is_refused_outside_development(run, monkeypatch, stored):
    monkeypatch.delenv("KEDJEKOLL_BASE_URL")
    refused = run("add", "ny@region.example", "--link")
    assert refused.exit_code == 2 and "set KEDJEKOLL_BASE_URL" in refused.output
    assert stored(StaffUser, StaffUser.email == "ny@region.example") == []
    assert run("reset", "rita@region.example").exit_code == 2
    monkeypatch.setenv("KEDJEKOLL_DEV", "1")
    dev = run("add", "ny@region.example", "--link")
    assert dev.exit_code == 0 and "http://127.0.0.1:5000/staff/password/" in dev.output
    given = run("reset", "ny@region.example", "--base-url", "https://kk.example.se/")
    assert "https://kk.example.se/staff/password/" in given.output


def test_disable_and_enable_are_audited_and_the_last_admin_stays(run, stored):
    result = run("disable", "Rita@Region.example")
    assert result.exit_code == 0 and "rita@region.example is deactivated" in result.output
    [rita] = stored(StaffUser, StaffUser.email == "rita@region.example")
    assert not rita.active and rita.session_epoch == 1
    assert "was deactivated already" in run("disable", "rita@region.example").output
    assert run("enable", "rita@region.example").exit_code == 0
    assert stored(StaffUser, StaffUser.email == "rita@region.example")[0].active
    last = run("disable", "boss@region.example")
    assert last.exit_code == 1 and "last active administrator" in last.output
    demote = run("role", "boss@region.example", "reviewer")
    assert demote.exit_code == 1 and "last active administrator" in demote.output
    actions = [(e.actor, e.action) for e in stored(AuditEvent, AuditEvent.action.like("user.%"))]
    assert actions == [("cli", "user.disabled"), ("cli", "user.enabled")]


def test_role_changes_and_an_unknown_email_is_an_error(run, stored):
    assert "rita@region.example is now admin" in run("role", "rita@region.example",
                                                     "admin").output
    assert stored(StaffUser, StaffUser.email == "rita@region.example")[0].role == "admin"
    missing = run("disable", "nobody@region.example")
    assert missing.exit_code == 1 and "no staff account has the e-mail" in missing.output


def test_reset_prints_a_link_that_sets_a_new_password(run, stored, tmp_path):
    from webapp import create_app

    result = run("reset", "rita@region.example")
    assert result.exit_code == 0
    link = result.output.strip().rsplit(" ", 1)[1]
    assert link.startswith(f"{BASE}/staff/password/")
    [event] = stored(AuditEvent, AuditEvent.action == "user.reset_sent")
    assert event.details == {"via": "link"}
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.get(link.removeprefix(BASE))
    assert client.post("/staff/password", data={"password": "my brand new password",
                                                "repeat": "my brand new password"}
                       ).status_code == 303
    run("disable", "rita@region.example")
    refused = run("reset", "rita@region.example")
    assert refused.exit_code == 1 and "deactivated" in refused.output


def test_reset_by_mail_queues_it_in_the_outbox(run, stored):
    result = run("reset", "rita@region.example", "--mail", "--language", "en")
    assert result.exit_code == 0 and "queued" in result.output
    assert "/staff/password/" not in result.output
    [mail] = stored(OutboxMessage)
    assert mail.kind == "staff_reset" and mail.language == "en"
    assert mail.recipients == ["rita@region.example"] and "{link}" in mail.body
    assert f"{BASE}/staff/login" in mail.body
    again = run("reset", "rita@region.example", "--mail")
    assert again.exit_code == 1 and "already waiting" in again.output


def test_every_user_command_has_help():
    runner = CliRunner()
    for command in ("add", "list", "role", "disable", "enable", "reset"):
        result = runner.invoke(main, ["user", command, "--help"])
        assert result.exit_code == 0 and len(result.output.splitlines()) > 3, command
