"""Visibility, scores, flags and rating: pure functions of definition, answers and grades.

* A question is visible when its section's and its own `show_if` hold. Conditions see
  only the answers of visible questions, so a hidden question never shows another.
* Each scored, visible question earns a share of its maximum: points for its choice,
  or the reviewer's rubric grade. Section score = weighted mean of those shares;
  total = weighted mean of the section scores, as 0-100.
* A rubric question not yet graded is left out of the means, and the result is marked
  provisional until every one is graded.
* Two figures are kept apart. The *due-diligence score* (0-100) says how well the
  supplier manages its risks. The *risk rating* is a band: the score's band, made worse
  by the flags and never better. Flags are evaluated on the visible answers; by default
  a red flag puts the response in the highest-risk band and an amber flag keeps it out
  of the lowest-risk band; a flag's `rating` names another band, or `none`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .expressions import holds, references
from .models import Questionnaire
from .questions import AnswerBase, QuestionBase, TableQuestion


@dataclass(frozen=True)
class Visibility:
    """Which sections and questions are shown, and the answers that count."""

    sections: frozenset[str]
    questions: frozenset[str]
    answers: dict[str, Any]  # answers to visible questions, hidden table cells removed


def visibility(q: Questionnaire, answers: Mapping[str, Any]) -> Visibility:
    """Evaluate every show_if in dependency order (the checker has ruled out cycles)."""
    memo: dict[str, bool] = {}
    section_memo: dict[str, bool] = {}
    effective: dict[str, Any] = {}

    def shown(question_id: str, trail: frozenset[str] = frozenset()) -> bool:
        if question_id in memo:
            return memo[question_id]
        question = q.questions.get(question_id)
        if question is None or question_id in trail:
            return False
        trail = trail | {question_id}
        section = q.section_of[question_id]
        if section.id not in section_memo:
            section_memo[section.id] = _condition_holds(section.show_if, q, effective, shown,
                                                        trail)
        result = section_memo[section.id] and _condition_holds(question.show_if, q, effective,
                                                                 shown, trail)
        memo[question_id] = result
        if result and question_id in answers:
            effective[question_id] = answers[question_id]
        return result

    for question_id in q.questions:
        shown(question_id)
    for table in q.tables():  # cells of hidden columns, once every answer is known
        if table.id in effective:
            effective[table.id] = _clean(table, effective[table.id], effective)
    sections = frozenset(k for k, v in section_memo.items() if v)
    visible = frozenset(k for k, v in memo.items() if v)
    return Visibility(sections, visible, effective)


def _condition_holds(condition, q, effective, shown, trail) -> bool:
    if condition is None:
        return True
    for ref in references(condition.ast):
        if ref in q.questions:
            shown(ref, trail)
    return holds(condition, effective)


def _clean(question: QuestionBase, answer: Any, answers: Mapping[str, Any]) -> Any:
    """A table's rows without the cells whose column is hidden in that row."""
    if not isinstance(question, TableQuestion) or not isinstance(answer, list):
        return answer
    rows = []
    for row in answer:
        if not isinstance(row, Mapping):
            continue
        cells = {c.id: row.get(c.id) for c in question.columns}
        shown = shown_columns(question, row, answers)
        rows.append({k: (v if k in shown else None) for k, v in cells.items()})
    return rows


def shown_columns(question: TableQuestion, row: Mapping[str, Any],
                  answers: Mapping[str, Any]) -> set[str]:
    """The columns shown in one row of a table: those whose condition holds there.

    Column conditions see the row (hidden cells blanked) and the visible answers, and are
    applied until nothing changes, so a chain of conditions settles as it does on screen
    (static/form.js does the same per row).
    """
    cells = {c.id: row.get(c.id) for c in question.columns}
    for _ in question.columns:
        changed = False
        for column in question.columns:
            if column.show_if is not None and cells[column.id] is not None \
                    and not holds(column.show_if, answers, cells):
                cells[column.id] = None
                changed = True
        if not changed:
            break
    return {c.id for c in question.columns if holds(c.show_if, answers, cells)}


