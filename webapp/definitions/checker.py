"""The checker: YAML text in, a questionnaire and every coded problem out.

Three passes, each reporting all it finds: reading the YAML (`Y1xx`), the structure
through the pydantic models (`S2xx`, and `E500` for condition syntax), then the
meaning: ids, constraints, translations, conditions and scoring (`Q`, `T`, `E`, `P`).
After structure errors the meaning checks still run, on a copy patched around them
(see `recovery`), so one run of the checker lists every mistake it can.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .cases import case_file_of, check_cases_file, is_case_file, questionnaire_file_of
from .meaning import semantic_problems
from .models import Questionnaire
from .problems import DefinitionError, PathProblem, Problem
from .recovery import recover
from .structure import from_pydantic
from .yamlsource import YamlError, load, placed_problems


@dataclass(frozen=True)
class CheckResult:
    """What checking one file found: the questionnaire if it is clean, and the problems.

    For a case file (`<stem>.cases.yaml`) `questionnaire` is None and `cases` counts
    its cases."""

    file: str
    questionnaire: Questionnaire | None
    problems: list[Problem]
    cases: int | None = None  # a case file's number of cases; None for a questionnaire

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
        errors = exc.errors()
        found = _unique([from_pydantic(err, data, smap) for err in errors])
        recovered = recover(data, errors)
        if recovered is not None:
            found += [p for p in semantic_problems(recovered.questionnaire,
                                                   frozenset(recovered.unknown))
                      if recovered.keeps(p.path, p.code)]
        return CheckResult(file, None, placed_problems(found, smap, file))
    found = semantic_problems(questionnaire)
    return CheckResult(file, None if found else questionnaire, placed_problems(found, smap, file))


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


def _unique(found: list[PathProblem]) -> list[PathProblem]:
    seen: set[tuple] = set()
    out = []
    for item in found:
        key = (item.path, item.code, item.message)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# -------------------------------------------------------------- many files


def check_paths(paths: list[str | Path], *, cases: bool = True) -> list[CheckResult]:
    """Check every .yaml/.yml file under the given files and folders.

    Also reports a questionnaire id used by two files (Q300 in the second). A file
    named `<stem>.cases.yaml` is never read as a questionnaire: with `cases` its test
    cases are run against `<stem>.yaml` (checked too, even when not named), and so are
    those beside each questionnaire checked; without `cases` (the web app's catalogue)
    case files are skipped.
    """
    files: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            files += sorted(p for p in item.rglob("*") if p.suffix in (".yaml", ".yml")
                            and p.is_file())
        else:
            files.append(item)
    questionnaires = [f for f in files if not is_case_file(f)]
    case_files = [f for f in files if is_case_file(f)] if cases else []
    if cases:
        case_files += [c for c in map(case_file_of, questionnaires)
                       if c is not None and c not in case_files]
        questionnaires += [q for q in map(questionnaire_file_of, case_files)
                           if q.is_file() and q not in questionnaires]
    results = []
    seen: dict[str, str] = {}
    for file in questionnaires:
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
    by_file = {Path(r.file): r for r in results}
    for file in case_files:
        results.append(_check_cases(file, by_file))
    return results


def _check_cases(file: Path, questionnaires: dict[Path, CheckResult]) -> CheckResult:
    """A case file's result: its problems and its number of cases (`questionnaire` None)."""
    if not file.exists():
        return CheckResult(str(file), None, [Problem(1, 1, "Y100", "no such file", str(file))],
                           cases=0)
    target = questionnaire_file_of(file)
    owner = questionnaires.get(target)
    present = owner is not None and target.is_file()
    problems, count = check_cases_file(file, owner.questionnaire if owner else None,
                                       str(target) if present else None)
    return CheckResult(str(file), None, problems, cases=count)


def _line_of_id(file: Path) -> tuple[int, int]:
    _, smap = load(file.read_text(encoding="utf-8"))
    place = smap.place(("id",))
    return (place.line + 1, place.column + 1) if place else (1, 1)
