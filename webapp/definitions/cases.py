"""Questionnaire test cases: answers, grades and the rating an author expects of them.

Beside `questionnaires/<stem>.yaml` an author may keep `<stem>.cases.yaml` (the format
is in questionnaires/README.md, "Test cases"). Each case's answers and grades go
through `trial`, as `kedjekoll score` sends them, and every expectation that is not
met is a coded problem (`C7xx`) at the line of its `expect` key, so `kedjekoll check`
reports a changed flag or band like any other mistake in the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from .models import Questionnaire
from .problems import Path as DataPath
from .problems import PathProblem, Problem
from .scoring import ScoreResult
from .structure import from_pydantic
from .trial import InputError, answer_errors, grade_errors, score_answers
from .yamlsource import YamlError, load, placed_problems

CASES_SUFFIXES = (".cases.yaml", ".cases.yml")
# structure codes of the questionnaire checker -> the case file's own
_STRUCTURE = {"S200": "C700", "S201": "C701"}


class _CaseDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True,
                              use_attribute_docstrings=True)


class Expect(_CaseDefinition):
    """What the case must give; only the keys written are compared."""

    rating: StrictStr | None
    """The risk-rating band id (required; null only for a questionnaire without bands)."""
    flags: list[StrictStr] | None = None
    """Exactly these flags are raised, in any order (`[]`: none)."""
    score: float | None = None
    """The due-diligence score, 0-100 to one decimal (null: nothing is scored)."""
    provisional: StrictBool | None = None
    """Whether the score waits for rubric grades."""


class Base(_CaseDefinition):
    """What every case starts from."""

    answers: dict[str, Any] = Field(default_factory=dict)
    """Answers by question id, as the JSON export writes them (tables: lists of rows)."""
    grades: dict[str, float | None] = Field(default_factory=dict)
    """Rubric grades by question id: the points of one of the rubric's levels."""


class Case(_CaseDefinition):
    """One named case: answers and grades laid over the base, and what they must give."""

    name: StrictStr = Field(min_length=1)
    answers: dict[str, Any] = Field(default_factory=dict)
    """Merged over the base's answers key by key; null removes the base's answer."""
    grades: dict[str, float | None] = Field(default_factory=dict)
    """Merged over the base's grades; null removes the base's grade."""
    expect: Expect


class CaseFile(_CaseDefinition):
    """A `<stem>.cases.yaml` file: the test cases of the questionnaire `<stem>.yaml`."""

    questionnaire: StrictStr
    """The id of the questionnaire these cases test."""
    base: Base = Field(default_factory=Base)
    cases: list[Case] = Field(min_length=1)


def is_case_file(path: str | Path) -> bool:
    return Path(path).name.endswith(CASES_SUFFIXES)


def questionnaire_file_of(case_file: Path) -> Path:
    """The questionnaire a case file belongs to: `<stem>.yaml`, or `<stem>.yml` if only it."""
    stem = next(case_file.name[:-len(s)] for s in CASES_SUFFIXES if case_file.name.endswith(s))
    yaml_file = case_file.with_name(f"{stem}.yaml")
    yml_file = case_file.with_name(f"{stem}.yml")
    return yml_file if yml_file.is_file() and not yaml_file.is_file() else yaml_file


def case_file_of(questionnaire_file: Path) -> Path | None:
    """The case file beside a questionnaire file, if there is one."""
    for suffix in CASES_SUFFIXES:
        candidate = questionnaire_file.with_name(questionnaire_file.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def check_cases_text(text: str, file: str, questionnaire: Questionnaire | None,
                     questionnaire_file: str | None) -> tuple[list[Problem], int]:
    """Check a case file and run its cases; returns the problems and the number of cases.

    `questionnaire_file` is None when there is no questionnaire file beside it;
    `questionnaire` is None when that file has errors of its own (then the cases are
    only read, not run: the checker reports the questionnaire's errors).
    """
    try:
        data, smap = load(text)
    except YamlError as exc:
        return sorted(Problem(line + 1, col + 1, code, msg, file)
                      for code, msg, line, col in exc.problems), 0
    if not isinstance(data, dict):
        return [Problem(1, 1, "C702", "a case file must be a mapping with questionnaire "
                                      "and cases", file)], 0
    try:
        cases = CaseFile.model_validate(data)
    except ValidationError as exc:
        found = [from_pydantic(err, data, smap, CaseFile) for err in exc.errors()]
        found = [PathProblem(_STRUCTURE.get(p.code, "C702" if p.code.startswith("S")
                                            else p.code), p.message, p.path, p.offset, p.at_key)
                 for p in found]
        return placed_problems(found, smap, file), 0
    if questionnaire_file is None:
        name = Path(file).name
        stem = next(name[:-len(s)] for s in CASES_SUFFIXES if name.endswith(s))
        missing = PathProblem("C703", f"no questionnaire {stem}.yaml beside this case file",
                              ("questionnaire",))
        return placed_problems([missing], smap, file), len(cases.cases)
    if questionnaire is None:
        return [], len(cases.cases)
    if cases.questionnaire != questionnaire.id:
        return placed_problems([PathProblem(
            "C703", f"these cases are for questionnaire '{cases.questionnaire}', but "
            f"{questionnaire_file} is '{questionnaire.id}'", ("questionnaire",))], smap,
            file), len(cases.cases)
    return placed_problems(run_cases(questionnaire, cases), smap, file), len(cases.cases)


def check_cases_file(path: Path, questionnaire: Questionnaire | None,
                     questionnaire_file: str | None) -> tuple[list[Problem], int]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(1, 1, "Y100", f"the file is not UTF-8 text ({exc.reason})",
                        str(path))], 0
    return check_cases_text(text, str(path), questionnaire, questionnaire_file)


