"""Scoring answers written by hand: what `kedjekoll score` and questionnaire test cases share.

Authors try their scoring outside the web app, so the answers take the store's path:
each answer is checked by type and constraints as a saved draft is (`validate`, partial),
the answers of hidden questions are dropped as at submission (`submitted_answers`), and
the rest is scored with the grades. A missing required answer is not an error here: a
trial names only the answers that matter to it. Grades are checked as a reviewer's are:
a rubric question's grade must be the points of one of its rubric's levels.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .models import Questionnaire
from .questions import OTHER, AnswerBase, TableQuestion
from .scoring import ScoreResult, score
from .validation import submitted_answers, validate


@dataclass(frozen=True)
class InputError:
    """One answer or grade that cannot be scored, with a message an author understands."""

    key: str  # the answer's or grade's key as written (`role`, `role.other`)
    message: str
    grade: bool = False  # a grade rather than an answer
    unknown: bool = False  # the key names no question (or no rubric question)
    row: int | None = None  # 0-based row of a table answer
    column: str | None = None


def answer_errors(q: Questionnaire, answers: Mapping[str, Any]) -> list[InputError]:
    """Every answer the store would refuse to save: unknown ids, wrong kinds, bad values."""
    errors: list[InputError] = []
    known: dict[str, Any] = {}
    for key, value in answers.items():
        base, dot, suffix = key.partition(".")
        if base not in q.questions or not isinstance(q.questions[base], AnswerBase) \
                or (dot and suffix != OTHER):
            errors.append(InputError(key, _unknown(q, key, "question"), unknown=True))
        else:
            known[key] = value
    for error in validate(q, known, full=False):
        question = q.questions[error.question_id]
        value = answers.get(error.question_id)
        where = ""
        if error.row is not None and isinstance(question, TableQuestion):
            where = f" (row {error.row + 1}, column '{error.column}')"
            value = _cell(value, error.row, error.column)
            question = question.column(error.column) or question
        hint = _options(question) if error.code == "option" else ""
        errors.append(InputError(
            error.question_id, f"answer to '{error.question_id}'{where} is {_show(value)}: "
            f"{error.message(q, 'en')}{hint}", row=error.row, column=error.column))
    return errors


def grade_errors(q: Questionnaire, grades: Mapping[str, Any]) -> list[InputError]:
    """Grades that name no rubric question, or are not a level of its rubric."""
    errors = []
    for key, points in grades.items():
        question = q.questions.get(key)
        rubric = q.rubrics.get(question.rubric) if isinstance(question, AnswerBase) \
            and question.rubric else None
        if rubric is None:
            errors.append(InputError(key, _unknown(q, key, "rubric question"), grade=True,
                                     unknown=True))
            continue
        levels = sorted({level.points for level in rubric.levels})
        if points is None:
            continue
        if isinstance(points, bool) or not isinstance(points, int | float) \
                or points not in levels:
            shown = ", ".join(_number(p) for p in levels)
            errors.append(InputError(key, f"grade of '{key}' is {_show(points)}: not a level "
                                     f"of rubric '{question.rubric}' (levels: {shown})",
                                     grade=True))
    return errors


def score_answers(q: Questionnaire, answers: Mapping[str, Any],
                  grades: Mapping[str, Any]) -> ScoreResult:
    """Score checked answers as a submission is scored: hidden answers dropped first."""
    kept = submitted_answers(q, {k: v for k, v in answers.items() if v is not None})
    return score(q, kept, {k: float(v) for k, v in grades.items() if v is not None})


def score_json(result: ScoreResult) -> dict[str, Any]:
    """The score as `kedjekoll score` prints it; authors' scripts rely on this shape."""
    return {"score": result.total, "provisional": result.provisional, "rating": result.rating,
            "flags": [{"id": f.id, "severity": f.severity} for f in result.flags]}


def _unknown(q: Questionnaire, key: str, what: str) -> str:
    if what == "question":
        names = [x.id for x in q.answerable()]
    else:
        names = [x.id for x in q.answerable() if x.rubric in q.rubrics]
    close = difflib.get_close_matches(key.split(".")[0], names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"no {what} '{key}' in questionnaire '{q.id}'{hint}"


def _options(question: Any) -> str:
    values = question.option_values() if hasattr(question, "option_values") else None
    return f" (options: {', '.join(values)})" if values else ""


def _cell(value: Any, row: int, column: str | None) -> Any:
    if isinstance(value, list) and row < len(value) and isinstance(value[row], Mapping):
        return value[row].get(column)
    return value


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
