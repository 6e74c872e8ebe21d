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

from .meaning import semantic_problems
from .models import Questionnaire
from .problems import DefinitionError, PathProblem, Problem
from .recovery import recover
from .structure import from_pydantic
from .yamlsource import SourceMap, YamlError, load, place_problem


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
        errors = exc.errors()
        found = _unique([from_pydantic(err, data, smap) for err in errors])
        recovered = recover(data, errors)
        if recovered is not None:
            found += [p for p in semantic_problems(recovered.questionnaire,
                                                   frozenset(recovered.unknown))
                      if recovered.keeps(p.path, p.code)]
        return CheckResult(file, None, _placed(found, smap, file))
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
