"""Closing, reopening and one supplier's later deadline, on SQLite and PostgreSQL.

What the confirmation pages count, what closing holds and reopening gives back, and that
every reader of a deadline (overdue counts, reminders, links) follows an extension.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.store.conftest import make_campaign
from webapp.store import outbox
from webapp.store.campaigns import close_campaign, closing, reopen_campaign, reopening
from webapp.store.deadlines import DeadlineRefused, deadline_for, extend_deadline
from webapp.store.models import AuditEvent, InvitationLink, OutboxMessage
from webapp.store.responses import NotEditable, save_draft, submit
from webapp.store.status import CLARIFICATION, SUBMITTED, may_answer
from webapp.store.tracking import campaign_figures, campaign_lines, overview

SCHEDULE = outbox.Schedule(days_before=7, days_after=3)
TODAY = date.today()


def compose(response, kind, step, language, today, **facts):
    return f"{kind} {step}", f"{deadline_for(response)} {outbox.LINK}\n"


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


@pytest.fixture
def round_of_four(session, masks):
    """Not started, a draft, asked to clarify, submitted; the first two have a waiting
    invitation mail and the first a waiting reminder."""
    campaign, invitations = make_campaign(session, masks, suppliers=4)
    responses = [r for r, _ in invitations]
    for response in responses[:2]:
        outbox.queue_invitation(session, response, compose, "staff")
    outbox.queue_to(session, responses[0], outbox.REMINDER, outbox.MANUAL, "manual:x", compose,
                    "staff")
    save_draft(session, responses[1], {}, 0, "kim")
    responses[2].status, responses[3].status = CLARIFICATION, SUBMITTED
    session.flush()
    return campaign, responses


def test_closing_counts_then_holds_answers_and_withdraws_mail(session, round_of_four):
    campaign, responses = round_of_four
    asked = closing(session, campaign)
    assert (asked.not_started, asked.drafts, asked.clarifying, asked.in_review) == (1, 1, 1, 1)
    assert (asked.waiting, asked.mails, asked.invitation_mails) == (3, 3, 2)
    assert campaign.status == "open"  # counting changes nothing

    done = close_campaign(session, campaign, "rita@region.example")
    assert done == asked and campaign.status == "closed" and campaign.closed_at is not None
    mails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.delivery for m in mails] == ["withdrawn"] * 3
    [event] = events(session, "campaign.closed")
    assert event.details == {"not_started": 1, "drafts": 1, "clarifying": 1,
                             "mails_withdrawn": 3}
    assert len(events(session, "mail.withdrawn")) == 3
    assert not any(may_answer(r) for r in responses)
    with pytest.raises(NotEditable):
        save_draft(session, responses[1], {}, responses[1].draft_version, "kim")
    with pytest.raises(NotEditable):
        submit(session, responses[1], "closed-1", "kim")
    assert close_campaign(session, campaign, "rita@region.example") == closing(session, campaign)
    assert len(events(session, "campaign.closed")) == 1  # closing twice changes nothing


def test_reopening_gives_back_invitations_not_reminders(session, round_of_four):
    campaign, responses = round_of_four
    close_campaign(session, campaign, "rita@region.example")
    asked = reopening(session, campaign)
    assert (asked.waiting, asked.mails, asked.invitation_mails) == (3, 2, 2)
    reopen_campaign(session, campaign, "rita@region.example")
    assert campaign.status == "open" and campaign.closed_at is None
    mails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.delivery, m.sent_at is None) for m in mails] == [
        ("invitation", None, True), ("invitation", None, True),
        ("reminder", "withdrawn", False)]
    assert [m.id for m in outbox.pending(session)] == [mails[0].id, mails[1].id]
    [event] = events(session, "campaign.reopened")
    assert event.details["mails_requeued"] == 2 and event.details["waiting"] == 3
    assert may_answer(responses[1]) and may_answer(responses[2])
    assert not may_answer(responses[3])  # submitted stays submitted
    save_draft(session, responses[1], {}, responses[1].draft_version, "kim")


def test_a_later_deadline_for_one_supplier_is_checked_audited_and_moves_its_links(
        session, masks):
    campaign, invitations = make_campaign(session, masks, suppliers=2)
    (first, _), (second, _) = invitations
    later = campaign.deadline + timedelta(days=7)
    refusals = [(campaign.deadline, "x", "not_later"),
                (campaign.deadline - timedelta(days=3), "x", "not_later"),
                (later, " ", "reason"), (later, "x" * 501, "reason")]
    for new, reason, code in refusals:
        with pytest.raises(DeadlineRefused) as refused:
            extend_deadline(session, first, new, reason, "rita", TODAY)
        assert refused.value.code == code
    old = extend_deadline(session, first, later, " Väntar på revisionen ", "rita", TODAY)
    assert old == campaign.deadline
    assert (deadline_for(first), first.deadline_reason) == (later, "Väntar på revisionen")
    assert deadline_for(second) == campaign.deadline
    [event] = events(session, "deadline.extended")
    assert (event.object_id, event.details["old"], event.details["new"],
            event.details["reason"]) == (first.id, campaign.deadline.isoformat(),
                                         later.isoformat(), "Väntar på revisionen")
    links = session.scalars(select(InvitationLink).where(
        InvitationLink.response_id == first.id)).all()
    assert {link.expires_at.date() for link in links} == {later + timedelta(days=180)}
    with pytest.raises(DeadlineRefused) as same:
        extend_deadline(session, first, later, "again", "rita", TODAY)
    assert same.value.code == "same"
    second.status = SUBMITTED
    with pytest.raises(DeadlineRefused) as done:
        extend_deadline(session, second, later, "x", "rita", TODAY)
    assert done.value.code == "waiting"


def test_a_past_date_is_refused_even_after_the_campaign_deadline(session, masks):
    campaign, [(response, _)] = make_campaign(session, masks, deadline=TODAY - timedelta(10))
    with pytest.raises(DeadlineRefused) as refused:
        extend_deadline(session, response, TODAY - timedelta(days=1), "x", "rita", TODAY)
    assert refused.value.code == "past"


def test_overdue_counts_follow_each_suppliers_deadline(session, masks):
    campaign, invitations = make_campaign(session, masks, suppliers=2,
                                          deadline=TODAY + timedelta(days=5))
    (late, _), (given_time, _) = invitations
    extend_deadline(session, given_time, TODAY + timedelta(days=20), "Semester", "rita", TODAY)
    campaign.deadline = TODAY - timedelta(days=2)  # the campaign's deadline has passed
    session.flush()
    [line] = [x for x in overview(session, TODAY) if x.id == campaign.id]
    assert line.overdue == 1
    rows = {r.response_id: r for r in campaign_lines(session, campaign, today=TODAY)}
    assert (rows[late.id].overdue, rows[late.id].deadline) == (True, None)
    assert (rows[given_time.id].overdue, rows[given_time.id].deadline) == (
        False, TODAY + timedelta(days=20))
    assert campaign_figures(session, campaign, TODAY).overdue == 1


def test_reminders_follow_the_later_deadline(session, masks):
    campaign, invitations = make_campaign(session, masks, suppliers=2)
    (waiting, _), (given_time, _) = invitations
    for response in (waiting, given_time):
        response.invited_at = datetime.now(UTC) - timedelta(days=60)
    extend_deadline(session, given_time, campaign.deadline + timedelta(days=21), "Ny fabrik",
                    "rita", TODAY)
    day = campaign.deadline - timedelta(days=7)
    assert [(r.id, s) for r, s in outbox.due_reminders(session, day, SCHEDULE)] == [
        (waiting.id, outbox.BEFORE)]
    later_day = deadline_for(given_time) - timedelta(days=7)
    due = dict((r.id, s) for r, s in outbox.due_reminders(session, later_day, SCHEDULE))
    assert due[given_time.id] == outbox.BEFORE
    queued = {m.response_id: m for m in outbox.queue_reminders(session, later_day, compose,
                                                               SCHEDULE, "cron")}
    assert queued[given_time.id].dedupe_key == \
        f"reminder:{given_time.id}:1:{deadline_for(given_time)}:before"
    assert queued[given_time.id].body.startswith(str(deadline_for(given_time)))
