"""The review page's outline: per section how many answers need a grade, how many have
one, and which flags their answers raised; the same counted over the whole round.

A reviewer with 60 answers in front of them needs to see where the work is left and
where the flags are before reading anything. Every figure is read from what the page
already has: the round's stored verdict record (its flags) and the grades in force
(`verdict_text.grades_in_force`); nothing is scored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..definitions import Questionnaire


@dataclass(frozen=True)
class SectionLine:
    """One section in the index: its answers, grades and the flags raised in it."""

    id: str
    title: Any
    to_grade: int
    graded: int
    red: int
    amber: int


@dataclass(frozen=True)
class Outline:
    sections: list[SectionLine]
    to_grade: int
    graded: int
    #: question id -> the flag hits (as the record stores them) its answer raised
    flags_by_question: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)


def needs_grade(q: Questionnaire, question) -> bool:
    """A question the reviewer grades with a rubric."""
    return bool(question.rubric and question.rubric in q.rubrics)


def outline(q: Questionnaire, seen, record: Mapping[str, Any] | None,
            in_force: Mapping[str, Mapping[str, Any]]) -> Outline:
    """The outline of the round shown: `seen` is its visibility, `record` its verdict."""
    hits = list((record or {}).get("flags", ()))
    by_question: dict[str, list[Mapping[str, Any]]] = {}
    for hit in hits:
        for qid in hit.get("questions", ()):
            by_question.setdefault(qid, []).append(hit)
    lines = []
    for section in q.sections:
        if section.id not in seen.sections:
            continue
        shown = [x for x in section.questions if x.answerable and x.id in seen.questions]
        graded_here = [x for x in shown if needs_grade(q, x)]
        done = sum(1 for x in graded_here
                   if (in_force.get(x.id) or {}).get("points") is not None)
        ids = {x.id for x in shown}
        raised = [hit for hit in hits if ids.intersection(hit.get("questions", ()))]
        red = sum(1 for hit in raised if hit.get("severity") == "red")
        lines.append(SectionLine(section.id, section.title, len(graded_here), done, red,
                                 len(raised) - red))
    return Outline(lines, sum(line.to_grade for line in lines),
                   sum(line.graded for line in lines), by_question)
