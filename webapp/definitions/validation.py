"""Validating answers against a questionnaire: partial (save draft) and full (submit).

Answers are JSON values keyed by question id (see `questions.py` for each type's
shape); the free text of an "other" option is stored under `<id>.other`. Every problem
is returned at once, each with the question id and, for tables, the row and column.

* partial: only the answers given are checked, by type and constraints; `required`,
  `min_rows` and `min_selected` wait for the submit, except in a table row that holds a
  value: its required cells are checked at once, so that saving catches what submitting
  would (such a "required" error does not keep the rest of the answer from being saved).
* full: every question that is shown is checked, required ones must be answered, and
  answers to hidden questions are left out (see `submitted_answers`).

Before anything else, every text in an answer (a table's cells, an "other" text, a key)
is checked for control characters (`characters.py`), the same on SQLite and
PostgreSQL: such an answer is an error at its question or cell, and is not stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pycountry

from ..formats import date_text, number_text
from .characters import MESSAGE as CONTROL_MESSAGE
from .characters import MESSAGE_HERE as CONTROL_CELL_MESSAGE
from .characters import character_name, control_in
from .expressions import holds, is_answered
from .fields import text_in
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
from .scoring import visibility

TEXT_LIMIT = 1_000  # characters in a one-line answer without max_length
TEXTAREA_LIMIT = 20_000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"sv": "Svara på frågan.", "en": "Answer the question."},
    "required_cell": {"sv": "Fyll i uppgiften, den är obligatorisk.",
                      "en": "Enter a value; it is required."},
    "type": {"sv": "Svaret har fel form.", "en": "The answer is not of the right kind."},
    "min_length": {"sv": "Skriv minst {min_length} tecken.",
                   "en": "Write at least {min_length} characters."},
    "max_length": {"sv": "Skriv högst {max_length} tecken.",
                   "en": "Write at most {max_length} characters."},
    "pattern": {"sv": "Svaret har inte rätt format.",
                "en": "The answer is not in the expected format."},
    "number": {"sv": "Skriv ett tal, till exempel 12 eller 12,5.",
               "en": "Enter a number, such as 12 or 12.5."},
    "integer": {"sv": "Skriv ett heltal.", "en": "Enter a whole number."},
    "min": {"sv": "Värdet får inte vara lägre än {min}.", "en": "The value must be {min} or more."},
    "max": {"sv": "Värdet får inte vara högre än {max}.", "en": "The value must be {max} or less."},
    "date": {"sv": "Skriv ett datum som ÅÅÅÅ-MM-DD.", "en": "Enter a date as YYYY-MM-DD."},
    "min_date": {"sv": "Datumet får inte vara före {min}.",
                 "en": "The date must not be before {min}."},
    "max_date": {"sv": "Datumet får inte vara efter {max}.",
                 "en": "The date must not be after {max}."},
    "option": {"sv": "Välj ett av alternativen.", "en": "Choose one of the options."},
    "other": {"sv": "Beskriv vad ni menar med ”annat”.",
              "en": "Describe what you mean by “other”."},
    "min_selected": {"sv": "Välj minst {min_selected}.", "en": "Choose at least {min_selected}."},
    "max_selected": {"sv": "Välj högst {max_selected}.", "en": "Choose at most {max_selected}."},
    "exclusive": {"sv": "”{label}” kan inte kombineras med andra val.",
                  "en": "“{label}” cannot be combined with other choices."},
    "country": {"sv": "Välj ett land i listan.", "en": "Choose a country from the list."},
    "region": {"sv": "Välj en region i det valda landet.",
               "en": "Choose a region of the chosen country."},
    "format": {"sv": "Svaret har inte rätt format.", "en": "The answer is not valid."},
    "email": {"sv": "Skriv en e-postadress, till exempel namn@foretag.se.",
              "en": "Enter an e-mail address, such as name@company.com."},
    "url": {"sv": "Skriv en webbadress som börjar med https://.",
            "en": "Enter a web address starting with https://."},
    "file": {"sv": "Filen finns inte bland era uppladdade filer.",
             "en": "The file is not among your uploaded files."},
    "max_files": {"sv": "Bifoga högst {max_files} filer.",
                  "en": "Attach at most {max_files} files."},
    "min_rows": {"sv": "Fyll i minst {min_rows} rader.", "en": "Fill in at least {min_rows} rows."},
    "max_rows": {"sv": "Fyll i högst {max_rows} rader.", "en": "Fill in at most {max_rows} rows."},
    "control": CONTROL_MESSAGE,  # names the question: {field}
    "control_cell": CONTROL_CELL_MESSAGE,  # the cell's place is said before it
    "unknown": {"sv": "Frågan finns inte i formuläret.",
                "en": "The question is not in the questionnaire."},
}
#: how a cell's error names its place (the templates say the same through gettext)
ROW_PLACE = {"sv": "Rad {n}, {column}", "en": "Row {n}, {column}"}
# the author's `messages` key that overrides each code
_CONSTRAINT = {"file": "type", "number": "type", "date": "type", "option": "type",
               "country": "type", "region": "type", "email": "format", "url": "format",
               "min_date": "min", "max_date": "max"}


@dataclass(frozen=True)
class AnswerError:
    """One problem with one answer (or one table cell)."""

    question_id: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    row: int | None = None  # 0-based row of a table
    column: str | None = None

    def message(self, q: Questionnaire, lang: str) -> str:
        """The author's message for this constraint if there is one, else the default."""
        question = q.questions.get(self.question_id)
        if isinstance(question, TableQuestion) and self.column is not None:
            question = question.column(self.column)
        key = _CONSTRAINT.get(self.code, self.code)
        if isinstance(question, AnswerBase) and key in question.messages:
            return text_in(question.messages[key], lang, q.default_language)
        code = f"{self.code}_cell" if self.code in ("required", "control") \
            and self.row is not None else self.code
        template = MESSAGES.get(code, MESSAGES["type"])
        params = {k: _shown(v, lang, q.default_language) for k, v in self.params.items()}
        if self.code == "control" and isinstance(question, AnswerBase):
            params["field"] = text_in(question.label, lang, q.default_language)
        return template.get(lang, template["en"]).format(**params)

    def place(self, q: Questionnaire, lang: str) -> str | None:
        """Where a table cell's error is, in words: "Rad 3, Juridiskt företagsnamn"
        (rows counted from 1); None for an error of a whole question."""
        question = q.questions.get(self.question_id)
        if self.row is None or not isinstance(question, TableQuestion):
            return None
        column = question.column(self.column or "")
        name = text_in(column.label, lang, q.default_language) if column else self.column
        return ROW_PLACE.get(lang, ROW_PLACE["en"]).format(n=self.row + 1, column=name)

    @property
    def field(self) -> str:
        """A stable name for the field: `q`, or `q.3.column` for a table cell."""
        if self.row is None:
            return self.question_id
        return f"{self.question_id}.{self.row}.{self.column}"


