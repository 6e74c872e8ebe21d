"""Problems of meaning in a structurally valid questionnaire.

Duplicate ids, contradictory constraints, missing translations, conditions (through
`conditions.check_expression`), cycles between `show_if` conditions, and scoring.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any

from pydantic import BaseModel

from .conditions import Scope, check_expression
from .expressions import Expression, references
from .fields import TextMarker
from .models import Questionnaire
from .problems import Path as DataPath
from .problems import PathProblem
from .questions import (
    EVIDENCE_TYPES,
    OTHER,
    TABLE_EXPORT_FIXED,
    AnswerBase,
    ChoiceQuestion,
    CountryQuestion,
    DateQuestion,
    FileQuestion,
    MultichoiceQuestion,
    NumberQuestion,
    QuestionBase,
    RegionQuestion,
    TableQuestion,
    TextareaQuestion,
    TextQuestion,
    YesNoQuestion,
)


def semantic_problems(q: Questionnaire, unknown: frozenset[str] = frozenset()
                      ) -> list[PathProblem]:
    """Every problem of meaning in a structurally valid questionnaire.

    `unknown` names questions whose definitions were replaced after structure errors:
    references to them are not judged.
    """
    found: list[PathProblem] = []
    found += _duplicate_ids(q)
    found += _translations(q, q, ())
    found += _scoring(q)
    deps: dict[str, tuple[set[str], DataPath]] = {}
    top = Scope(q.questions, unknown=unknown)
    for s, section in enumerate(q.sections):
        spath: DataPath = ("sections", s)
        section_node = f"section:{section.id}"
        refs: set[str] = set()
        if section.show_if is not None:
            refs = _expression(section.show_if, top, (*spath, "show_if"), found)
        deps.setdefault(section_node, (refs, (*spath, "show_if")))
        for i, question in enumerate(section.questions):
            qpath: DataPath = (*spath, "questions", i)
            found += _constraints(question, qpath, q, unknown=unknown)
            refs = {section_node}
            if question.show_if is not None:
                refs |= _expression(question.show_if, top, (*qpath, "show_if"), found)
            deps.setdefault(question.id, (refs, (*qpath, "show_if")))
            if isinstance(question, TableQuestion):
                row = Scope(q.questions, question, unknown)
                for c, column in enumerate(question.columns):
                    cpath: DataPath = (*qpath, "columns", c)
                    found += _constraints(column, cpath, q, question, unknown)
                    if column.show_if is not None:
                        _expression(column.show_if, row, (*cpath, "show_if"), found)
                found += _column_cycles(question, qpath)
    for f, flag in enumerate(q.flags):
        _expression(flag.when, top, ("flags", f, "when"), found)
    found += _cycles(deps)
    return found


def _expression(expr: Expression, scope: Scope, path: DataPath,
                found: list[PathProblem]) -> set[str]:
    """Adds the expression's problems to `found`; returns the questions it depends on."""
    findings, depends_on = check_expression(expr, scope)
    found += [PathProblem(f.code, f.message, path, offset=f.offset) for f in findings]
    return depends_on


def _cycles(deps: dict[str, tuple[set[str], DataPath]]) -> list[PathProblem]:
    """One E504 per cycle among show_if conditions (sections and questions)."""
    found: list[PathProblem] = []
    state: dict[str, int] = {}
    reported: set[frozenset] = set()

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(deps.get(node, (set(), ()))[0]):
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    start = min(cycle, key=lambda n: deps[n][1])
                    shown = " → ".join(_name(n) for n in [*cycle, nxt])
                    found.append(PathProblem("E504", f"conditions form a cycle: {shown}",
                                             deps[start][1]))
            elif state.get(nxt) is None and nxt in deps:
                visit(nxt, trail)
        trail.pop()
        state[node] = 2

    for node in sorted(deps):
        if state.get(node) is None:
            visit(node, [])
    return found


def _name(node: str) -> str:
    return f"section '{node[8:]}'" if node.startswith("section:") else f"'{node}'"


def _column_cycles(table: TableQuestion, path: DataPath) -> list[PathProblem]:
    deps: dict[str, tuple[set[str], DataPath]] = {}
    for c, column in enumerate(table.columns):
        refs: set[str] = set()
        if column.show_if is not None:
            refs = {r for r in references(column.show_if.ast) if table.column(r) is not None}
        deps[column.id] = (refs, (*path, "columns", c, "show_if"))
    return _cycles(deps)