def run_cases(q: Questionnaire, cases: CaseFile) -> list[PathProblem]:
    """Every problem of every case: bad names, answers and grades, and unmet expectations."""
    found: list[PathProblem] = []
    names: set[str] = set()
    for index, case in enumerate(cases.cases):
        at: DataPath = ("cases", index)
        if case.name in names:
            found.append(PathProblem("C704", f"case name '{case.name}' is used twice",
                                     (*at, "name")))
        names.add(case.name)
        answers = _merged(cases.base.answers, case.answers)
        grades = _merged(cases.base.grades, case.grades)
        errors = [_input_problem(e, case, at) for e in
                  answer_errors(q, answers) + grade_errors(q, grades)]
        errors += _unknown_expectations(q, case, at)
        found += errors
        if not errors:
            found += _unmet(case, at, score_answers(q, answers, grades))
    seen: set[tuple] = set()
    unique = []
    for problem in found:  # a bad base answer is reported once, not once per case
        key = (problem.code, problem.message, problem.path)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _merged(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**base, **own}
    return {k: v for k, v in merged.items() if v is not None}


def _input_problem(error: InputError, case: Case, at: DataPath) -> PathProblem:
    part = "grades" if error.grade else "answers"
    owner = at if error.key in getattr(case, part) else ("base",)
    path: DataPath = (*owner, part, error.key)
    if error.row is not None:
        path = (*path, error.row, error.column or "")
    code = "C705" if error.unknown else "C707" if error.grade else "C706"
    return PathProblem(code, error.message, path, at_key=error.unknown)


def _unknown_expectations(q: Questionnaire, case: Case, at: DataPath) -> list[PathProblem]:
    found = []
    expect = case.expect
    if expect.rating is not None and expect.rating not in q.risk_bands:
        bands = ", ".join(q.risk_bands) or "none: it has no ratings"
        found.append(PathProblem("C708", f"no rating band '{expect.rating}' in questionnaire "
                                 f"'{q.id}' (bands: {bands})", (*at, "expect", "rating")))
    flag_ids = {f.id for f in q.flags}
    for number, flag in enumerate(expect.flags or []):
        if flag not in flag_ids:
            found.append(PathProblem("C708", f"no flag '{flag}' in questionnaire '{q.id}'",
                                     (*at, "expect", "flags", number)))
    return found


def _unmet(case: Case, at: DataPath, result: ScoreResult) -> list[PathProblem]:
    """One C709 per expectation not met, at its key, with what the case gave instead."""
    expect, given = case.expect, case.expect.model_fields_set
    raised = [f.id for f in result.flags]
    outcome = f"score {_figure(result.total)}; flags: {', '.join(raised) or 'none'}"
    misses: list[tuple[str, str]] = []
    if expect.rating != result.rating:
        misses.append(("rating", f"expected rating {_figure(expect.rating)}, got "
                                 f"{_figure(result.rating)} ({outcome})"))
    if expect.flags is not None and set(expect.flags) != set(raised):
        missing = [f for f in expect.flags if f not in raised]
        extra = [f for f in raised if f not in expect.flags]
        detail = "; ".join(part for part in (
            f"not raised: {', '.join(missing)}" if missing else "",
            f"not expected: {', '.join(extra)}" if extra else "") if part)
        misses.append(("flags", f"expected flags {', '.join(expect.flags) or 'none'}, got "
                                f"{', '.join(raised) or 'none'} ({detail}; rating "
                                f"{_figure(result.rating)})"))
    if "score" in given and expect.score != result.total:
        misses.append(("score", f"expected score {_figure(expect.score)}, got "
                                f"{_figure(result.total)} (rating {_figure(result.rating)})"))
    if expect.provisional is not None and expect.provisional != result.provisional:
        misses.append(("provisional", f"expected provisional {str(expect.provisional).lower()}"
                                      f", got {str(result.provisional).lower()} ({outcome})"))
    return [PathProblem("C709", f"case '{case.name}': {message}", (*at, "expect", key),
                        at_key=True) for key, message in misses]


def _figure(value: Any) -> str:
    return "null" if value is None else str(value)
