"""Reviewing a submitted round: grades, clarification requests, decisions, action plans."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..definitions.questions import AnswerBase
from . import notices, verdicts
from .audit import record
from .models import Grade, Response, Review, StaffUser, Submission, utcnow
from .responses import questionnaire_of
from .status import (
    ACCEPTED,
    ACTION_PLAN,
    CLARIFICATION,
    DECISIONS,
    IN_REVIEW,
    REJECTED,
    SUBMITTED,
    transition,
)


class ReviewConflict(Exception):
    """Someone else changed the review since it was loaded."""


class InvalidGrade(ValueError):
    """A grade that is not a level of the question's rubric."""


def latest_submission(session: Session, response: Response) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.response_id == response.id)
                          .order_by(Submission.round.desc()).limit(1))


def current_review(session: Session, response: Response) -> Review | None:
    return session.scalar(select(Review).where(Review.response_id == response.id,
                                               Review.round == response.round))


def start_review(session: Session, response: Response, reviewer: StaffUser) -> Review:
    """Take a submitted response into review (or return the review under way)."""
    session.flush()
    session.refresh(response, with_for_update=True)
    review = current_review(session, response)
    if response.status == SUBMITTED:
        transition(session, response, IN_REVIEW, reviewer.email)
        response.reviewer_id = reviewer.id
    if review is None:
        review = Review(response_id=response.id, round=response.round, reviewer_id=reviewer.id)
        session.add(review)
        session.flush()
    return review


def _review_for_change(session: Session, response: Response, expected_version: int | None
                       ) -> Review:
    session.flush()
    session.refresh(response, with_for_update=True)
    if response.status != IN_REVIEW:
        raise ValueError(f"the response is {response.status}, not in review")
    review = current_review(session, response)
    if review is None:
        raise ValueError("the response has no review under way")
    session.refresh(review, with_for_update=True)
    if expected_version is not None and review.version != expected_version:
        raise ReviewConflict(f"the review was changed by someone else (now version "
                             f"{review.version}); reload to see it")
    return review


def grade(session: Session, response: Response, question_id: str, points: float | None,
          comment: str | None, actor: StaffUser, expected_version: int | None = None
          ) -> Review:
    """Set the rubric level (its points) and comment on one question; see `set_grades`."""
    return set_grades(session, response, {question_id: (points, comment)}, actor,
                      expected_version)


def set_grades(session: Session, response: Response,
               chosen: dict[str, tuple[float | None, str | None]], actor: StaffUser,
               expected_version: int | None = None) -> Review:
    """Grade rubric questions of the latest round: question id -> (points, comment).

    A grade equal to the one in force (given in this round, or kept from an earlier one
    because the answer is unchanged) changes nothing and records nothing; each grade that
    does change is stored in this round and writes one `graded` audit event. The verdict
    is refreshed once.
    """
    review = _review_for_change(session, response, expected_version)
    q = questionnaire_of(response)
    for question_id, (points, _comment) in chosen.items():
        question = q.questions.get(question_id)
        if not isinstance(question, AnswerBase):
            raise InvalidGrade(f"no question '{question_id}'")
        if points is not None:
            levels = q.rubrics[question.rubric].levels if question.rubric in q.rubrics else []
            if points not in {level.points for level in levels}:
                raise InvalidGrade(f"{points} is not a level of the rubric of '{question_id}'")
    in_force = verdicts.current(session, response, q).grades
    now = utcnow()
    changes = []
    for question_id, (points, comment) in chosen.items():
        comment = comment or None
        before = in_force.get(question_id)
        held = (before.points, before.comment) if before else (None, None)
        if held == (points, comment):
            continue
        row = next((g for g in review.grades if g.question_id == question_id), None)
        if row is None:
            row = Grade(question_id=question_id)
            review.grades.append(row)
        row.points, row.comment, row.graded_at = points, comment, now
        changes.append((question_id, before.points if before else None, points))
    if changes:
        verdicts.refresh(session, response, q)
        _flush(session)
    for question_id, old, new in changes:
        record(session, actor.email, "graded", response, question=question_id, old=old,
               new=new)
    return review


