"""Staff invitations and password resets travel through the outbox to a real SMTP server,
and the link in the mail lets the person choose a password and sign in."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import signed_in
from tests.smtp import body
from webapp import create_app
from webapp.cli import main
from webapp.store.models import AuditEvent, OutboxMessage, StaffUser
from webapp.supplier.limits import limiter

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
BASE = "https://kedjekoll.region.example"
PASSWORD_LINK = re.compile(re.escape(BASE) + r"(/staff/password/[A-Za-z0-9_-]{40,})")


@pytest.fixture
def app(tmp_path, smtp):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "BASE_URL": BASE,
                      "BUYER_NAME": "Region Norr", **smtp.config()})
    limiter.reset()
    return app


def post(client, path, data=None, page="/staff/accounts"):
    token = CSRF.search(client.get(page).get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def rows(app, model, *where):
    with app.app_context(), app.extensions["kedjekoll.sessions"]() as session:
        return list(session.scalars(select(model).where(*where)))


def choose_password(app, path: str, password: str) -> int:
    client = app.test_client()
    client.get(path)
    page = client.get("/staff/password")
    if page.status_code != 200:
        return page.status_code
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    return client.post("/staff/password", data={"csrf_token": token, "password": password,
                                                "repeat": password}).status_code


def signs_in(app, email: str, password: str) -> bool:
    client = app.test_client()
    token = CSRF.search(client.get("/staff/login").get_data(as_text=True)).group(1)
    return client.post("/staff/login", data={"csrf_token": token, "email": email,
                                             "password": password}).status_code == 303


def test_an_invitation_mail_arrives_and_its_link_sets_the_password(app, smtp):
    admin = signed_in(app, "admin")
    post(admin, "/staff/accounts", {"name": "Sara Lind", "email": "sara@region.example",
                                    "role": "reviewer", "language": "sv"})
    assert "Ingen SMTP-server" not in admin.get("/staff/accounts").get_data(as_text=True)
    outbox = admin.get("/staff/outbox").get_data(as_text=True)
    assert "Sara Lind" in outbox and "Inbjudan till personal" in outbox
    sent = post(admin, "/staff/outbox/send", page="/staff/outbox")
    assert sent.status_code == 303
    [mail] = smtp.messages
    assert mail["To"] == "sara@region.example" and mail["Content-Language"] == "sv"
    assert mail["Subject"] == "Ditt konto i Kedjekoll hos Region Norr"
    text = body(mail)
    assert "Hej Sara Lind," in text and "Din roll: granskare." in text
    assert f"{BASE}/staff/login" in text
    path = PASSWORD_LINK.search(text).group(1)
    assert choose_password(app, path, "sara's own password") == 303
    assert signs_in(app, "sara@region.example", "sara's own password")
    assert choose_password(app, path, "once more a password") == 404  # used once
    [message] = rows(app, OutboxMessage)
    assert message.delivery == "smtp" and message.sent_at is not None
    assert "/staff/password/" not in message.body  # no token is stored


def test_a_reset_mail_in_english_replaces_the_password(app, smtp):
    admin = signed_in(app, "admin")
    reviewer_id = rows(app, StaffUser, StaffUser.role == "admin")[0].id + 1
    signed_in(app, "reviewer")
    [rita] = rows(app, StaffUser, StaffUser.id == reviewer_id)
    post(admin, f"/staff/accounts/{rita.id}/reset", {"language": "en"},
         page=f"/staff/accounts/{rita.id}")
    post(admin, "/staff/outbox/send", page="/staff/outbox")
    [mail] = smtp.messages
    assert mail["Subject"] == "Choose a new Kedjekoll password"
    assert mail["Content-Language"] == "en"
    assert "your current password keeps working" in body(mail)
    path = PASSWORD_LINK.search(body(mail)).group(1)
    assert choose_password(app, path, "the reset password") == 303
    assert signs_in(app, rita.email, "the reset password")


def test_a_waiting_mail_to_a_deactivated_person_is_withdrawn(app, smtp):
    admin = signed_in(app, "admin")
    post(admin, "/staff/accounts", {"name": "Ek", "email": "ek@region.example",
                                    "role": "reviewer", "language": "en"})
    [ek] = rows(app, StaffUser, StaffUser.email == "ek@region.example")
    post(admin, f"/staff/accounts/{ek.id}/deactivate", page=f"/staff/accounts/{ek.id}")
    post(admin, "/staff/outbox/send", page="/staff/outbox")
    assert smtp.messages == []
    [message] = rows(app, OutboxMessage)
    assert message.delivery == "withdrawn"
    assert rows(app, StaffUser, StaffUser.id == ek.id)[0].password_token_hash is None
    page = admin.get("/staff/outbox").get_data(as_text=True)
    assert "eftersom kontot inaktiverades" in page
    [event] = rows(app, AuditEvent, AuditEvent.action == "mail.withdrawn")
    assert event.details["status"] == "deactivated"


def test_the_cli_sends_a_queued_reset_with_the_base_url(tmp_path, smtp, monkeypatch):
    monkeypatch.delenv("KEDJEKOLL_DATABASE_URL", raising=False)
    env = {"KEDJEKOLL_RESPONSES_DIR": str(tmp_path), "KEDJEKOLL_BASE_URL": BASE,
           **smtp.environ()}
    runner = CliRunner()
    runner.invoke(main, ["user", "add", "bo@region.example", "--link"], env=env)
    queued = runner.invoke(main, ["user", "reset", "bo@region.example", "--mail"], env=env)
    assert queued.exit_code == 0, queued.output
    listed = runner.invoke(main, ["outbox", "list"], env=env)
    assert "staff_reset" in listed.output and "bo@region.example" in listed.output
    sent = runner.invoke(main, ["outbox", "send"], env=env)
    assert sent.exit_code == 0, sent.output
    [mail] = smtp.messages
    assert PASSWORD_LINK.search(body(mail)) and mail["Subject"] == \
        "Välj ett nytt lösenord till Kedjekoll"
