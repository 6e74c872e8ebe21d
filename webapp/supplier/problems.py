"""The check page's list of problems: what stops a submit, and where to put it right.

Each problem of the full validation becomes one line of the error summary (GOV.UK
"error summary" pattern) naming its section, its question and, for a table cell, its
row and column ("Rad 3, Juridiskt företagsnamn"), with a link to the field itself on
the section page: `/supplier/section/<section>#<field id>`, the ids the section form
gives its controls (`<question>`, a radio's first option `<question>-0`, a table cell
`<table>-<row from 0>-<column>`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from ..definitions import Questionnaire
from ..definitions.fields import text_in
from ..definitions.questions import (
    ChoiceQuestion,
    MultichoiceQuestion,
    TableQuestion,
    YesNoQuestion,
)
from ..definitions.validation import AnswerError

OTHER_BOX = "__other"  # the id suffix of an "other, please specify" box (forms.fields)


@dataclass(frozen=True)
class Problem:
    """One line of the check page's error summary."""

    section: str  # the section's title
    question: str  # the question's label
    place: str | None  # "Rad 3, Juridiskt företagsnamn" for a table cell
    message: str
    href: str  # the field on its section page
    field: str  # the error's stable name (`q` or `q.3.column`), to mark the answer


def problems(q: Questionnaire, errors: list[AnswerError], lang: str) -> list[Problem]:
    """The summary lines for a full validation's errors, in questionnaire order."""
    order = {qid: n for n, qid in enumerate(q.questions)}
    found = []
    for error in sorted(errors, key=lambda e: (order.get(e.question_id, len(order)),
                                               -1 if e.row is None else e.row)):
        question = q.questions.get(error.question_id)
        section = q.section_of.get(error.question_id)
        if question is None or section is None:
            continue
        found.append(Problem(
            section=text_in(section.title, lang, q.default_language),
            question=text_in(getattr(question, "label", None) or question.id, lang,
                             q.default_language),
            place=error.place(q, lang), message=error.message(q, lang),
            href=url_for("supplier.section", section_id=section.id) + "#" + anchor(q, error),
            field=error.field))
    return found


def anchor(q: Questionnaire, error: AnswerError) -> str:
    """The id of the control an error belongs to, on its section page."""
    question = q.questions.get(error.question_id)
    if isinstance(question, TableQuestion):
        if error.row is None or error.column is None:
            return error.question_id  # the table's list of rows
        column = question.column(error.column)
        cell = f"{error.question_id}-{error.row}-{error.column}"
        return cell + OTHER_BOX if error.code == "other" and column is not None else cell
    if error.code == "other":
        return error.question_id + OTHER_BOX
    if isinstance(question, YesNoQuestion | MultichoiceQuestion) or (
            isinstance(question, ChoiceQuestion) and question.display != "dropdown"):
        return f"{error.question_id}-0"  # a fieldset of options: its first option
    return error.question_id
