"""Invitations and reminders by mail, through the outbox, against a real SMTP server."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from tests.factories import make_campaign
from tests.smtp import body, link_token
from webapp import create_app
from webapp.cli import main
from webapp.mailer import MailSettings, queue_invitations, send_pending
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, Campaign, OutboxMessage, Response
from webapp.store.responses import new_token
from webapp.supplier.limits import limiter

SMTP_VARIABLES = ("KEDJEKOLL_SMTP_HOST", "KEDJEKOLL_SMTP_PORT", "KEDJEKOLL_SMTP_SECURITY",
                  "KEDJEKOLL_SMTP_FROM", "KEDJEKOLL_DATABASE_URL")


class World:
    """An app on its own SQLite file with one campaign: a Swedish contact, an English
    one, and a supplier who has submitted already."""

    def __init__(self, tmp_path, masks, smtp_config: dict):
        self.tmp_path = tmp_path
        self.app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, **smtp_config})
        limiter.reset()
        self.factory = self.app.extensions["kedjekoll.sessions"]
        with unit_of_work(self.factory) as session:
            campaign, invitations = make_campaign(session, masks, suppliers=3)
            invitations[1][0].supplier.contacts[0].language = "en"
            invitations[2][0].status = "submitted"
            self.campaign_id = campaign.id
            self.deadline = campaign.deadline
            self.ids = [r.id for r, _ in invitations]
            self.first_tokens = [t for _, t in invitations]

    def settings(self) -> MailSettings:
        return MailSettings.from_config(self.app.config)

    def queue_invitations(self) -> int:
        with unit_of_work(self.factory) as session:
            campaign = session.get(Campaign, self.campaign_id)
            responses = [session.get(Response, i) for i in self.ids]
            return len(queue_invitations(session, campaign, responses, "staff@region.example",
                                         self.settings()))

    def send(self):
        with self.factory() as session:
            return send_pending(session, self.settings(), "test")

    def cli(self, *args: str, environ: dict[str, str] | None = None):
        env = dict.fromkeys(SMTP_VARIABLES)
        env.update({"KEDJEKOLL_RESPONSES_DIR": str(self.tmp_path),
                    "KEDJEKOLL_BASE_URL": "https://kedjekoll.region.example"}, **(environ or {}))
        return CliRunner().invoke(main, list(args), env=env)

    def rows(self) -> list[OutboxMessage]:
        with self.factory() as session:
            return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def opens(self, token: str) -> bool:
        client = self.app.test_client()
        first = client.get(f"/i/{token}")
        return first.status_code == 303 and client.get("/supplier/").status_code == 200


@pytest.fixture
def world(tmp_path, masks, smtp):
    return World(tmp_path, masks, smtp.config())


def test_invitations_arrive_in_the_contacts_language_with_a_link_that_signs_in(world, smtp):
    assert world.queue_invitations() == 2  # not to the one who has submitted
    report = world.send()
    assert (report.sent, report.failed) == (2, 0)
    by_address = {m["To"]: m for m in smtp.messages}
    swedish = next(m for m in smtp.messages if m["Content-Language"] == "sv")
    english = next(m for m in smtp.messages if m["Content-Language"] == "en")
    assert len(by_address) == 2
    assert swedish["Subject"].startswith("Enkät från") and "Sista svarsdag:" in body(swedish)
    assert "Öppna enkäten med den här länken" in body(swedish)
    assert "personlig för er organisation" in body(swedish)
    assert english["Subject"].startswith("Questionnaire from") and "Deadline:" in body(english)
    assert "personal to your organisation" in body(english)
    assert "Uppföljning" in body(english)  # the campaign's name
    assert english["From"] == "uppfoljning@region.example"
    for message in smtp.messages:
        assert world.opens(link_token(message))
    assert all(world.opens(token) for token in world.first_tokens[:2])  # earlier links too
    assert world.queue_invitations() == 0  # queued once only
    assert world.send().sent == 0 and len(smtp.messages) == 2


def test_a_reminder_link_works_and_keeps_the_earlier_session_and_links(world, smtp):
    client = world.app.test_client()
    client.get(f"/i/{world.first_tokens[0]}")
    day = world.deadline - timedelta(days=7)
    result = world.cli("remind", "--today", day.isoformat(), environ=smtp.environ())
    assert result.exit_code == 0, result.output
    assert "2 reminders queued" in result.output
    reminder = next(m for m in smtp.messages if m["Content-Language"] == "sv")
    assert reminder["Subject"].startswith("Påminnelse:")
    assert world.opens(link_token(reminder)) and world.opens(world.first_tokens[0])
    assert client.get("/supplier/").status_code == 200  # the session of the first link lives
    with unit_of_work(world.factory) as session:
        new_token(session, session.get(Response, world.ids[0]), "staff@region.example")
    assert client.get("/supplier/").status_code == 401
    assert not world.opens(link_token(reminder)) and not world.opens(world.first_tokens[0])


def test_remind_sends_each_step_once_however_often_it_runs(world, smtp):
    deadline = world.deadline
    before, due, overdue = (deadline - timedelta(days=7), deadline,
                            deadline + timedelta(days=3))
    days = [deadline - timedelta(days=8), before, before, deadline - timedelta(days=6),
            deadline - timedelta(days=1), due, due, deadline + timedelta(days=1), overdue,
            overdue, deadline + timedelta(days=9)]
    sent = []
    for day in days:
        count = len(smtp.messages)
        result = world.cli("remind", "--today", day.isoformat(), environ=smtp.environ())
        assert result.exit_code == 0, result.output
        sent += [(day, m["Content-Language"], m["Subject"].split(":")[0])
                 for m in smtp.messages[count:]]
    assert sorted(sent) == sorted([
        (before, "sv", "Påminnelse"), (before, "en", "Reminder"),
        (due, "sv", "Sista svarsdag i dag"), (due, "en", "Last day today"),
        (overdue, "sv", "Försenat svar"), (overdue, "en", "Overdue")])
    keys = [row.dedupe_key for row in world.rows()]
    assert len(keys) == len(set(keys)) == 6


def test_a_campaign_created_late_sends_only_the_latest_step(world, smtp):
    with unit_of_work(world.factory) as session:  # invited on the deadline day itself
        session.get(Campaign, world.campaign_id).deadline = date.today()
    result = world.cli("remind", "--today", date.today().isoformat(), environ=smtp.environ())
    assert "0 reminders queued" in result.output and smtp.messages == []
    late = date.today() + timedelta(days=10)
    world.cli("remind", "--today", late.isoformat(), environ=smtp.environ())
    assert sorted(m["Subject"].split(":")[0] for m in smtp.messages) == [
        "Försenat svar", "Overdue"]


def test_mail_waits_while_smtp_is_down_and_leaves_once_when_it_is_back(world, smtp, caplog):
    day = (world.deadline - timedelta(days=7)).isoformat()
    smtp.stop()
    down = world.cli("remind", "--today", day, environ=smtp.environ())
    assert down.exit_code == 1
    rows = world.rows()
    assert len(rows) == 2 and all(r.sent_at is None and r.attempts == 1 for r in rows)
    assert all("cannot reach the SMTP server" in r.last_error for r in rows)
    again = world.cli("remind", "--today", day, environ=smtp.environ())  # retry not yet due
    assert again.exit_code == 0 and "0 reminders queued" in again.output
    assert [r.attempts for r in world.rows()] == [1, 1]
    smtp.start()
    with unit_of_work(world.factory) as session:  # the retry delay has passed
        session.execute(update(OutboxMessage).values(
            next_attempt_at=OutboxMessage.created_at))
    back = world.cli("remind", "--today", day, environ=smtp.environ())
    assert back.exit_code == 0, back.output
    assert len(smtp.messages) == 2
    assert all(r.sent_at is not None and r.delivery == "smtp" and r.attempts == 2
               for r in world.rows())
    assert world.cli("outbox", "send", environ=smtp.environ()).exit_code == 0
    assert len(smtp.messages) == 2
    assert all(world.opens(link_token(m)) for m in smtp.messages)


def test_without_smtp_the_links_are_printed(tmp_path, masks):
    world = World(tmp_path, masks, {})
    world.queue_invitations()
    result = world.cli("outbox", "send")
    assert result.exit_code == 0, result.output
    assert "2 printed (no KEDJEKOLL_SMTP_HOST)" in result.output
    printed = [line.split("Link: ", 1)[1].rsplit("/i/", 1)[1]
               for line in result.output.splitlines() if line.startswith("Link: ")]
    assert len(printed) == 2 and all(world.opens(token) for token in printed)
    assert "Link: https://kedjekoll.region.example/i/" in result.output
    assert "To: kim0@" in result.output and "Subject: Enkät från" in result.output
    assert {r.delivery for r in world.rows()} == {"printed"}
    listed = world.cli("outbox", "list")
    assert "sent" in listed.output and "2 messages" in listed.output


def test_dry_run_queues_and_sends_nothing(world, smtp):
    day = (world.deadline - timedelta(days=7)).isoformat()
    result = world.cli("remind", "--today", day, "--dry-run", environ=smtp.environ())
    assert result.exit_code == 0
    assert result.output.count("would queue: before") == 2
    assert world.rows() == [] and smtp.messages == []


def test_tokens_never_reach_logs_outbox_rows_or_audit_events(world, smtp, caplog):
    caplog.set_level(logging.DEBUG)
    world.queue_invitations()
    world.send()
    smtp.stop()
    world.cli("remind", "--today", (world.deadline - timedelta(days=7)).isoformat(),
              environ=smtp.environ())
    smtp.start()
    tokens = [link_token(m) for m in smtp.messages] + world.first_tokens
    assert len(tokens) == 5
    logged = "\n".join(r.getMessage() for r in caplog.records
                        if r.name != "mail.log")  # aiosmtpd's own log: the remote server
    assert "outbox message" in logged  # the sender does log, without links
    with world.factory() as session:
        stored = " ".join(f"{r.subject} {r.body} {r.last_error} {r.recipients}"
                          for r in session.scalars(select(OutboxMessage)))
        audit = " ".join(str(d) for d in session.scalars(select(AuditEvent.details)))
        actions = set(session.scalars(select(AuditEvent.action)))
    assert "{link}" in stored and {"mail.queued", "mail.sent"} <= actions
    for token in tokens:
        assert token not in logged and token not in stored and token not in audit


def test_an_unknown_smtp_security_stops_the_app_and_the_command(tmp_path):
    from webapp.config import ConfigError

    with pytest.raises(ConfigError, match="KEDJEKOLL_SMTP_SECURITY"):
        create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "SMTP_SECURITY": "tls"})
    result = CliRunner().invoke(main, ["outbox", "send"], env={
        "KEDJEKOLL_RESPONSES_DIR": str(tmp_path), "KEDJEKOLL_SMTP_SECURITY": "tls"})
    assert result.exit_code == 2 and "KEDJEKOLL_SMTP_SECURITY" in result.output


def test_a_mail_no_longer_wanted_is_withdrawn_not_sent(world, smtp):
    """SMTP was down; meanwhile one supplier submitted and the campaign was then closed.
    Neither a reminder to who has answered nor mail for a closed campaign leaves."""
    day = (world.deadline - timedelta(days=7)).isoformat()
    smtp.stop()
    assert world.cli("remind", "--today", day, environ=smtp.environ()).exit_code == 1
    with unit_of_work(world.factory) as session:
        session.get(Response, world.ids[0]).status = "submitted"
        session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    smtp.start()
    assert world.cli("outbox", "send", environ=smtp.environ()).exit_code == 0
    assert [link_token(m) is not None for m in smtp.messages] == [True]  # only the second
    rows = world.rows()
    assert [(r.response_id, r.delivery) for r in rows] == [
        (world.ids[0], "withdrawn"), (world.ids[1], "smtp")]
    with unit_of_work(world.factory) as session:
        session.get(Campaign, world.campaign_id).status = "closed"
        session.get(Response, world.ids[1]).status = "in_progress"
        from webapp.store import outbox
        with pytest.raises(outbox.NothingToRemind):
            outbox.queue_manual_reminder(session, session.get(Response, world.ids[1]),
                                         world.settings().compose(), "staff@region.example")
        assert session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "mail.withdrawn")) is not None
    from tests.conftest import signed_in
    page = signed_in(world.app, "admin").get("/staff/outbox").get_data(as_text=True)
    assert "Inte skickat: återkallat" in page
