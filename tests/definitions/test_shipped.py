"""The shipped questionnaires: clean, bilingual, valid under the JSON Schema, and a
mistake planted anywhere in them is reported at its line."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from tests.conftest import ROOT, SHIPPED
from webapp.definitions import check_paths, check_text
from webapp.definitions.json_schema import SCHEMA_FILE, render_schema
from webapp.definitions.questions import TableQuestion
from webapp.definitions.yamlsource import load

EXPECTED = {"ppe-masks-aprons", "gloves", "it-hardware"}
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/questionnaire.schema.json"


def test_the_three_questionnaires_are_shipped():
    results = check_paths([ROOT / "questionnaires"])
    assert {r.questionnaire.id for r in results if r.questionnaire} == EXPECTED
    assert all(r.ok for r in results), [p.format() for r in results for p in r.problems]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_file_is_complete(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    q = check_text(text, str(path)).questionnaire
    assert q is not None and q.languages == ["sv", "en"] and path.stem == q.id
    assert len(q.questions) >= 40
    assert any(isinstance(x, TableQuestion) for x in q.questions.values())
    assert {f.severity for f in q.flags} == {"red", "amber"}
    assert any(f.severity == "red" and q.flag_band(f) == q.risk_bands[-1] for f in q.flags)
    assert q.rubrics and len(q.ratings) >= 3
    assert any(x.show_if is not None for x in q.questions.values())
    assert any("any(" in f.when.source for f in q.flags)


def test_schema_file_is_current():
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == render_schema()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_schema_accepts_shipped_file(path):
    schema = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    data, _ = load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    data["sections"][0]["questions"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def _plant(text: str, line_no: int, line: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line_no - 1] = line
    return "".join(lines)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_planted_mistakes_are_reported_at_their_line(path):
    """Every `type:` line, every `show_if:` and every `when:` line, spoiled one at a time."""
    text = path.read_text(encoding="utf-8")
    planted = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        m = re.match(r"^(\s*(?:- )?)type: (\w+)\s*$", line)
        if m:
            spoiled = _plant(text, number, f"{m.group(1)}type: {m.group(2)}x\n")
            expected = "S203"
        elif re.match(r"^\s*(show_if|when): (?![|>])", line):
            key = line.split(":", 1)[0]
            spoiled = _plant(text, number, f"{key}: no_such_question == 1\n")
            expected = "E501"
        else:
            continue
        problems = check_text(spoiled, str(path)).problems
        assert any(p.code == expected and p.line == number for p in problems), (
            number, line, [p.format() for p in problems][:3])
        planted += 1
    assert planted >= 40


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_missing_translation_planted_in_shipped_file(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if re.match(r"^\s*en: \S", line))
    spoiled = _plant(text, number, "")
    problems = check_text(spoiled, str(path)).problems
    assert [p.code for p in problems] == ["T400"]
    assert problems[0].line in (number - 1, number - 2)


def test_readme_examples_are_valid_questions():
    """The question examples of questionnaires/README.md, put together, pass the checker."""
    readme = (ROOT / "questionnaires" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    questions = [b for b in blocks if b.startswith("- id:")]
    rubrics = next(b for b in blocks if b.startswith("rubrics:"))
    assert len(questions) >= 12
    body = "".join("      " + line + "\n" for b in questions for line in b.splitlines())
    text = ("id: readme\nversion: 1\nlanguages: [sv, en]\ntitle: {sv: R, en: R}\n"
            "sections:\n  - id: s\n    title: {sv: S, en: S}\n    questions:\n"
            + body + rubrics.replace('"..."', "x"))
    result = check_text(text)
    assert result.problems == []
