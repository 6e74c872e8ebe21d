"""A supplier's response: invitation, draft, submission.

Store functions flush; the caller's unit of work commits once. Every query that reads
or changes a response goes through a function here that takes the response the caller
was given by its token (or a staff member's campaign view): never by an id from a form.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from ..definitions import Questionnaire
from ..definitions.expressions import is_answered
from ..definitions.validation import (
    AnswerError,
    file_references,
    submitted_answers,
    validate,
)
from . import verdicts
from .audit import record
from .deadlines import deadline_for, link_expiry
from .models import (
    Answer,
    Attachment,
    Campaign,
    Grade,
    InvitationLink,
    QuestionnaireVersion,
    Response,
    Review,
    Submission,
    Supplier,
    utcnow,
)
from .status import CLARIFICATION, IN_PROGRESS, INVITED, SUBMITTED, may_answer, transition
from .versions import definition


class NotEditable(Exception):
    """The response cannot be changed in its current status."""


class DraftConflict(Exception):
    """The draft changed since the caller loaded it (another tab, another person)."""

    def __init__(self, current_version: int, theirs: dict[str, Any]):
        self.current_version = current_version
        self.theirs = theirs
        super().__init__(f"the draft was saved elsewhere (now version {current_version})")


class SubmissionInvalid(Exception):
    """Full validation failed; `errors` lists every problem."""

    def __init__(self, errors: list[AnswerError]):
        self.errors = errors
        super().__init__(f"{len(errors)} answers need attention before submitting")


# ------------------------------------------------------------------ invitations


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(session: Session, campaign: Campaign, supplier: Supplier, actor: str
           ) -> tuple[Response, str]:
    """Create the response that is the supplier's invitation; returns it and its token.

    The token (256 random bits) is returned once and stored only as a hash.
    """
    return invite_many(session, campaign, [supplier], actor)[0]


def invite_many(session: Session, campaign: Campaign, suppliers: list[Supplier], actor: str,
                reviewer_id: int | None = None) -> list[tuple[Response, str]]:
    """`invite` for many suppliers at once: the responses, their links and their audit
    events are inserted a table at a time, not a supplier at a time (R6: a campaign for
    hundreds of suppliers holds the write lock briefly)."""
    responses = [Response(campaign=campaign, supplier=s, reviewer_id=reviewer_id)
                 for s in suppliers]
    session.add_all(responses)
    session.flush()
    tokens = [secrets.token_urlsafe(32) for _ in responses]
    session.add_all([InvitationLink(response_id=r.id, token_hash=hash_token(token),
                                    expires_at=link_expiry(deadline_for(r)))
                     for r, token in zip(responses, tokens, strict=True)])
    for response in responses:
        record(session, actor, "invited", response, campaign=campaign.id,
               supplier=response.supplier_id)
    session.flush()
    return list(zip(responses, tokens, strict=True))


def add_link(session: Session, response: Response) -> str:
    """One more valid link to the response (a mail's own); earlier links keep working.

    Returns the token once; only its hash is stored. It expires with the others,
    TOKEN_VALID_AFTER_DEADLINE after the supplier's deadline (store/deadlines.py).
    """
    token = secrets.token_urlsafe(32)
    session.add(InvitationLink(response_id=response.id, token_hash=hash_token(token),
                               expires_at=link_expiry(deadline_for(response))))
    session.flush()
    return token


def new_token(session: Session, response: Response, actor: str) -> str:
    """A lost link: revoke every earlier link (ending their sessions) and issue a new one."""
    session.execute(update(InvitationLink).where(
        InvitationLink.response_id == response.id, InvitationLink.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
    token = add_link(session, response)
    record(session, actor, "token_replaced", response)
    return token


def link_by_token(session: Session, token: str, now: datetime | None = None
                  ) -> InvitationLink | None:
    """The valid link a token opens; None for unknown, expired and revoked alike."""
    if not token or len(token) > 200:
        return None
    link = session.scalar(select(InvitationLink).where(
        InvitationLink.token_hash == hash_token(token)))
    if link is None or not link_is_valid(link, now):
        return None
    return link


def by_token(session: Session, token: str, now: datetime | None = None) -> Response | None:
    """The response of a valid link's token; None for unknown, expired and revoked alike."""
    link = link_by_token(session, token, now)
    return None if link is None else session.get(Response, link.response_id)


def link_is_valid(link: InvitationLink, now: datetime | None = None) -> bool:
    return link.revoked_at is None and _aware(link.expires_at) >= _aware(now or utcnow())


def by_link(session: Session, response_id: int, link_id: int, now: datetime | None = None
            ) -> Response | None:
    """The response a supplier's session names, while the link it began with is valid."""
    row = session.execute(select(Response, InvitationLink).join(
        InvitationLink, InvitationLink.response_id == Response.id).where(
        Response.id == response_id, InvitationLink.id == link_id)).first()
    if row is None or not link_is_valid(row[1], now):
        return None
    return row[0]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def mark_opened(session: Session, response: Response, actor: str) -> None:
    """Record the first time the supplier works on the response.

    Called on the first save, not when the link is followed: a GET changes no rows
    (mail scanners follow links too).
    """
    if response.first_opened_at is None:
        response.first_opened_at = utcnow()
        record(session, actor, "opened", response)


def end_sessions(session: Session, response: Response, actor: str) -> None:
    """Sign the supplier out everywhere: sessions carry the epoch they began in."""
    response.session_epoch += 1
    record(session, actor, "signed_out", response)


def questionnaire_of(response: Response) -> Questionnaire:
    """The definition the response's campaign is pinned to (one small query)."""
    session = object_session(response)
    if session is None:
        return definition(response.campaign.questionnaire_version)
    version = session.scalar(select(QuestionnaireVersion).join(
        Campaign, Campaign.questionnaire_version_id == QuestionnaireVersion.id).where(
        Campaign.id == response.campaign_id))
    return definition(version)


# ------------------------------------------------------------------ drafts


def draft_answers(session: Session, response: Response) -> dict[str, Any]:
    """The working draft, one query."""
    rows = session.execute(select(Answer.question_id, Answer.value)
                           .where(Answer.response_id == response.id))
    return {qid: value for qid, value in rows}


def _locked(session: Session, response: Response) -> Response:
    """Re-read the response with a row lock (PostgreSQL; SQLite holds a write lock)."""
    session.flush()  # a refresh would otherwise drop changes not yet flushed
    session.refresh(response, with_for_update=True)
    return response


def open_questions(session: Session, response: Response) -> set[str] | None:
    """In a clarification round, the questions the supplier may change; else None (all)."""
    if response.status != CLARIFICATION:
        return None
    rows = session.scalars(
        select(Grade.question_id).join(Review).where(
            Review.response_id == response.id, Review.round == response.round - 1,
            Grade.clarification.is_not(None)))
    return set(rows)


@dataclass(frozen=True)
class Saved:
    version: int
    errors: list[AnswerError]


def save_draft(session: Session, response: Response, answers: dict[str, Any],
               expected_version: int, actor: str) -> Saved:
    """Save answers to the draft. Valid answers are stored; invalid ones are returned.

    Raises DraftConflict when the draft is no longer at `expected_version`, and
    NotEditable after submission (or for a question not open in a clarification round).
    """
    _locked(session, response)
    if not may_answer(response):
        raise NotEditable(f"the response is {response.status} in a "
                          f"{response.campaign.status} campaign and cannot be changed")
    current = draft_answers(session, response)
    if response.draft_version != expected_version:
        differing = [k for k in answers if not _same(current.get(k), answers[k])]
        if differing:  # a save that changes nothing (an autosave's twin) is no conflict
            raise DraftConflict(response.draft_version,
                                {k: current.get(k) for k in answers})
    allowed = open_questions(session, response)
    if allowed is not None:
        locked = sorted({k.split(".")[0] for k in answers} - allowed)
        if locked:
            raise NotEditable(f"only the questions with a clarification request can be "
                              f"changed now, not: {', '.join(locked)}")
    q = questionnaire_of(response)
    errors = validate(q, answers, full=False, context=current) + \
        _unknown_files(session, response, q, answers)
    # a required cell left blank in a row is reported, but the row is kept as typed
    bad = {e.question_id for e in errors if e.code != "required"}
    now = utcnow()
    keep = {k: v for k, v in answers.items() if k.split(".")[0] not in bad}
    if keep:  # replace the given answers: one delete, one multi-row insert
        session.execute(delete(Answer).where(Answer.response_id == response.id,
                                             Answer.question_id.in_(list(keep))))
        rows = [{"response_id": response.id, "question_id": k, "value": v, "updated_at": now}
                for k, v in keep.items() if is_answered(v)]
        if rows:
            session.execute(insert(Answer), rows)
    response.draft_version += 1
    response.last_saved_at = now
    mark_opened(session, response, actor)
    if response.status == INVITED:
        transition(session, response, IN_PROGRESS, actor)
    session.flush()
    return Saved(response.draft_version, errors)


def _same(stored: Any, given: Any) -> bool:
    """Whether saving `given` would leave the stored value as it is (blanks are absent)."""
    if not is_answered(stored) and not is_answered(given):
        return True
    return stored == given


def _unknown_files(session: Session, response: Response, q: Questionnaire,
                   answers: dict[str, Any]) -> list[AnswerError]:
    """File answers may only name this response's own attachments."""
    references = file_references(q, answers)
    if not references:
        return []
    own = {str(i) for i in session.scalars(select(Attachment.id).where(
        Attachment.response_id == response.id))}
    return [error for error, ref in references if ref not in own]


# ------------------------------------------------------------------ submitting


def submit(session: Session, response: Response, client_submission_id: str, actor: str
           ) -> Submission:
    """Submit the draft as a new round; the same client submission id gives the same receipt.

    Raises SubmissionInvalid with every problem, or IllegalTransition if the
    response cannot be submitted now.
    """
    if not client_submission_id or len(client_submission_id) > 64:
        raise ValueError("a client submission id of 1 to 64 characters is required")
    _locked(session, response)
    earlier = session.scalar(select(Submission).where(
        Submission.client_submission_id == client_submission_id))
    if earlier is not None:
        if earlier.response_id != response.id:
            raise ValueError("that submission id belongs to another response")
        return earlier
    if response.status not in (INVITED, IN_PROGRESS, CLARIFICATION):
        transition(session, response, SUBMITTED, actor)  # raises IllegalTransition
    if not may_answer(response):
        raise NotEditable("the campaign is closed: answers cannot be submitted")
    q = questionnaire_of(response)
    answers = draft_answers(session, response)
    errors = validate(q, answers, full=True)
    if errors:
        raise SubmissionInvalid(errors)
    if response.status == INVITED:  # nothing was ever saved, and nothing is required
        transition(session, response, IN_PROGRESS, actor)
    kept = submitted_answers(q, answers)
    earlier, _reviews = verdicts.round_facts(session, response)
    verdict = verdicts.judge(q, [*(f for f in earlier if f.round != response.round),
                                 verdicts.RoundFacts(response.round, kept)])
    canonical = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    now = utcnow()
    result = verdict.result
    submission = Submission(
        response_id=response.id, round=response.round, client_submission_id=client_submission_id,
        receipt=_receipt(response, now), submitted_at=now,
        content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        answers=kept, score=verdict.record(), total=verdict.score, rating=verdict.rating,
        red_flags=result.red_flags, amber_flags=result.amber_flags)
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError:
        again = session.scalar(select(Submission).where(
            Submission.client_submission_id == client_submission_id))
        if again is None or again.response_id != response.id:
            raise
        return again
    verdicts.store(response, verdict)
    transition(session, response, SUBMITTED, actor, round=response.round,
               receipt=submission.receipt)
    return submission


def _receipt(response: Response, now: datetime) -> str:
    return f"KK-{now:%Y%m%d}-{response.id:06d}-{response.round}-{secrets.token_hex(2).upper()}"


def submissions(session: Session, response: Response) -> list[Submission]:
    """Every submitted round, oldest first."""
    return list(session.scalars(select(Submission).where(
        Submission.response_id == response.id).order_by(Submission.round)))
