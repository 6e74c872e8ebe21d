"""Reviewing a submitted round: grades, clarification requests, decisions, action plans."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..definitions.questions import AnswerBase
from ..definitions.scoring import score
from .audit import record
from .models import Grade, Response, Review, StaffUser, Submission, utcnow
from .responses import questionnaire_of, score_record
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
    """Set the rubric level (its points) and comment on one question; rescores."""
    review = _review_for_change(session, response, expected_version)
    q = questionnaire_of(response)
    question = q.questions.get(question_id)
    if not isinstance(question, AnswerBase):
        raise InvalidGrade(f"no question '{question_id}'")
    if points is not None:
        levels = q.rubrics[question.rubric].levels if question.rubric in q.rubrics else []
        if points not in {level.points for level in levels}:
            raise InvalidGrade(f"{points} is not a level of the rubric of '{question_id}'")
    row = next((g for g in review.grades if g.question_id == question_id), None)
    if row is None:
        row = Grade(question_id=question_id)
        review.grades.append(row)
    old = row.points
    row.points, row.comment = points, comment or None
    _rescore(session, response, review)
    _flush(session)
    record(session, actor.email, "graded", response, question=question_id, old=old, new=points)
    return review


def _rescore(session: Session, response: Response, review: Review) -> None:
    submission = latest_submission(session, response)
    if submission is None:
        return
    q = questionnaire_of(response)
    grades = {g.question_id: g.points for g in review.grades if g.points is not None}
    result = score(q, submission.answers, grades)
    review.score = score_record(result)
    review.total, review.rating = result.total, result.rating


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ReviewConflict("the review was changed by someone else; reload") from None


def request_clarification(session: Session, response: Response, requests: dict[str, str],
                          actor: StaffUser, expected_version: int | None = None) -> Review:
    """Ask the supplier to clarify named questions; opens the next round for them."""
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
    transition(session, response, CLARIFICATION, actor.email, questions=sorted(requests))
    response.round += 1
    _flush(session)
    return review


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
    _rescore(session, response, review)
    review.decision, review.justification = decision, justification.strip()
    review.decided_at = utcnow()
    review.reviewer_id = actor.id
    transition(session, response, decision, actor.email, justification=review.justification)
    _flush(session)
    return review


__all__ = ["ACCEPTED", "ACTION_PLAN", "REJECTED", "current_review", "decide", "grade",
           "request_clarification", "start_review"]
