"""A WTForms class per questionnaire section, built from the definition.

`section_form` builds (once per section and language) a FlaskForm subclass with a field
per question; `read_answers` turns a submitted form into answers for the store, and
`place_errors` puts the store's errors back on the fields they belong to.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField

from ..definitions import Questionnaire, Section
from ..definitions.expressions import is_answered, is_given
from ..definitions.questions import OTHER, AnswerBase, RegionQuestion, TableQuestion
from ..definitions.scoring import shown_columns, visibility
from ..definitions.validation import AnswerError
from .fields import ADAPTERS, OTHER_SUFFIX, Conversion, TableAdapter, options
from .places import regions


class SectionForm(FlaskForm):
    """Base of every section form: the draft version it was loaded at.

    `shown_cells` (table id -> the shown column ids of each row), `row_templates` (a
    blank row per table, named `<table>-__index__-<column>`, for the browser to copy),
    `row_template_shown`, `row_summaries` and `several_tables` are set by `section_form`
    for the template.
    """

    draft_version = HiddenField()
    shown_cells: dict[str, list[set[str]]] = {}
    row_templates: dict[str, Any] = {}
    row_template_shown: dict[str, set[str]] = {}
    row_summaries: dict[str, list] = {}
    several_tables = False


_classes: dict[tuple[str, str, str], type[SectionForm]] = {}


def _form_class(q: Questionnaire, section_id: str, lang: str, cache: bool = True
                ) -> type[SectionForm]:
    """Built once per definition, section and language (or each time, for `cache=False`)."""
    key = (q.content_hash, section_id, lang)
    if key not in _classes:
        section = next(s for s in q.sections if s.id == section_id)
        attrs: dict[str, Any] = {}
        for question in section.questions:
            if isinstance(question, AnswerBase):
                attrs.update(ADAPTERS[question.type].fields(question, lang))
        built = type(f"Section_{q.id}_{section_id}", (SectionForm,), attrs)
        if not cache:
            return built
        _classes[key] = built
    return _classes[key]


def section_form(q: Questionnaire, section: Section, lang: str, answers: dict[str, Any],
                 version: int, formdata=None, extra_rows: dict[str, int] | None = None,
                 cache: bool = True, starter_rows: bool = True) -> SectionForm:
    """The form for a section: filled from `answers`, or from the submitted `formdata`.

    `cache=False` is for definitions that are not in the catalogue (YAML pasted into the
    try page), so that each one does not keep a form class alive for good.
    """
    data: dict[str, Any] = {"draft_version": str(version)}
    for question in section.questions:
        if isinstance(question, AnswerBase):
            data.update(ADAPTERS[question.type].data(question, answers.get(question.id),
                                                     answers))
    for table_id, count in (extra_rows or {}).items():
        rows = data.get(table_id) or []
        data[table_id] = rows + [{}] * count
    form_class = _form_class(q, section.id, lang, cache)
    form = form_class(formdata=formdata, data=data) if formdata is not None \
        else form_class(formdata=None, data=data)
    if formdata is None:
        form.draft_version.data = str(version)
    tables = [x for x in section.questions if isinstance(x, TableQuestion)]
    for question in tables:
        if starter_rows and not form[question.id].entries:
            form[question.id].append_entry()  # one empty row to start from, never counted
    fill_regions(form, section, answers)
    describe_rows(form, tables, lang, visibility(q, answers).answers)
    return form


def describe_rows(form: SectionForm, tables: list[TableQuestion], lang: str,
                  answers: dict[str, Any]) -> None:
    """What the template needs to show each table's rows: the cells shown per row (from
    the row's own values and the other answers), and a blank row for the browser."""
    handler = ADAPTERS["table"]
    assert isinstance(handler, TableAdapter)
    form.several_tables = len(tables) > 1
    form.shown_cells, form.row_templates, form.row_template_shown = {}, {}, {}
    form.row_summaries = {}
    for question in tables:
        rows = [row for row, _ in handler.read(form, question)]
        form.shown_cells[question.id] = [shown_columns(question, row, answers) for row in rows]
        form.row_summaries[question.id] = row_summary(question, form[question.id].entries,
                                                      rows)
        prefix = f"{question.id}-__index__"
        form.row_templates[question.id] = SimpleNamespace(
            id=prefix, form=handler.row_form(question, lang)(prefix=prefix + "-"))
        form.row_template_shown[question.id] = shown_columns(question, {}, answers)