def override_rating(session: Session, response: Response, rating: str | None,
                    justification: str, actor: StaffUser,
                    expected_version: int | None = None) -> Review:
    """Set the risk rating of the latest round by hand (None: back to the rules' rating).

    A written justification is required to set one; the change is audited and the
    verdict shows it ("high, set by the reviewer: ...") wherever the rating is shown.
    """
    review = _review_for_change(session, response, expected_version)
    q = questionnaire_of(response)
    justification = (justification or "").strip()
    if rating is not None:
        if rating not in q.risk_bands:
            raise ValueError(f"no rating band '{rating}'")
        if not justification:
            raise ValueError("write why the rating is set by hand")
    old = review.rating_override
    if rating == old and (rating is None or justification == review.override_justification):
        return review
    review.rating_override = rating
    review.override_justification = justification if rating else None
    review.override_by = actor.email if rating else None
    review.override_at = utcnow() if rating else None
    verdicts.refresh(session, response, q)
    _flush(session)
    record(session, actor.email, "rating.overridden" if rating else "rating.override_removed",
           response, old=old, new=rating, rules=response.verdict["rules_rating"]
           if response.verdict else None, justification=justification or None)
    return review


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ReviewConflict("the review was changed by someone else; reload") from None


def request_clarification(session: Session, response: Response, requests: dict[str, str],
                          actor: StaffUser, expected_version: int | None = None,
                          wants_file: Collection[str] = ()) -> Review:
    """Ask the supplier to clarify named questions; opens the next round for them.

    `wants_file` names the questions whose request asks for a document. The supplier's
    contacts get one mail about it (store/notices.py).
    """
    requests = {k: v.strip() for k, v in requests.items() if v and v.strip()}
    if not requests:
        raise ValueError("name at least one question and say what to clarify")
    review = _review_for_change(session, response, expected_version)
    q = questionnaire_of(response)
    unknown = sorted(set(requests) - set(q.questions))
    if unknown:
        raise ValueError(f"unknown questions: {', '.join(unknown)}")
    for question_id, message in requests.items():
        row = next((g for g in review.grades if g.question_id == question_id), None)
        if row is None:
            row = Grade(question_id=question_id)
            review.grades.append(row)
        row.clarification = message
        row.wants_file = question_id in wants_file
    transition(session, response, CLARIFICATION, actor.email, questions=sorted(requests))
    response.round += 1
    _flush(session)
    notices.clarification_requested(session, response, review, actor.email)
    return review


def files_asked(session: Session, response: Response) -> set[str]:
    """The questions whose clarification request (of the round before) asks for a file."""
    return set(session.scalars(select(Grade.question_id).join(Review).where(
        Review.response_id == response.id, Review.round == response.round - 1,
        Grade.clarification.is_not(None), Grade.wants_file.is_(True))))


def clarification_requests(session: Session, response: Response) -> dict[str, str]:
    """The questions the reviewer asked about in the round before this one."""
    rows = session.execute(
        select(Grade.question_id, Grade.clarification).join(Review).where(
            Review.response_id == response.id, Review.round == response.round - 1,
            Grade.clarification.is_not(None)))
    return {qid: text for qid, text in rows}


def decide(session: Session, response: Response, decision: str, justification: str,
           actor: StaffUser, expected_version: int | None = None) -> Review:
    """Accept, ask for an action plan, or reject; the justification is required."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(sorted(DECISIONS))}")
    if not justification or not justification.strip():
        raise ValueError("write a justification for the decision")
    review = _review_for_change(session, response, expected_version)
    verdicts.refresh(session, response, questionnaire_of(response))
    review.decision, review.justification = decision, justification.strip()
    review.decided_at = utcnow()
    review.reviewer_id = actor.id
    transition(session, response, decision, actor.email, justification=review.justification)
    _flush(session)
    notices.decision_made(session, response, review, actor.email)
    return review


__all__ = ["ACCEPTED", "ACTION_PLAN", "REJECTED", "current_review", "decide", "grade",
           "override_rating", "request_clarification", "set_grades", "start_review"]
