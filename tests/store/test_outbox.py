"""The outbox in the store, on SQLite and PostgreSQL: steps, deduplication, claims, retries."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.store.conftest import make_campaign
from webapp.store import outbox
from webapp.store.models import AuditEvent, OutboxMessage
from webapp.store.outbox import BEFORE, DUE, OVERDUE, Schedule, step_on

SCHEDULE = Schedule(days_before=7, days_after=3)
D = date(2026, 12, 1)


def compose(response, kind, step, language, today):
    return f"{kind} {step} {language}", f"Hej {response.supplier.name}: {outbox.LINK}\n"


@pytest.mark.parametrize(("today", "invited", "step"), [
    (D - timedelta(days=8), D - timedelta(days=30), None),
    (D - timedelta(days=7), D - timedelta(days=30), BEFORE),
    (D - timedelta(days=1), D - timedelta(days=30), BEFORE),
    (D, D - timedelta(days=30), DUE),
    (D + timedelta(days=2), D - timedelta(days=30), DUE),
    (D + timedelta(days=3), D - timedelta(days=30), OVERDUE),
    (D + timedelta(days=90), D - timedelta(days=30), OVERDUE),
    # invited late: a step whose time had come by the invitation day is not sent
    (D - timedelta(days=2), D - timedelta(days=5), None),
    (D, D - timedelta(days=5), DUE),
    (D, D, None),
    (D + timedelta(days=3), D + timedelta(days=1), OVERDUE),
])
def test_the_latest_step_that_applies(today, invited, step):
    assert step_on(D, today, invited, SCHEDULE) == step


def test_queueing_the_same_day_twice_queues_nothing_more(session, masks):
    campaign, invitations = make_campaign(session, masks, suppliers=2)  # 30 days ahead
    day = campaign.deadline - timedelta(days=7)
    first = outbox.queue_reminders(session, day, compose, SCHEDULE, "cron")
    assert sorted(m.dedupe_key for m in first) == sorted(
        f"reminder:{r.id}:1:{campaign.deadline}:before" for r, _ in invitations)
    assert outbox.queue_reminders(session, day, compose, SCHEDULE, "cron") == []
    assert outbox.queue_reminders(session, day + timedelta(days=1), compose, SCHEDULE,
                                  "cron") == []
    assert {m.body for m in first} == {f"Hej {r.supplier.name}: {{link}}\n"
                                       for r, _ in invitations}
    campaign.deadline += timedelta(days=14)  # a moved deadline re-arms the steps
    session.flush()
    again = outbox.queue_reminders(session, campaign.deadline - timedelta(days=7), compose,
                                   SCHEDULE, "cron")
    assert len(again) == 2
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.queued")).all()
    assert len(events) == 4


def test_submitted_responses_and_closed_campaigns_get_no_reminders(session, masks):
    campaign, [(done, _), (waiting, _)] = make_campaign(session, masks, suppliers=2)
    done.status = "submitted"
    session.flush()
    day = campaign.deadline
    assert [m.response_id for m in outbox.queue_reminders(
        session, day, compose, SCHEDULE, "cron")] == [waiting.id]
    assert outbox.queue_invitation(session, done, compose, "staff") is None
    with pytest.raises(outbox.NothingToRemind):
        outbox.queue_manual_reminder(session, done, compose, "staff")
    campaign.status = "closed"
    session.flush()
    assert outbox.queue_reminders(session, day + timedelta(days=3), compose, SCHEDULE,
                                  "cron") == []


def test_a_manual_reminder_once_a_day(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    today = date(2026, 11, 20)
    assert outbox.queue_manual_reminder(session, response, compose, "staff", today) is not None
    assert outbox.queue_manual_reminder(session, response, compose, "staff", today) is None
    assert outbox.queue_manual_reminder(session, response, compose, "staff",
                                        today + timedelta(days=1)) is not None


def test_a_claimed_message_is_not_taken_twice_and_a_failure_waits(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    message = outbox.queue_invitation(session, response, compose, "staff")
    now = message.next_attempt_at
    assert outbox.pending(session, now) == [message]
    assert outbox.claim(session, message, now) is True
    assert outbox.claim(session, message, now) is False  # another sender holds it
    assert outbox.pending(session, now) == []
    outbox.mark_failed(session, message, "SMTPServerDisconnected: gone", now)
    assert message.attempts == 1 and message.next_attempt_at == now + timedelta(minutes=5)
    assert outbox.state_of(message) == outbox.FAILED
    assert outbox.pending(session, now + timedelta(minutes=5)) == [message]
    assert outbox.claim(session, message, now + timedelta(minutes=5)) is True
    outbox.mark_sent(session, message, "smtp", "test")
    assert outbox.state_of(message) == outbox.SENT and message.last_error is None
    assert outbox.claim(session, message, now + timedelta(days=1)) is False
    assert outbox.counts(session) == {outbox.SENT: 1, outbox.FAILED: 0, outbox.WAITING: 0}
    assert [m.id for m, _ in outbox.messages(session, outbox.SENT)] == [message.id]
    assert outbox.retry_delay(20) == timedelta(hours=6)


def test_a_supplier_without_contacts_gets_no_mail(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    for contact in response.supplier.contacts:
        session.delete(contact)
    session.flush()
    session.expire(response.supplier, ["contacts"])
    assert outbox.queue_invitation(session, response, compose, "staff") is None
    assert session.scalar(select(OutboxMessage.id)) is None


def test_two_senders_at_once_send_each_mail_once(fresh_url, masks, smtp):
    from webapp.mailer import MailSettings, queue_invitations, send_pending
    from webapp.store.db import make_engine, session_factory, unit_of_work

    settings = MailSettings.from_config({**smtp.config(), "TESTING": True})
    engine = make_engine(fresh_url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        campaign, invitations = make_campaign(session, masks, suppliers=8)
        queue_invitations(session, campaign, [r for r, _ in invitations], "staff", settings)
    start = threading.Barrier(2)
    reports = []

    def sender(name: str) -> None:
        with factory() as session:
            start.wait()
            reports.append(send_pending(session, settings, name))

    threads = [threading.Thread(target=sender, args=(f"sender-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with factory() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    engine.dispose()
    assert sum(r.sent for r in reports) == 8 and sum(r.failed for r in reports) == 0
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        c.email for r, _ in invitations for c in r.supplier.contacts)
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