SUMMARY_CELLS = 3  # values that sum up a row in a table's list of rows


def row_summary(question: TableQuestion, entries, rows: list[dict[str, Any]]
                ) -> list[tuple[int, str, list[tuple[AnswerBase, Any]]]]:
    """A short list of a table's rows (number, card id, a few of its values), shown above
    the cards when there are two rows or more; empty otherwise."""
    found = []
    for number, (entry, row) in enumerate(zip(entries, rows, strict=True), start=1):
        if not is_given(row):
            continue
        cells = [(c, row.get(c.id)) for c in question.columns
                 if c.type not in ("file", "textarea") and is_answered(row.get(c.id))]
        found.append((number, entry.id, cells[:SUMMARY_CELLS]))
    return found if len(found) > 1 else []


def blank_rows(form: SectionForm, section: Section) -> dict[str, int]:
    """How many rows with no value each table of the submitted form holds."""
    handler = ADAPTERS["table"]
    found = {}
    for question in section.questions:
        if isinstance(question, TableQuestion):
            rows = [row for row, _ in handler.read(form, question)]
            found[question.id] = sum(1 for row in rows if not is_given(row))
    return {k: v for k, v in found.items() if v}


def fill_regions(form: SectionForm, section: Section, answers: dict[str, Any]) -> None:
    """Region choices follow the country chosen (in the same row, for tables)."""
    for question in section.questions:
        if isinstance(question, RegionQuestion):
            country = form._fields.get(question.country)
            code = country.data if country is not None else answers.get(question.country)
            form[question.id].choices = options([("", "—"), *regions(code or "")])
        elif isinstance(question, TableQuestion):
            for column in question.columns:
                if isinstance(column, RegionQuestion):
                    for entry in form[question.id].entries:
                        code = entry.form[column.country].data
                        entry.form[column.id].choices = options([("", "—"),
                                                                 *regions(code or "")])


def read_answers(form: SectionForm, section: Section, editable: set[str] | None
                 ) -> tuple[dict[str, Any], list[AnswerError]]:
    """The answers in a submitted section form, and values that could not be read."""
    answers: dict[str, Any] = {}
    problems: list[AnswerError] = []
    for question in section.questions:
        if not isinstance(question, AnswerBase):
            continue
        if editable is not None and question.id not in editable:
            continue
        handler = ADAPTERS[question.type]
        if isinstance(question, TableQuestion):
            rows = []
            for index, (row, cell_problems) in enumerate(handler.read(form, question)):
                rows.append(row)
                problems += [AnswerError(question.id, code, {}, index, column)
                             for column, code in cell_problems.items()]
            answers[question.id] = [r for r in rows if is_given(r)] or None
            continue
        try:
            answers[question.id] = handler.read(form, question)
        except Conversion as exc:
            problems.append(AnswerError(question.id, exc.code))
            continue
        other = form._fields.get(question.id + OTHER_SUFFIX)
        if other is not None:
            answers[f"{question.id}.{OTHER}"] = (other.data or "").strip() or None
    return answers, problems


def field_for(form: SectionForm, error: AnswerError):
    """The WTForms field an error belongs to (a table cell, or the question)."""
    field = form._fields.get(error.question_id)
    if field is None:
        return None
    if error.row is not None and error.column is not None:
        if error.row < len(field.entries):
            return field.entries[error.row].form._fields.get(error.column)
        return field
    return field


def place_errors(form: SectionForm, errors: list[AnswerError], q: Questionnaire, lang: str
                 ) -> list[tuple[str, str]]:
    """Attach each error's message to its field; returns (field id, message) in order."""
    summary: list[tuple[str, str]] = []
    for error in errors:
        field = field_for(form, error)
        if field is None:
            continue
        message = error.message(q, lang)
        field.errors = [*(field.errors or []), message] if isinstance(field.errors, list) \
            else [message]
        place = error.place(q, lang) if field is not form._fields.get(error.question_id) \
            else None
        summary.append((field.id, f"{place}: {message}" if place else message))
    return summary
