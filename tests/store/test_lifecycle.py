"""Invitations, drafts, submissions and versions, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.store.conftest import make_campaign
from webapp.definitions import check_text
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import visibility
from webapp.store.models import Answer, AuditEvent, InvitationLink, Response, Submission
from webapp.store.responses import (
    DraftConflict,
    NotEditable,
    SubmissionInvalid,
    by_token,
    draft_answers,
    hash_token,
    save_draft,
    submit,
)
from webapp.store.status import IllegalTransition
from webapp.store.versions import ChangedDefinition, definition, record_version

SUPPLIER = "kim@leverantor.example"


def filled(q, seed=1):
    return example_answers(q, random.Random(seed), files_for=lambda _q: [])


def test_token_is_stored_hashed_and_expires(session, masks):
    campaign, [(response, token)] = make_campaign(session, masks)
    assert len(token) >= 43  # 256 bits, URL-safe
    [link] = session.scalars(select(InvitationLink).where(
        InvitationLink.response_id == response.id))
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    assert by_token(session, token) is response
    assert by_token(session, token + "x") is None
    assert by_token(session, "") is None
    later = link.expires_at + timedelta(seconds=1)
    assert by_token(session, token, now=later) is None


def test_draft_saves_valid_answers_and_reports_invalid_ones(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    saved = save_draft(session, response, {"contact_name": "Kim", "mapped_share": 250},
                       expected_version=0, actor=SUPPLIER)
    assert saved.version == 1
    assert [(e.question_id, e.code) for e in saved.errors] == [("mapped_share", "max")]
    assert draft_answers(session, response) == {"contact_name": "Kim"}
    assert response.status == "in_progress"


def test_blank_answer_removes_it_from_the_draft(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    save_draft(session, response, {"contact_name": "Kim"}, 0, SUPPLIER)
    save_draft(session, response, {"contact_name": "  "}, 1, SUPPLIER)
    assert draft_answers(session, response) == {}


def test_stale_save_is_a_conflict_not_an_overwrite(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    save_draft(session, response, {"contact_name": "First tab"}, 0, SUPPLIER)
    with pytest.raises(DraftConflict) as info:
        save_draft(session, response, {"contact_name": "Second tab"}, 0, SUPPLIER)
    assert info.value.current_version == 1
    assert info.value.theirs == {"contact_name": "First tab"}
    assert draft_answers(session, response) == {"contact_name": "First tab"}


def test_submit_checks_everything_and_lists_all_problems(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    save_draft(session, response, {"contact_name": "Kim"}, 0, SUPPLIER)
    with pytest.raises(SubmissionInvalid) as info:
        submit(session, response, "client-1", SUPPLIER)
    required = {q.id for q in masks.answerable() if q.required and q.show_if is None}
    missing = {e.question_id for e in info.value.errors if e.code == "required"}
    assert required - {"contact_name"} <= missing
    assert response.status == "in_progress"
    assert session.scalar(select(func.count()).select_from(Submission)
                          .where(Submission.response_id == response.id)) == 0


def test_submit_keeps_only_shown_answers_and_scores(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    answers = filled(masks)
    shown = visibility(masks, answers).questions
    hidden = next(x for x in masks.answerable() if x.id not in shown
                  and x.type in ("text", "textarea"))
    answers_with_hidden = dict(answers, **{hidden.id: _any_value(hidden)})
    save_draft(session, response, answers_with_hidden, 0, SUPPLIER)
    submission = submit(session, response, "client-1", SUPPLIER)
    assert hidden.id not in submission.answers
    assert hidden.id in draft_answers(session, response)  # the draft keeps it
    assert submission.round == 1 and submission.receipt.startswith("KK-")
    assert submission.score["total"] == submission.total is not None
    assert response.status == "submitted" and response.submitted_at is not None


def _any_value(question):
    from webapp.definitions.examples import example_value

    return example_value(question, random.Random(0), files_for=lambda _q: [])


def test_submit_is_idempotent_on_the_client_id(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    save_draft(session, response, filled(masks), 0, SUPPLIER)
    first = submit(session, response, "same-id", SUPPLIER)
    again = submit(session, response, "same-id", SUPPLIER)
    assert again.id == first.id and again.receipt == first.receipt
    with pytest.raises(IllegalTransition):
        submit(session, response, "another-id", SUPPLIER)


def test_after_submit_the_draft_is_read_only(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    saved = save_draft(session, response, filled(masks), 0, SUPPLIER)
    submit(session, response, "c1", SUPPLIER)
    with pytest.raises(NotEditable):
        save_draft(session, response, {"contact_name": "Changed"}, saved.version, SUPPLIER)


def test_each_transition_writes_one_audit_event(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    save_draft(session, response, filled(masks), 0, SUPPLIER)
    submit(session, response, "c1", SUPPLIER)
    events = session.execute(select(AuditEvent.details).where(
        AuditEvent.object_type == "response", AuditEvent.object_id == response.id,
        AuditEvent.action == "status")).scalars().all()
    assert [(e["old"], e["new"]) for e in events] == [("invited", "in_progress"),
                                                      ("in_progress", "submitted")]


def test_changed_definition_under_the_same_version_is_refused(session, masks):
    record_version(session, masks)
    masks_path = _masks_path()
    text = masks_path.read_text("utf-8")
    changed = check_text(text.replace("max: 168", "max: 160", 1), str(masks_path))
    assert changed.questionnaire is not None
    assert changed.questionnaire.content_hash != masks.content_hash
    with pytest.raises(ChangedDefinition, match="bump the version"):
        record_version(session, changed.questionnaire)
    bumped_line = f"version: {masks.version + 1}"
    bumped = check_text(text.replace("max: 168", "max: 160", 1).replace(
        f"version: {masks.version}", bumped_line, 1)).questionnaire
    assert record_version(session, bumped).version == masks.version + 1
    assert record_version(session, masks).content_hash == masks.content_hash


def _masks_path():
    from tests.conftest import ROOT

    return ROOT / "questionnaires" / "ppe-masks-aprons.yaml"


def test_pinned_definition_round_trips(session, masks):
    row = record_version(session, masks)
    session.flush()
    assert definition(row).content_hash == masks.content_hash


def test_overdue_is_derived(session, masks):
    from webapp.store.status import is_overdue

    campaign, [(response, _)] = make_campaign(session, masks,
                                              deadline=date.today() - timedelta(days=1))
    assert is_overdue(response.status, campaign.deadline)
    assert not is_overdue("submitted", campaign.deadline)
    assert "overdue" not in {c.name for c in Response.__table__.columns}


def test_draft_is_one_row_per_answer(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    answers = filled(masks)
    save_draft(session, response, answers, 0, SUPPLIER)
    count = session.scalar(select(func.count()).select_from(Answer)
                           .where(Answer.response_id == response.id))
    assert count == len(answers)