def validate(q: Questionnaire, answers: Mapping[str, Any], *, full: bool,
             only: Iterable[str] | None = None, today: date | None = None,
             context: Mapping[str, Any] | None = None) -> list[AnswerError]:
    """Every problem with the answers. `only` limits a partial check to these ids;
    `context` (the rest of the draft) is what a partial check's table conditions see
    besides the answers checked."""
    today = today or date.today()
    errors: list[AnswerError] = []
    if full:
        seen = visibility(q, answers)
        targets = [x for x in q.answerable() if x.id in seen.questions]
        values = seen.answers
    else:
        wanted = set(only) if only is not None else {k.split(".")[0] for k in answers}
        targets = [x for x in q.answerable() if x.id in wanted]
        values = {**(context or {}), **answers}
        errors += [AnswerError(k, "unknown") for k in sorted(wanted - set(q.questions))]
    errors += _controls_beside(q, answers)
    for question in targets:
        value = answers.get(question.id) if not full else values.get(question.id)
        other = answers.get(f"{question.id}.{OTHER}")
        errors += _check(question, value, other, full, today, values, question.id)
    return errors


def file_references(q: Questionnaire, answers: Mapping[str, Any]
                    ) -> list[tuple[AnswerError, str]]:
    """Every attachment id the answers name, with the error to give if it is not known."""
    found: list[tuple[AnswerError, str]] = []
    for question in q.answerable():
        value = answers.get(question.id)
        if isinstance(question, FileQuestion) and isinstance(value, list):
            found += [(AnswerError(question.id, "file"), v) for v in value if isinstance(v, str)]
        elif isinstance(question, TableQuestion) and isinstance(value, list):
            for index, row in enumerate(value):
                if not isinstance(row, Mapping):
                    continue
                for column in question.columns:
                    cell = row.get(column.id)
                    if isinstance(column, FileQuestion) and isinstance(cell, list):
                        found += [(AnswerError(question.id, "file", {}, index, column.id), v)
                                  for v in cell if isinstance(v, str)]
    return found


