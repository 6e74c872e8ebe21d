"""Replies to clarification requests, the campaign's contact person and migration 0007,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from tests.store.conftest import make_campaign, make_staff
from tests.store.test_reviews import SUPPLIER, rubric_question, submitted
from webapp.store import reviews
from webapp.store.campaigns import BuyerContact, CampaignError, create_campaign
from webapp.store.clarifications import ReplyTooLong, replies_of, save_reply
from webapp.store.db import make_engine
from webapp.store.files import attach
from webapp.store.models import AuditEvent, ClarificationReply, OutboxMessage
from webapp.store.responses import NotEditable
from webapp.store.versions import record_version


def asked(session, q, wants_file=True):
    """A submitted response with one clarification request (asking for a file)."""
    _, response = submitted(session, q)
    reviewer = make_staff(session)
    reviews.start_review(session, response, reviewer)
    question = rubric_question(q)
    reviews.request_clarification(session, response, {question.id: "Bifoga revisionen."},
                                  reviewer, wants_file={question.id} if wants_file else ())
    return response, question


def test_a_reply_is_stored_per_question_and_round_and_replaced_when_written_again(
        session, masks):
    response, question = asked(session, masks)
    assert reviews.files_asked(session, response) == {question.id}
    pdf = attach(session, response, f"reply:{question.id}", "a" * 64, 10, "application/pdf",
                 "revision.pdf", SUPPLIER)
    save_reply(session, response, question.id, "  Se bilagan. ", pdf, SUPPLIER)
    save_reply(session, response, question.id, "Se bilagan, sidan 3.", None, SUPPLIER)
    [reply] = session.scalars(select(ClarificationReply).where(
        ClarificationReply.response_id == response.id)).all()
    assert (reply.round, reply.text, reply.attachment_id) == (2, "Se bilagan, sidan 3.",
                                                              pdf.id)  # the file stays
    assert replies_of(session, response, 2)[question.id].attachment.original_name == \
        "revision.pdf"
    events = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "clarification.replied")).all()
    assert len(events) == 2
    save_reply(session, response, question.id, "Se bilagan, sidan 3.", None, SUPPLIER)
    assert len(session.scalars(select(AuditEvent.id).where(
        AuditEvent.action == "clarification.replied")).all()) == 2  # unchanged: no event


def test_replies_only_to_questions_asked_about_and_never_too_long(session, masks):
    response, question = asked(session, masks, wants_file=False)
    assert reviews.files_asked(session, response) == set()
    other = next(x for x in masks.answerable() if x.id != question.id)
    with pytest.raises(NotEditable):
        save_reply(session, response, other.id, "Svar", None, SUPPLIER)
    with pytest.raises(ReplyTooLong):
        save_reply(session, response, question.id, "x" * 5001, None, SUPPLIER)
    assert save_reply(session, response, question.id, "   ", None, SUPPLIER) is None
    assert replies_of(session, response) == {}
    _, fresh = submitted(session, masks, seed=2)
    with pytest.raises(NotEditable):
        save_reply(session, fresh, question.id, "Svar", None, SUPPLIER)


def test_a_bare_session_queues_no_mail_for_buyer_actions(session, masks):
    """Scripts and the demo use sessions without the app's composer: nothing is queued."""
    asked(session, masks)
    assert session.scalar(select(OutboxMessage.id)) is None


def test_the_campaign_keeps_its_contact_and_refuses_a_bad_one(session, masks):
    campaign, [(response, _token)] = make_campaign(session, masks)
    assert BuyerContact.of(campaign) is None  # the demo and old campaigns name nobody
    version = record_version(session, masks)
    supplier = response.supplier
    created = create_campaign(
        session, name="Med kontakt", version=version, contract=None, suppliers=[supplier],
        deadline=date.today() + timedelta(30), reviewer=None, actor="staff",
        contact=BuyerContact("Anna Svensson", " Anna@Region.Example ", "036-32 40 00"))
    assert BuyerContact.of(created.campaign) == BuyerContact(
        "Anna Svensson", "anna@region.example", "036-32 40 00")
    for bad in (BuyerContact("", "anna@region.example"), BuyerContact("Anna", "anna"),
                BuyerContact("Anna", "anna@region.example", "ring mig")):
        with pytest.raises(CampaignError):
            create_campaign(session, name="X", version=version, contract=None,
                            suppliers=[supplier], deadline=date.today() + timedelta(30),
                            reviewer=None, actor="staff", contact=bad)


def test_migration_0007_both_ways_keeps_the_rest(fresh_url, masks):
    from webapp.store.migrate import downgrade, upgrade

    engine = make_engine(fresh_url)
    with Session(engine) as session:
        response, question = asked(session, masks)
        response.campaign.contact_name = "Anna Svensson"
        response.campaign.contact_email = "anna@region.example"
        save_reply(session, response, question.id, "Se bilagan.", None, SUPPLIER)
        session.commit()
        response_id = response.id
    downgrade(engine, "0006")
    with engine.connect() as connection:
        found = inspect(connection)
        assert "clarification_reply" not in found.get_table_names()
        assert "contact_name" not in {c["name"] for c in found.get_columns("campaign")}
        assert "wants_file" not in {c["name"] for c in found.get_columns("grade")}
        assert connection.execute(text("SELECT clarification FROM grade")).scalar() == \
            "Bifoga revisionen."
    upgrade(engine)
    with Session(engine) as session:
        assert session.scalar(select(ClarificationReply)) is None
        grade_row = session.execute(text("SELECT wants_file FROM grade")).scalar()
        assert not grade_row  # back with its default
        from webapp.store.models import Response
        assert session.get(Response, response_id).campaign.contact_name is None
    engine.dispose()
