"""A demo persona's answers to a questionnaire, and the grades a reviewer gives them.

`ANSWERS` names one function per questionnaire (in `demo_forms`, `demo_forms_it`); each
writes every answer the persona's facts imply, shown or not. `answers_for` refuses ids
the questionnaire does not have (a renamed question must be adapted there, not
silently dropped) and keeps what a submission keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..definitions import Questionnaire
from ..definitions.scoring import visibility
from ..definitions.validation import submitted_answers
from .demo_cast import Persona
from .demo_forms import Files, gloves, masks
from .demo_forms_it import it_hardware
from .demo_texts import GRADE

ANSWERS: dict[str, Callable[[Persona, date, Files], dict[str, Any]]] = {
    "ppe-masks-aprons": masks, "gloves": gloves, "it-hardware": it_hardware}


class UnknownIds(ValueError):
    """The persona's answers name questions or columns the questionnaire lacks."""


def answers_for(q: Questionnaire, p: Persona, today: date, files: Files) -> dict[str, Any]:
    """The persona's complete answers, as a submission keeps them."""
    raw = ANSWERS[q.id](p, today, files)
    unknown = sorted(k for k in raw if k not in q.questions)
    for table in q.tables():
        columns = {c.id for c in table.columns}
        unknown += sorted({f"{table.id}.{k}" for row in raw.get(table.id) or []
                           for k in row if k not in columns})
    if unknown:
        raise UnknownIds(f"{q.id} has no {', '.join(unknown)}")
    return submitted_answers(q, raw)


def grades_for(q: Questionnaire, p: Persona, answers: dict[str, Any]) -> dict[str, float]:
    """The rubric level a reviewer gives each shown rubric question: the persona's
    level for an answer, the lowest level for a question left unanswered."""
    level = GRADE[p.quality]
    shown = visibility(q, answers).questions
    grades = {}
    for question in q.answerable():
        if question.rubric and question.id in shown:
            points = {x.points for x in q.rubrics[question.rubric].levels}
            if question.id not in answers:
                grades[question.id] = min(points)
            else:
                grades[question.id] = level if level in points else max(points)
    return grades