def submitted_answers(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a submission keeps: those of shown questions, hidden table cells cleared."""
    seen = visibility(q, answers)
    kept = {k: v for k, v in seen.answers.items() if is_answered(v)}
    for key, value in answers.items():
        base, _, suffix = key.partition(".")
        if suffix == OTHER and base in kept and _chose_other(kept[base]) and is_answered(value):
            kept[key] = value
    return kept


def _control_error(qid: str, found: str, row: int | None = None,
                   column: str | None = None) -> AnswerError:
    """The error of a refused character, which the message names in each language."""
    return AnswerError(qid, "control", {"char": {lang: character_name(found, lang)
                                                 for lang in ("sv", "en")}}, row, column)


def _controls_beside(q: Questionnaire, answers: Mapping[str, Any]) -> list[AnswerError]:
    """Refused characters in keys, and in values stored beside a question's own (any
    `<id>.<suffix>` but the "other" text, which `_check` sees with its question)."""
    errors = []
    for key, value in answers.items():
        base, _, suffix = key.partition(".")
        if base not in q.questions:
            continue  # an unknown question is an error of its own, and never stored
        found = control_in(key) or (control_in(value) if suffix and suffix != OTHER else None)
        if found:
            errors.append(_control_error(base, found))
    return errors


def _chose_other(value: Any) -> bool:
    return value == OTHER or (isinstance(value, list) and OTHER in value)


def _check(question: AnswerBase, value: Any, other: Any, full: bool, today: date,
           answers: Mapping[str, Any], qid: str, row: int | None = None,
           row_values: Mapping[str, Any] | None = None) -> list[AnswerError]:
    column = question.id if row is not None else None

    def error(code: str, **params: Any) -> list[AnswerError]:
        return [AnswerError(qid, code, params, row, column)]

    if not isinstance(question, TableQuestion):  # a table's cells: see `_table`
        found = control_in(value, multiline=isinstance(question, TextareaQuestion)) \
            or control_in(other)
        if found:
            return [_control_error(qid, found, row, column)]
    if not is_answered(value):
        if question.required and (full or row is not None):
            return error("required")  # a cell of a row that holds a value: at once
        return []
    if isinstance(question, TextQuestion | TextareaQuestion):
        if not isinstance(value, str):
            return error("type")
        limit = question.max_length or (TEXT_LIMIT if question.type == "text"
                                        else TEXTAREA_LIMIT)
        if len(value) > limit:
            return error("max_length", max_length=limit)
        if question.min_length is not None and len(value.strip()) < question.min_length:
            return error("min_length", min_length=question.min_length)
        if isinstance(question, TextQuestion) and question.pattern is not None \
                and re.fullmatch(question.pattern, value.strip()) is None:
            return error("pattern")
        return []
    if isinstance(question, NumberQuestion):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return error("number")
        if question.integer and value != int(value):
            return error("integer")
        if question.min is not None and value < question.min:
            return error("min", min=question.min)
        if question.max is not None and value > question.max:
            return error("max", max=question.max)
        return []
    if isinstance(question, DateQuestion):
        parsed = _date(value)
        if parsed is None:
            return error("date")
        low, high = _bound(question.min, today), _bound(question.max, today)
        if low is not None and parsed < low:
            return error("min_date", min=low)
        if high is not None and parsed > high:
            return error("max_date", max=high)
        return []
    if isinstance(question, ChoiceQuestion | YesNoQuestion):
        if not isinstance(value, str) or value not in question.option_values():
            return error("option")
        if full and value == OTHER and not is_answered(other):
            return error("other")
        return []
    if isinstance(question, MultichoiceQuestion):
        return _multichoice(question, value, other, full, error)
    if isinstance(question, CountryQuestion):
        if not isinstance(value, str) or pycountry.countries.get(alpha_2=value) is None:
            return error("country")
        return []
    if isinstance(question, RegionQuestion):
        country = (row_values or answers).get(question.country)
        if not isinstance(value, str) or pycountry.subdivisions.get(code=value) is None \
                or (isinstance(country, str) and not value.startswith(f"{country}-")):
            return error("region")
        return []
    if isinstance(question, EmailQuestion):
        if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
            return error("email")
        return []
    if isinstance(question, UrlQuestion):
        return [] if _url(value) else error("url")
    if isinstance(question, FileQuestion):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return error("type")
        most = question.max_files if question.multiple else 1
        if most is not None and len(value) > most:
            return error("max_files", max_files=most)
        return []
    if isinstance(question, TableQuestion):
        return _table(question, value, full, today, answers, qid, error)
    return []


def _multichoice(question: MultichoiceQuestion, value: Any, other: Any, full: bool, error):
    allowed = question.option_values()
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed
                                              for v in value) or len(set(value)) != len(value):
        return error("option")
    for option in question.options:
        if option.exclusive and option.value in value and len(value) > 1:
            return error("exclusive", label=option.label)
    if question.max_selected is not None and len(value) > question.max_selected:
        return error("max_selected", max_selected=question.max_selected)
    if full and question.min_selected is not None and len(value) < question.min_selected:
        return error("min_selected", min_selected=question.min_selected)
    if full and OTHER in value and not is_answered(other):
        return error("other")
    return []


def _table(question: TableQuestion, value: Any, full: bool, today: date,
           answers: Mapping[str, Any], qid: str, error) -> list[AnswerError]:
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        return error("type")
    rows = [r for r in value if is_answered([r])]
    if question.max_rows is not None and len(rows) > question.max_rows:
        return error("max_rows", max_rows=question.max_rows)
    if full and question.min_rows is not None and len(rows) < question.min_rows:
        return error("min_rows", min_rows=question.min_rows)
    errors: list[AnswerError] = []
    for index, row in enumerate(value):
        refused = _row_controls(question, qid, index, row)
        errors += refused
        if not is_answered([row]):
            continue  # a blank row is ignored, never an error
        for column in question.columns:
            if not holds(column.show_if, answers, row) or \
                    any(e.column == column.id for e in refused):
                continue
            cell_other = row.get(f"{column.id}.{OTHER}")
            errors += _check(column, row.get(column.id), cell_other, full, today, answers,
                             qid, index, row)
    return errors


def _row_controls(question: TableQuestion, qid: str, index: int,
                  row: Mapping[str, Any]) -> list[AnswerError]:
    """Refused characters in every cell of a row, shown or hidden, known or not."""
    errors = []
    for key, cell in row.items():
        name = key.split(".")[0] if isinstance(key, str) else str(key)
        column = question.column(name)
        multiline = isinstance(column, TextareaQuestion) and key == name
        found = control_in(key) if isinstance(key, str) else None
        found = found or control_in(cell, multiline=multiline)
        if found and not any(e.column == name for e in errors):
            errors.append(_control_error(qid, found, index, name))
    return errors


def _shown(value: Any, lang: str, default_language: str) -> Any:
    """A message parameter in the reader's language: text, a number, a day."""
    if isinstance(value, dict):
        return text_in(value, lang, default_language)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value, lang)
    if isinstance(value, date):
        return date_text(value, lang)
    return value


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _bound(value: str | None, today: date) -> date | None:
    if value is None:
        return None
    return today if value == "today" else date.fromisoformat(value)


def _url(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 2000 or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and "." in parts.netloc
