"""A response's verdict, computed in one place: due-diligence score, risk rating, flags.

The verdict is that of the latest submitted round. It depends on the round's answers,
the rubric grades in force for it, the flags its answers raise and a reviewer's override
of the rating. `refresh` computes it and stores it on the response row whenever one of
those changes (a submission, a grade, a decision, an override), so that the review page,
the campaign page, the overview and every export read the same figures, and a list of
responses stays one query.

Grades follow their answers across rounds: a grade given in round 1 stays in force in
round 2 while the answer is unchanged and the question was not reopened for
clarification; an answer that changed or was reopened loses its grade, and the verdict
says which and why so the review page can show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..definitions import Questionnaire
from ..definitions.rounds import changed_questions
from ..definitions.scoring import ScoreResult, score
from .models import Response, Review, Submission

CHANGED = "changed"  # the answer changed since it was graded
REOPENED = "reopened"  # the question was reopened for clarification


@dataclass(frozen=True)
class GradeInForce:
    """A rubric grade and the round in which the reviewer gave it."""

    points: float | None
    comment: str | None
    round: int


@dataclass(frozen=True)
class Override:
    """A reviewer's risk rating in place of the rules' one, with the written reason."""

    rating: str
    justification: str
    by: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class RoundFacts:
    """What one submitted round contributes: its answers and what its review says."""

    round: int
    answers: Mapping[str, Any]
    graded: Mapping[str, tuple[float | None, str | None]] = field(default_factory=dict)
    asked: frozenset[str] = frozenset()  # questions reopened for clarification after it
    override: Override | None = None


@dataclass(frozen=True)
class Verdict:
    round: int | None
    result: ScoreResult | None
    rules_rating: str | None
    override: Override | None
    grades: dict[str, GradeInForce]
    lost: dict[str, str]  # question id -> CHANGED or REOPENED

    @property
    def score(self) -> float | None:
        return self.result.total if self.result else None

    @property
    def provisional(self) -> bool:
        return bool(self.result and self.result.provisional)

    @property
    def rating(self) -> str | None:
        return self.override.rating if self.override else self.rules_rating

    def record(self) -> dict[str, Any] | None:
        """The verdict as JSON for the response row (None before any submission)."""
        if self.result is None:
            return None
        result = self.result
        return {
            "round": self.round,
            "total": result.total,  # the due-diligence score (key kept from earlier records)
            "provisional": result.provisional,
            "rating": self.rating,
            "rules_rating": self.rules_rating,
            "override": None if self.override is None else vars(self.override).copy(),
            "flags": [{"id": f.id, "severity": f.severity, "questions": list(f.questions)}
                      for f in result.flags],
            "sections": {s.id: s.score for s in result.sections},
            "questions": {x.id: {"points": x.points, "max": x.max_points, "method": x.method}
                          for x in result.questions},
            "grades": {qid: {"points": g.points, "comment": g.comment, "round": g.round}
                       for qid, g in sorted(self.grades.items())},
            "lost": dict(sorted(self.lost.items())),
        }


EMPTY = Verdict(None, None, None, None, {}, {})


def grades_by_round(q: Questionnaire, rounds: Iterable[RoundFacts]
                    ) -> dict[int, tuple[dict[str, GradeInForce], dict[str, str]]]:
    """For each round: the grades in force and the grades lost since the round before."""
    found: dict[int, tuple[dict[str, GradeInForce], dict[str, str]]] = {}
    in_force: dict[str, GradeInForce] = {}
    before: RoundFacts | None = None
    for facts in sorted(rounds, key=lambda r: r.round):
        lost: dict[str, str] = {}
        if before is not None:
            changed = set(changed_questions(q, before.answers, facts.answers))
            kept = {}
            for qid, grade in in_force.items():
                if qid in changed:
                    lost[qid] = CHANGED
                elif qid in before.asked:
                    lost[qid] = REOPENED
                else:
                    kept[qid] = grade
            in_force = kept
        for qid, (points, comment) in facts.graded.items():
            lost.pop(qid, None)
            if points is None and not comment:
                in_force.pop(qid, None)
            else:
                in_force[qid] = GradeInForce(points, comment, facts.round)
        found[facts.round] = (dict(in_force), lost)
        before = facts
    return found


def judge(q: Questionnaire, rounds: list[RoundFacts]) -> Verdict:
    """The verdict on the latest of `rounds` (EMPTY when nothing was submitted)."""
    if not rounds:
        return EMPTY
    latest = max(rounds, key=lambda r: r.round)
    grades, lost = grades_by_round(q, rounds)[latest.round]
    points = {qid: g.points for qid, g in grades.items() if g.points is not None}
    result = score(q, latest.answers, points)
    return Verdict(latest.round, result, result.rating, latest.override, grades, lost)


# ------------------------------------------------------------------ the store's side


def _override(review: Review | None) -> Override | None:
    if review is None or not review.rating_override:
        return None
    at = review.override_at.isoformat() if review.override_at else ""
    return Override(review.rating_override, review.override_justification or "",
                    review.override_by or "", at)


def round_facts(session: Session, response: Response) -> tuple[list[RoundFacts],
                                                                dict[int, Review]]:
    """Every submitted round of a response with its review (two queries)."""
    submissions = session.scalars(select(Submission).where(
        Submission.response_id == response.id).order_by(Submission.round)).all()
    reviews = {r.round: r for r in session.scalars(
        select(Review).where(Review.response_id == response.id)
        .options(selectinload(Review.grades)))}
    facts = []
    for submission in submissions:
        review = reviews.get(submission.round)
        graded = {g.question_id: (g.points, g.comment) for g in review.grades
                  if g.graded_at is not None} if review else {}
        asked = frozenset(g.question_id for g in review.grades
                          if g.clarification) if review else frozenset()
        facts.append(RoundFacts(submission.round, submission.answers, graded, asked,
                                _override(review)))
    return facts, reviews


def current(session: Session, response: Response, q: Questionnaire) -> Verdict:
    """The verdict as it stands, computed afresh from the stored rows."""
    facts, _reviews = round_facts(session, response)
    return judge(q, facts)


def refresh(session: Session, response: Response, q: Questionnaire) -> Verdict:
    """Compute the verdict and store it on the response (and on its round's review).

    `q` is the response's pinned definition (store.responses.questionnaire_of).
    """
    session.flush()
    facts, reviews = round_facts(session, response)
    verdict = judge(q, facts)
    store(response, verdict)
    review = reviews.get(verdict.round) if verdict.round is not None else None
    if review is not None and verdict.result is not None:
        record = verdict.record()
        if review.score != record or review.rating != verdict.rating:
            review.score, review.total, review.rating = record, verdict.score, verdict.rating
    session.flush()
    return verdict


def store(response: Response, verdict: Verdict) -> None:
    """Copy a verdict onto the response's columns (the one place that writes them)."""
    result = verdict.result
    response.score = verdict.score
    response.provisional = verdict.provisional
    response.rating = verdict.rating
    response.red_flags = result.red_flags if result else 0
    response.amber_flags = result.amber_flags if result else 0
    response.verdict = verdict.record()