def _duplicate_ids(q: Questionnaire) -> list[PathProblem]:
    found: list[PathProblem] = []

    def unique(items: list[tuple[str, DataPath]], what: str) -> None:
        first: dict[str, DataPath] = {}
        for value, path in items:
            if value in first:
                found.append(PathProblem("Q300", f"duplicate {what} '{value}'", path))
            else:
                first[value] = path

    unique([(s.id, ("sections", i, "id")) for i, s in enumerate(q.sections)], "section id")
    questions = []
    for s, section in enumerate(q.sections):
        for i, question in enumerate(section.questions):
            qpath = ("sections", s, "questions", i)
            questions.append((question.id, (*qpath, "id")))
            for o_path, options in _options_of(question, qpath):
                unique([(o.value, (*o_path, "options", k, "value"))
                        for k, o in enumerate(options)], "option value")
            if isinstance(question, TableQuestion):
                unique([(c.id, (*qpath, "columns", k, "id"))
                        for k, c in enumerate(question.columns)], "column id")
    unique(questions, "question id")
    unique([(f.id, ("flags", i, "id")) for i, f in enumerate(q.flags)], "flag id")
    unique([(r.id, ("ratings", i, "id")) for i, r in enumerate(q.ratings)], "rating id")
    return found


def _options_of(question: QuestionBase, path: DataPath):
    if isinstance(question, ChoiceQuestion | MultichoiceQuestion):
        yield path, question.options
    if isinstance(question, TableQuestion):
        for c, column in enumerate(question.columns):
            if isinstance(column, ChoiceQuestion | MultichoiceQuestion):
                yield (*path, "columns", c), column.options


def _constraints(question: QuestionBase, path: DataPath, q: Questionnaire,
                 table: TableQuestion | None = None,
                 unknown: frozenset[str] = frozenset()) -> list[PathProblem]:
    found: list[PathProblem] = []
    if not isinstance(question, AnswerBase):
        return found
    pairs = {
        TextQuestion: ("min_length", "max_length"), TextareaQuestion: ("min_length", "max_length"),
        NumberQuestion: ("min", "max"), MultichoiceQuestion: ("min_selected", "max_selected"),
        TableQuestion: ("min_rows", "max_rows"),
    }
    low_key, high_key = pairs.get(type(question), (None, None))
    if low_key:
        low, high = getattr(question, low_key), getattr(question, high_key)
        if low is not None and high is not None and low > high:
            found.append(PathProblem("Q301", f"{low_key} ({low}) is greater than {high_key} "
                                     f"({high})", (*path, low_key)))
    if isinstance(question, MultichoiceQuestion) and question.min_selected is not None \
            and question.min_selected > len(question.option_values()):
        found.append(PathProblem("Q301", f"min_selected ({question.min_selected}) is more "
                                 "than the number of options", (*path, "min_selected")))
    if isinstance(question, TextQuestion) and question.pattern is not None:
        try:
            re.compile(question.pattern)
        except re.error as exc:
            found.append(PathProblem("Q302", f"invalid regular expression: {exc.msg}",
                                     (*path, "pattern"), offset=exc.pos))
    if isinstance(question, DateQuestion):
        found += _dates(question, path)
    for key in question.messages:
        if key not in question.constraints:
            found.append(PathProblem(
                "Q303", f"no constraint '{key}' on a {question.type} question; messages may "
                f"be given for: {', '.join(question.constraints)}", (*path, "messages", key),
                at_key=True))
    if isinstance(question, ChoiceQuestion | MultichoiceQuestion) and question.other:
        for k, option in enumerate(question.options):
            if option.value == OTHER:
                found.append(PathProblem("Q306", f"'{OTHER}' is reserved for the free-text "
                                         "option that `other: true` adds; remove this option "
                                         "or `other`", (*path, "options", k, "value")))
    if isinstance(question, RegionQuestion) and question.country not in unknown:
        scope_questions = q.questions
        target = table.column(question.country) if table is not None else None
        target = target or scope_questions.get(question.country)
        if not isinstance(target, CountryQuestion):
            where = "a country column of this table or a country question" if table \
                else "a country question"
            found.append(PathProblem("Q305", f"'{question.country}' is not {where}",
                                     (*path, "country")))
    if isinstance(question, TableQuestion):
        for name in question.row_columns():
            if f"{question.id}.{name}" in TABLE_EXPORT_FIXED:
                found.append(PathProblem(
                    "Q308", f"the tables export has a fixed column '{question.id}.{name}'; "
                    "rename this table or its column", (*path, "id")))
    if isinstance(question, FileQuestion):
        for k, ext in enumerate(question.accept):
            if ext.lower().lstrip(".") not in EVIDENCE_TYPES:
                found.append(PathProblem("Q307", f"'{ext}' is not an allowed evidence type; "
                                         f"use some of: {', '.join(EVIDENCE_TYPES)}",
                                         (*path, "accept", k)))
        if question.max_files is not None and not question.multiple:
            found.append(PathProblem("Q301", "max_files needs `multiple: true`",
                                     (*path, "max_files")))
    return found


