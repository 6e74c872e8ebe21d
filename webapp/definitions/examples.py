"""Complete, valid answers for any questionnaire: for demo data, tests and benchmarks.

The values respect every constraint (ranges, patterns, options, exclusive choices,
regions of the row's country), so a full validation passes. Callers steer the content
with `overrides` and with callbacks for free text and evidence files.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import pycountry

from .expressions import references
from .models import Questionnaire
from .questions import (
    OTHER,
    AnswerBase,
    ChoiceQuestion,
    CountryQuestion,
    DateQuestion,
    EmailQuestion,
    FileQuestion,
    MultichoiceQuestion,
    NumberQuestion,
    RegionQuestion,
    TableQuestion,
    TextareaQuestion,
    TextQuestion,
    UrlQuestion,
    YesNoQuestion,
)
from .validation import submitted_answers, validate

COUNTRIES = ("SE", "CN", "MY", "VN", "DE", "IN", "TH")
_PATTERN_SAMPLES = ("+46 8 123 45 67", "556677-8899", "SE556677889901", "ABC-123", "12345")

TextFor = Callable[[AnswerBase, random.Random], str]
FilesFor = Callable[[FileQuestion], list[str]]


def _default_text(question: AnswerBase, rng: random.Random) -> str:
    if isinstance(question, TextareaQuestion):
        return ("Vi har kartlagt leverantörerna i två led och följer upp dem med "
                "självutvärdering och revision vartannat år.")
    return f"Svar {rng.randint(1, 999)}"


def example_answers(q: Questionnaire, rng: random.Random | None = None, *,
                    overrides: Mapping[str, Any] | None = None,
                    text_for: TextFor = _default_text,
                    files_for: FilesFor | None = None,
                    today: date | None = None) -> dict[str, Any]:
    """Answers to every question shown, valid for submission."""
    rng = rng or random.Random(0)
    today = today or date.today()
    overrides = dict(overrides or {})
    answers: dict[str, Any] = {}
    for question in q.answerable():
        if question.id in overrides:
            answers[question.id] = overrides[question.id]
            continue
        value = example_value(question, rng, text_for, files_for, today)
        if value is not None:
            answers[question.id] = value
            if value == OTHER or (isinstance(value, list) and OTHER in value):
                answers[f"{question.id}.{OTHER}"] = "Annat svar"
    answers.update({k: v for k, v in overrides.items() if "." in k})
    return _without_missing_uploads(q, answers, set(overrides))


def _without_missing_uploads(q: Questionnaire, answers: dict[str, Any],
                             fixed: set[str]) -> dict[str, Any]:
    """The submitted answers, with "no" where a "yes" demands an upload nobody gave.

    A required file shown by a yes (a code of conduct "yes" needs the code attached)
    cannot be answered when the caller supplies no files, so the example says "no"
    there instead, unless the caller fixed that answer with `overrides`.
    """
    for _ in range(len(q.questions)):
        shown = submitted_answers(q, answers)
        missing = [q.questions[e.question_id] for e in validate(q, shown, full=True)
                   if e.code == "required" and e.row is None
                   and isinstance(q.questions[e.question_id], FileQuestion)]
        flips = {ref for question in missing if question.show_if is not None
                 for ref in references(question.show_if.ast)
                 if ref not in fixed and answers.get(ref) == "yes"
                 and isinstance(q.questions.get(ref), YesNoQuestion)}
        if not flips:
            return shown
        answers = {**answers, **dict.fromkeys(flips, "no")}
    return submitted_answers(q, answers)


def example_value(question: AnswerBase, rng: random.Random, text_for: TextFor = _default_text,
                  files_for: FilesFor | None = None, today: date | None = None,
                  row: Mapping[str, Any] | None = None) -> Any:
    """One valid answer to one question (None where no valid value can be made)."""
    today = today or date.today()
    if isinstance(question, TextQuestion):
        if question.pattern:
            return next((s for s in _PATTERN_SAMPLES if re.fullmatch(question.pattern, s)),
                        None)
        return _fit(text_for(question, rng), question.min_length, question.max_length)
    if isinstance(question, TextareaQuestion):
        return _fit(text_for(question, rng), question.min_length, question.max_length)
    if isinstance(question, NumberQuestion):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else max(low, 0) + 100
        value = low + (high - low) * rng.random()
        return int(round(value)) if question.integer else round(value, 1)
    if isinstance(question, DateQuestion):
        low = _date(question.min, today) or today - timedelta(days=730)
        high = _date(question.max, today) or today
        return (low + timedelta(days=rng.randint(0, max(0, (high - low).days)))).isoformat()
    if isinstance(question, ChoiceQuestion):
        return rng.choice([o.value for o in question.options])
    if isinstance(question, YesNoQuestion):
        return rng.choice(["yes", "no"])
    if isinstance(question, MultichoiceQuestion):
        plain = [o.value for o in question.options if not o.exclusive] or \
            [question.options[0].value]
        most = min(len(plain), question.max_selected or 2, 2)
        least = min(most, max(1, question.min_selected or 1))
        return rng.sample(plain, rng.randint(least, most))
    if isinstance(question, CountryQuestion):
        return rng.choice(COUNTRIES)
    if isinstance(question, RegionQuestion):
        country = (row or {}).get(question.country) or "SE"
        regions = sorted(s.code for s in pycountry.subdivisions.get(country_code=country) or [])
        return rng.choice(regions) if regions else None
    if isinstance(question, EmailQuestion):
        return "hallbarhet@leverantor.example"
    if isinstance(question, UrlQuestion):
        return "https://leverantor.example/hallbarhet"
    if isinstance(question, FileQuestion):
        return files_for(question) if files_for else None
    if isinstance(question, TableQuestion):
        count = max(question.min_rows or 1, min(question.max_rows or 3, rng.randint(1, 3)))
        rows = []
        for _ in range(count):
            cells: dict[str, Any] = {}
            for column in question.columns:
                cells[column.id] = example_value(column, rng, text_for, files_for, today,
                                                 cells)
            rows.append(cells)
        return rows
    return None


def _fit(text: str, least: int | None, most: int | None) -> str:
    while least and len(text) < least:
        text = f"{text} {text}"
    return text[:most] if most else text


def _date(value: str | None, today: date) -> date | None:
    if value is None:
        return None
    return today if value == "today" else date.fromisoformat(value)
