"""Staff and mail: the admin's outbox page, "send now", and a reminder for one supplier."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import signed_in
from tests.factories import make_campaign
from tests.smtp import link_token
from webapp import create_app
from webapp.mailer import MailSettings, queue_invitations
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, OutboxMessage

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def build(tmp_path, masks, **config):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, **config})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, invitations = make_campaign(session, masks, suppliers=2)
        queue_invitations(session, campaign, [r for r, _ in invitations], "staff@region.example",
                          MailSettings.from_config(app.config))
        ids = [r.id for r, _ in invitations]
    return app, ids


def csrf(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_admin_sends_the_outbox_and_sees_what_went(tmp_path, masks, smtp):
    app, _ = build(tmp_path, masks, **smtp.config())
    admin = signed_in(app, "admin")
    page = admin.get("/staff/outbox").get_data(as_text=True)
    assert "Utkorg för e-post" in page and page.count("Väntar") >= 2
    assert "Enkät från" in page and "kim0@" in page
    smtp.stop()
    sent = admin.post("/staff/outbox/send", data={"csrf_token": csrf(admin, "/staff/outbox")},
                      follow_redirects=True).get_data(as_text=True)
    assert "0 skickade, 2 misslyckades" in sent
    assert "cannot reach the SMTP server" in sent and "1 försök" in sent
    smtp.start()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:  # time passes
        for message in session.scalars(select(OutboxMessage)):
            message.next_attempt_at = message.created_at
    sent = admin.post("/staff/outbox/send", data={"csrf_token": csrf(admin, "/staff/outbox")},
                      follow_redirects=True).get_data(as_text=True)
    assert "2 skickade." in sent and "Skickat" in sent
    assert len(smtp.messages) == 2
    for message in smtp.messages:
        assert link_token(message) not in sent
    with app.extensions["kedjekoll.sessions"]() as session:
        actors = set(session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "mail.sent")))
    assert len(actors) == 1 and actors.pop().startswith("admin-")


def test_the_outbox_is_for_admins_only(tmp_path, masks):
    app, _ = build(tmp_path, masks)
    assert signed_in(app, "reviewer").get("/staff/outbox").status_code == 404


def test_send_now_refuses_to_print_links_into_the_server_log(tmp_path, masks, capsys):
    app, _ = build(tmp_path, masks)
    admin = signed_in(app, "admin")
    page = admin.post("/staff/outbox/send", data={"csrf_token": csrf(admin, "/staff/outbox")},
                      follow_redirects=True).get_data(as_text=True)
    assert "Ingen SMTP-server är inställd" in page
    assert "/i/" not in capsys.readouterr().out
    with app.extensions["kedjekoll.sessions"]() as session:
        assert all(m.sent_at is None for m in session.scalars(select(OutboxMessage)))


def test_a_reviewer_queues_a_reminder_once_a_day(tmp_path, masks):
    app, ids = build(tmp_path, masks)
    reviewer = signed_in(app, "reviewer")
    path = f"/staff/responses/{ids[0]}"
    assert "Lägg en påminnelse i kö nu" in reviewer.get(path).get_data(as_text=True)
    first = reviewer.post(f"{path}/remind", data={"csrf_token": csrf(reviewer, path)},
                          follow_redirects=True).get_data(as_text=True)
    assert "En påminnelse ligger i kö" in first
    second = reviewer.post(f"{path}/remind", data={"csrf_token": csrf(reviewer, path)},
                           follow_redirects=True).get_data(as_text=True)
    assert "ligger redan i kö i dag" in second
    with app.extensions["kedjekoll.sessions"]() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.step == "manual")).all()
    assert len(rows) == 1 and rows[0].response_id == ids[0]
    assert rows[0].queued_by.startswith("reviewer-")
