"""The checker: YAML text in, a questionnaire and every coded problem out.

Three passes, each reporting all it finds: reading the YAML (`Y1xx`), the structure
through the pydantic models (`S2xx`, and `E500` for condition syntax), then the
meaning: ids, constraints, translations, conditions and scoring (`Q`, `T`, `E`, `P`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .conditions import Scope, check_expression
from .expressions import Expression, references
from .fields import TextMarker
from .models import Questionnaire
from .problems import DefinitionError, PathProblem, Problem
from .problems import Path as DataPath
from .questions import (
    EVIDENCE_TYPES,
    OTHER,
    TYPE_NAMES,
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
from .yamlsource import SourceMap, YamlError, load, place_problem

_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "bool_type": "true or false",
    "float_type": "a number", "list_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
}


@dataclass(frozen=True)
class CheckResult:
    """What checking one file found: the questionnaire if it is clean, and the problems."""

    file: str
    questionnaire: Questionnaire | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_text(text: str, file: str = "<text>") -> CheckResult:
    """Check YAML text; returns the questionnaire only when there is no problem."""
    try:
        data, smap = load(text)
    except YamlError as exc:
        problems = [Problem(line + 1, col + 1, code, msg, file)
                    for code, msg, line, col in exc.problems]
        return CheckResult(file, None, sorted(problems))
    if not isinstance(data, dict):
        return CheckResult(file, None, [Problem(1, 1, "S202", "the file must be a mapping "
                                                "with id, version, title, sections ...", file)])
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        found = [_from_pydantic(err, data, smap) for err in exc.errors()]
        return CheckResult(file, None, _placed(_unique(found), smap, file))
    found = semantic_problems(questionnaire)
    return CheckResult(file, None if found else questionnaire, _placed(found, smap, file))


def check_file(path: str | Path) -> CheckResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return CheckResult(str(path), None, [Problem(1, 1, "Y100", f"the file is not UTF-8 "
                                                     f"text ({exc.reason})", str(path))])
    return check_text(text, str(path))


def load_file(path: str | Path) -> Questionnaire:
    """Load one questionnaire file; raises DefinitionError listing every problem."""
    result = check_file(path)
    if result.questionnaire is None:
        raise DefinitionError(result.file, result.problems)
    return result.questionnaire


def _placed(found: list[PathProblem], smap: SourceMap, file: str) -> list[Problem]:
    problems = []
    for item in found:
        line, col = place_problem(item, smap)
        problems.append(Problem(line, col, item.code, item.message, file))
    return sorted(set(problems))


def _unique(found: list[PathProblem]) -> list[PathProblem]:
    seen: set[tuple] = set()
    out = []
    for item in found:
        key = (item.path, item.code, item.message)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# -------------------------------------------------------------- pydantic errors


def _data_path(loc: tuple, data: Any) -> tuple[DataPath, list]:
    """Follow pydantic's location through the data, skipping union tags."""
    path: list = []
    rest: list = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current and not rest:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and not rest \
                and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and current.get("type") == part and part in TYPE_NAMES:
            continue
        else:
            rest.append(part)
    return tuple(path), rest


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys a mapping at this pydantic location may have."""
    annotation: Any = Questionnaire
    for part in loc:
        annotation = _unwrap(annotation, part)
        if annotation is None:
            return []
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if isinstance(part, str) and part in annotation.model_fields:
                annotation = annotation.model_fields[part].annotation
            elif isinstance(part, str) and part in TYPE_NAMES:
                annotation = TYPE_NAMES[part]
        elif get_origin(annotation) in (list, dict):
            args = get_args(annotation)
            annotation = args[-1]
    annotation = _unwrap(annotation, None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any, part: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is not None and getattr(annotation, "__metadata__", None) is not None:
            annotation = get_args(annotation)[0]
        elif origin is Union or str(origin) == "types.UnionType":
            args = [a for a in get_args(annotation) if a is not type(None)]
            models = [_unwrap(a, None) for a in args]
            match = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)
                     and isinstance(part, str) and _type_of(m) == part]
            if match:
                return match[0]
            if len(args) == 1:
                annotation = args[0]
            else:
                return annotation
        else:
            return annotation


def _type_of(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("type")
    return get_args(field.annotation)[0] if field is not None else None


def _from_pydantic(err: dict, data: Any, smap: SourceMap) -> PathProblem:
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    path, rest = _data_path(loc, data)
    ctx = err.get("ctx") or {}
    if re.fullmatch(r"[A-Z]\d{3}", kind):
        if kind == "S203" and isinstance(value, dict):
            return _bad_type(value, path, ctx)
        if kind == "S202" and _looks_scalar(value):
            place = smap.place(path)
            return _text_expected(path, value, place.source if place else str(value))
        if "at_key" in ctx:
            return PathProblem(kind, err["msg"], (*path, ctx["at_key"]), at_key=True)
        if "at" in ctx:
            return PathProblem(kind, err["msg"], (*path, ctx["at"]))
        return PathProblem(kind, err["msg"], path, offset=ctx.get("offset"))
    if kind == "extra_forbidden":
        key = path[-1] if path else (rest[-1] if rest else "?")
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return PathProblem("S200", f"unknown key '{key}'{hint}", path, at_key=True)
    if kind == "missing":
        key = rest[-1] if rest else loc[-1]
        return PathProblem("S201", f"missing required key '{key}'", path)
    if kind in _EXPECTED:
        if kind == "string_type" and _looks_scalar(value):
            place = smap.place(path)
            return _text_expected(path, value, place.source if place else str(value))
        hint = ""
        if kind == "bool_type" and str(value).lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = " (yes/no/on/off are text here, not booleans)"
        return PathProblem("S202", f"expected {_EXPECTED[kind]}, not {_show(value)}{hint}",
                           path)
    if kind == "literal_error":
        return PathProblem("S203", f"{_show(value)} is not allowed; use "
                           f"{ctx.get('expected', '')}", path)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}
        bound = next(iter(ctx.values()), "")
        return PathProblem("S204", f"{_show(value)} is out of range: must be "
                           f"{words[kind]} {bound}", path)
    if kind in ("too_short", "too_long"):
        words = "at least" if kind == "too_short" else "at most"
        count = ctx.get("min_length", ctx.get("max_length"))
        return PathProblem("S204", f"needs {words} {count} item{'s' if count != 1 else ''}",
                           path)
    if kind == "string_pattern_mismatch":
        return PathProblem("S205", f"{_show(value)} does not match {ctx.get('pattern')}", path)
    return PathProblem("S202", err["msg"], path)


def _bad_type(value: dict, path: DataPath, ctx: dict) -> PathProblem:
    if "type" not in value:
        return PathProblem("S201", "missing required key 'type' (the question type)", path)
    close = difflib.get_close_matches(str(value["type"]), list(TYPE_NAMES), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return PathProblem("S203", f"unknown question type {_show(value['type'])}; {hint}"
                       f"use one of: {', '.join(TYPE_NAMES)}", (*path, "type"))


def _looks_scalar(value: Any) -> bool:
    return isinstance(value, bool | int | float)


def _text_expected(path: DataPath, value: Any, raw: str) -> PathProblem:
    what = "a boolean" if isinstance(value, bool) else "a number"
    return PathProblem("Y105", f"text expected, but unquoted {raw} is read as {what}; "
                       f"write it in quotes (\"{raw}\") to keep it as text", path)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return repr(value).lower() if isinstance(value, bool) else repr(value)


# -------------------------------------------------------------- meaning


def semantic_problems(q: Questionnaire) -> list[PathProblem]:
    """Every problem of meaning in a structurally valid questionnaire."""
    found: list[PathProblem] = []
    found += _duplicate_ids(q)
    found += _translations(q, q, ())
    found += _scoring(q)
    deps: dict[str, tuple[set[str], DataPath]] = {}
    top = Scope(q.questions)
    for s, section in enumerate(q.sections):
        spath: DataPath = ("sections", s)
        section_node = f"section:{section.id}"
        refs: set[str] = set()
        if section.show_if is not None:
            refs = _expression(section.show_if, top, (*spath, "show_if"), found)
        deps.setdefault(section_node, (refs, (*spath, "show_if")))
        for i, question in enumerate(section.questions):
            qpath: DataPath = (*spath, "questions", i)
            found += _constraints(question, qpath, q)
            refs = {section_node}
            if question.show_if is not None:
                refs |= _expression(question.show_if, top, (*qpath, "show_if"), found)
            deps.setdefault(question.id, (refs, (*qpath, "show_if")))
            if isinstance(question, TableQuestion):
                row = Scope(q.questions, question)
                for c, column in enumerate(question.columns):
                    cpath: DataPath = (*qpath, "columns", c)
                    found += _constraints(column, cpath, q, question)
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
                 table: TableQuestion | None = None) -> list[PathProblem]:
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
    if isinstance(question, RegionQuestion):
        scope_questions = q.questions
        target = table.column(question.country) if table is not None else None
        target = target or scope_questions.get(question.country)
        if not isinstance(target, CountryQuestion):
            where = "a country column of this table or a country question" if table \
                else "a country question"
            found.append(PathProblem("Q305", f"'{question.country}' is not {where}",
                                     (*path, "country")))
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
    for f, flag in enumerate(q.flags):
        if flag.force_rating is not None and flag.force_rating not in band_ids:
            shown = ", ".join(sorted(band_ids)) or "none defined"
            found.append(PathProblem("P603", f"no rating band '{flag.force_rating}' (bands: "
                                     f"{shown})", ("flags", f, "force_rating")))
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


# -------------------------------------------------------------- many files


def check_paths(paths: list[str | Path]) -> list[CheckResult]:
    """Check every .yaml/.yml file under the given files and folders.

    Also reports a questionnaire id used by two files (Q300 in the second).
    """
    files: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            files += sorted(p for p in item.rglob("*") if p.suffix in (".yaml", ".yml")
                            and p.is_file())
        else:
            files.append(item)
    results = []
    seen: dict[str, str] = {}
    for file in files:
        if not file.exists():
            results.append(CheckResult(str(file), None, [Problem(1, 1, "Y100",
                                                                  "no such file", str(file))]))
            continue
        result = check_file(file)
        if result.questionnaire is not None:
            qid = result.questionnaire.id
            if qid in seen:
                result = CheckResult(result.file, None, [Problem(
                    *_line_of_id(file), "Q300", f"questionnaire id '{qid}' is also used by "
                    f"{seen[qid]}", result.file)])
            else:
                seen[qid] = result.file
        results.append(result)
    return results


def _line_of_id(file: Path) -> tuple[int, int]:
    _, smap = load(file.read_text(encoding="utf-8"))
    place = smap.place(("id",))
    return (place.line + 1, place.column + 1) if place else (1, 1)