def _dates(question: DateQuestion, path: DataPath) -> list[PathProblem]:
    found, bounds = [], {}
    for key in ("min", "max"):
        value = getattr(question, key)
        if value is None:
            continue
        if value == "today":
            bounds[key] = date.today()
            continue
        try:
            bounds[key] = date.fromisoformat(value)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
        except ValueError:
            found.append(PathProblem("Q304", f"'{value}' is not a date: write YYYY-MM-DD or "
                                     "today", (*path, key)))
    if len(bounds) == 2 and bounds["min"] > bounds["max"]:
        found.append(PathProblem("Q301", "min date is after max date", (*path, "min")))
    return found


def _translations(q: Questionnaire, model: BaseModel, path: DataPath) -> list[PathProblem]:
    """T400/T401 for every text: each declared language present, no other."""
    found: list[PathProblem] = []
    declared = set(q.languages)
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        fpath = (*path, name)
        if any(isinstance(m, TextMarker) for m in info.metadata) or name == "messages":
            texts = value.items() if name == "messages" else [(None, value)]
            for key, text in texts:
                tpath = fpath if key is None else (*fpath, key)
                if isinstance(text, dict):
                    for lang in text:
                        if lang not in declared:
                            found.append(PathProblem("T401", f"language '{lang}' is not in "
                                                     f"languages ({', '.join(q.languages)})",
                                                     (*tpath, lang), at_key=True))
                    missing = [lang for lang in q.languages if lang not in text]
                    if missing:
                        found.append(PathProblem("T400", f"missing translation: "
                                                 f"{', '.join(missing)}", tpath))
            continue
        items: list[tuple[Any, Any]] = []
        if isinstance(value, BaseModel):
            items = [(None, value)]
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, dict):
            items = list(value.items())
        for key, item in items:
            if isinstance(item, BaseModel):
                found += _translations(q, item, fpath if key is None else (*fpath, key))
    return found


def _scoring(q: Questionnaire) -> list[PathProblem]:
    found: list[PathProblem] = []
    for s, section in enumerate(q.sections):
        for i, question in enumerate(section.questions):
            path = ("sections", s, "questions", i)
            found += _question_scoring(q, question, path)
            if isinstance(question, TableQuestion):
                for c, column in enumerate(question.columns):
                    cpath = (*path, "columns", c)
                    if column.rubric is not None or column.max_points() is not None:
                        found.append(PathProblem("P604", "table columns are not scored; grade "
                                                 "the table question as a whole", cpath))
    bands = q.ratings
    if bands:
        mins = [b.min_score for b in bands]
        if 0 not in mins or len(set(mins)) != len(mins):
            found.append(PathProblem("P602", "rating bands need distinct min_score values "
                                     "and one band with min_score 0", ("ratings",)))
    band_ids = {b.id for b in bands}
    if "none" in band_ids:
        b = next(i for i, band in enumerate(bands) if band.id == "none")
        found.append(PathProblem("P603", "'none' is reserved for flags that leave the rating "
                                 "alone; name the band otherwise", ("ratings", b, "id")))
    for f, flag in enumerate(q.flags):
        for key in ("rating", "force_rating"):
            value = getattr(flag, key)
            if value is None or value in band_ids or (key == "rating" and value == "none"):
                continue
            shown = ", ".join(sorted(band_ids)) or "none defined"
            extra = " or none" if key == "rating" else ""
            found.append(PathProblem("P603", f"no rating band '{value}' (bands: "
                                     f"{shown}{extra})", ("flags", f, key)))
    return found


def _question_scoring(q: Questionnaire, question: QuestionBase,
                      path: DataPath) -> list[PathProblem]:
    found: list[PathProblem] = []
    if not isinstance(question, AnswerBase):
        return found
    if question.rubric is not None and question.rubric not in q.rubrics:
        close = difflib.get_close_matches(question.rubric, list(q.rubrics), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        found.append(PathProblem("P600", f"no rubric '{question.rubric}' in rubrics{hint}",
                                 (*path, "rubric")))
    if question.rubric is not None and question.max_points() is not None:
        found.append(PathProblem("P601", "a question is scored either by points or by a "
                                 "rubric, not both", (*path, "rubric")))
    if isinstance(question, YesNoQuestion) and question.points is not None \
            and not question.dont_know and question.points.dont_know is not None:
        found.append(PathProblem("P604", "points for dont_know, but the question does not "
                                 "offer \"don't know\" (add `dont_know: true`)",
                                 (*path, "points", "dont_know")))
    return found