@dataclass(frozen=True)
class QuestionScore:
    id: str
    points: float | None  # None: a rubric question not graded yet
    max_points: float
    weight: float
    method: str  # "auto" or "rubric"


@dataclass(frozen=True)
class SectionScore:
    id: str
    score: float | None  # 0-100, None when nothing in it is scored yet


@dataclass(frozen=True)
class FlagHit:
    id: str
    severity: str
    message: Any
    questions: tuple[str, ...]
    rating: str | None  # the band this flag puts the rating in at least; None: no effect


@dataclass(frozen=True)
class ScoreResult:
    total: float | None
    rating: str | None
    provisional: bool
    sections: tuple[SectionScore, ...]
    questions: tuple[QuestionScore, ...]
    flags: tuple[FlagHit, ...] = field(default=())

    @property
    def red_flags(self) -> int:
        return sum(1 for f in self.flags if f.severity == "red")

    @property
    def amber_flags(self) -> int:
        return sum(1 for f in self.flags if f.severity == "amber")


def score(q: Questionnaire, answers: Mapping[str, Any],
          grades: Mapping[str, float] | None = None) -> ScoreResult:
    """Score a response; `grades` maps rubric question ids to the points of their level."""
    grades = grades or {}
    seen = visibility(q, answers)
    question_scores: list[QuestionScore] = []
    section_scores: list[SectionScore] = []
    weighted, weights, provisional = 0.0, 0.0, False
    for section in q.sections:
        if section.id not in seen.sections:
            continue
        s_weighted, s_weights = 0.0, 0.0
        for question in section.questions:
            if question.id not in seen.questions or not isinstance(question, AnswerBase):
                continue
            result = _question_score(q, question, seen.answers.get(question.id), grades)
            if result is None:
                continue
            question_scores.append(result)
            if result.points is None:
                provisional = True
            elif result.max_points > 0:
                s_weighted += result.weight * result.points / result.max_points
                s_weights += result.weight
        section_score = round(100 * s_weighted / s_weights, 1) if s_weights else None
        section_scores.append(SectionScore(section.id, section_score))
        if section_score is not None and section.weight > 0:
            weighted += section.weight * section_score
            weights += section.weight
    total = round(weighted / weights, 1) if weights else None
    flags = tuple(_flags(q, seen))
    return ScoreResult(total, _rating(q, total, flags), provisional, tuple(section_scores),
                       tuple(question_scores), flags)


def _question_score(q: Questionnaire, question: AnswerBase, answer: Any,
                    grades: Mapping[str, float]) -> QuestionScore | None:
    if question.rubric is not None and question.rubric in q.rubrics:
        levels = q.rubrics[question.rubric].levels
        top = max(level.points for level in levels)
        grade = grades.get(question.id)
        points = None if grade is None else max(0.0, min(float(grade), top))
        return QuestionScore(question.id, points, top, question.weight, "rubric")
    top = question.max_points()
    if top is None:
        return None
    return QuestionScore(question.id, question.points_for(answer), top, question.weight, "auto")


def _flags(q: Questionnaire, seen: Visibility):
    for flag in q.flags:
        if holds(flag.when, seen.answers):
            refs = tuple(r for r in sorted(references(flag.when.ast)) if r in q.questions)
            yield FlagHit(flag.id, flag.severity, flag.message, refs, q.flag_band(flag))


def worst_band(q: Questionnaire, *bands: str | None) -> str | None:
    """The highest-risk of the given bands (None when none is given)."""
    order = {b: i for i, b in enumerate(q.risk_bands)}
    known = [b for b in bands if b in order]
    return max(known, key=order.__getitem__) if known else None


def score_band(q: Questionnaire, total: float | None) -> str | None:
    """The band the due-diligence score alone earns."""
    if total is None:
        return None
    bands = sorted(q.ratings, key=lambda b: b.min_score, reverse=True)
    return next((b.id for b in bands if total >= b.min_score), bands[-1].id if bands else None)


def _rating(q: Questionnaire, total: float | None, flags: tuple[FlagHit, ...]) -> str | None:
    """The score's band, made worse by every raised flag; flags alone rate an unscored one."""
    return worst_band(q, score_band(q, total), *(hit.rating for hit in flags))
