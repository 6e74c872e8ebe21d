"""Questionnaire test cases: read strictly, run through the scoring, reported at their line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, questionnaire_yaml
from webapp.definitions import CODES, Catalogue, check_paths, check_text
from webapp.definitions.cases import CaseFile, check_cases_text
from webapp.definitions.yamlsource import load

#: a small questionnaire with every kind of flag rule: red, amber, a named band, `none`
SCORED = questionnaire_yaml("""\
    - id: role
      type: choice
      label: Role
      options:
        - {value: maker, label: Maker, points: 2}
        - {value: seller, label: Seller, points: 0}
    - {id: fees, type: yesno, label: Fees, points: {yes: 0, no: 2}}
    - id: tiers
      type: table
      label: Tiers
      columns:
        - {id: country, type: country, label: Country}
        - {id: region, type: region, country: country, label: Region}
    - {id: hours, type: number, label: Hours, min: 0, max: 168}
    - {id: story, type: textarea, label: Story, rubric: process}
    - {id: remedy, type: textarea, label: Remedy, rubric: process, show_if: fees == "yes"}
    """, tail="""\
    rubrics:
      process:
        levels: [{points: 0, label: No}, {points: 2, label: Some}, {points: 4, label: Good}]
    ratings:
      - {id: low, label: Low, min_score: 75}
      - {id: medium, label: Medium, min_score: 45}
      - {id: high, label: High, min_score: 0}
    flags:
      - {id: fees_paid, severity: red, when: fees == "yes", message: Fees}
      - {id: xinjiang, severity: red, when: 'any(tiers, region == "CN-XJ")', message: X}
      - {id: long_hours, severity: amber, when: hours > 60, message: Hours}
      - {id: very_long_hours, severity: amber, when: hours > 72, message: H, rating: high}
      - {id: reseller, severity: red, when: role == "seller", message: S, rating: none}
    """)

PASSING = """\
questionnaire: t
base:
  answers:
    role: maker
    fees: "no"
    hours: 48
    tiers: [{country: MY, region: MY-10}]
  grades: {story: 4}
cases:
  - name: Best answers
    expect: {rating: low, flags: [], score: 100.0, provisional: false}
  - name: Fees paid
    answers: {fees: "yes"}
    expect:
      rating: high
      flags: [fees_paid]
      score: 66.7
      provisional: true
  - name: Long hours keep it out of low
    answers: {hours: 65}
    expect: {rating: medium, flags: [long_hours]}
  - name: Very long hours name a band
    answers: {hours: 80}
    expect: {rating: high, flags: [long_hours, very_long_hours]}
  - name: A flag without effect on the rating
    answers: {role: seller}
    expect: {rating: medium, flags: [reseller], score: 66.7}
  - name: A tier in Xinjiang
    answers: {tiers: [{country: CN, region: CN-XJ}, {country: MY, region: MY-10}]}
    expect: {rating: high, flags: [xinjiang]}
  - name: Grades change the score, and null removes one
    grades: {story: 2}
    expect: {rating: low, score: 83.3}
  - name: Ungraded
    grades: {story: null}
    expect: {rating: low, score: 100.0, provisional: true}
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing `needle`."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth - 1]


def run(text: str, questionnaire: str = SCORED):
    q = check_text(questionnaire).questionnaire
    assert q is not None
    return check_cases_text(text, "t.cases.yaml", q, "t.yaml")


def test_a_passing_file_has_no_problems():
    problems, count = run(PASSING)
    assert [p.format() for p in problems] == []
    assert count == 8


def test_a_failing_case_is_reported_at_its_expect_line():
    text = PASSING.replace("expect: {rating: medium, flags: [long_hours]}",
                           "expect: {rating: low, flags: [long_hours]}")
    text = text.replace("      flags: [fees_paid]\n", "      flags: [xinjiang]\n")
    problems, _ = run(text)
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("C709", line_of(text, "flags: [xinjiang]"), 7,
         "case 'Fees paid': expected flags xinjiang, got fees_paid (not raised: xinjiang; "
         "not expected: fees_paid; rating high)"),
        ("C709", line_of(text, "expect: {rating: low, flags: [long_hours]}"), 14,
         "case 'Long hours keep it out of low': expected rating low, got medium "
         "(score 100.0; flags: long_hours)"),
    ]
    assert problems[1].format().startswith(f"t.cases.yaml:{problems[1].line}:14: C709 ")


def test_score_and_provisional_are_compared_when_written():
    text = PASSING.replace("      score: 66.7\n      provisional: true\n",
                           "      score: 60\n      provisional: false\n")
    problems, _ = run(text)
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("C709", line_of(text, "score: 60"),
         "case 'Fees paid': expected score 60.0, got 66.7 (rating high)"),
        ("C709", line_of(text, "      provisional: false"),
         "case 'Fees paid': expected provisional false, got true (score 66.7; flags: "
         "fees_paid)"),
    ]


CASE_HEAD = "questionnaire: t\ncases:\n"

# code -> (case file text, the line where it is reported, a word of the message)
CODE_CASES = {
    "C700": (CASE_HEAD + "  - name: A\n    colour: red\n    expect: {rating: low}\n", 4,
             "unknown key 'colour'"),
    "C701": (CASE_HEAD + "  - name: A\n    expect: {flags: []}\n", 4, "'rating'"),
    "C702": (CASE_HEAD + "  - name: A\n    expect: {rating: low, provisional: maybe}\n", 4,
             "true or false"),
    "C703": ("questionnaire: gloves\n" + PASSING.split("\n", 1)[1], 1, "'gloves'"),
    "C704": (CASE_HEAD + "  - {name: A, expect: {rating: low}}\n"
             "  - {name: A, expect: {rating: low}}\n", 4, "used twice"),
    "C705": (CASE_HEAD + "  - name: A\n    answers: {rol: maker}\n    expect: {rating: low}\n",
             4, "did you mean 'role'?"),
    "C706": (CASE_HEAD + "  - name: A\n    answers:\n      tiers: [{country: SE, region: CN-XJ}]"
             "\n    expect: {rating: low}\n", 5, "row 1, column 'region'"),
    "C707": (CASE_HEAD + "  - name: A\n    grades: {story: 3}\n    expect: {rating: low}\n", 4,
             "levels: 0, 2, 4"),
    "C708": (CASE_HEAD + "  - name: A\n    expect: {rating: severe, flags: [forced]}\n", 4,
             "no rating band 'severe'"),
    "C709": (CASE_HEAD + "  - name: A\n    expect: {rating: medium}\n", 4,
             "expected rating medium, got high"),
}


@pytest.mark.parametrize("code", sorted(CODE_CASES))
def test_case_code_is_reported_at_its_line(code):
    text, line, words = CODE_CASES[code]
    problems, _ = run(text)
    assert any(p.code == code and p.line == line and words in p.message for p in problems), \
        [p.format() for p in problems]


def test_every_case_code_has_a_test():
    assert set(CODE_CASES) == {c for c in CODES if c.startswith("C")}


def test_structure_errors_are_placed_and_strict_yaml_applies():
    text = CASE_HEAD + textwrap.dedent("""\
          - name: A
            expect: {rating: low}
            answers: {role: maker}
            answers: {role: seller}
        """)
    problems, count = run(text)
    assert [(p.code, p.line) for p in problems] == [("Y101", 6)] and count == 0
    text = "questionnaire: t\nbase: {answers: &a {role: maker}}\ncases: []\n"
    assert [p.code for p in run(text)[0]] == ["Y102"]
    problems, _ = run("questionnaire: t\ncases: []\n")
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("C702", 2, "needs at least 1 item")]
    assert [p.code for p in run("- just a list\n")[0]] == ["C702"]


def test_a_bad_base_answer_is_reported_once_at_the_base():
    text = PASSING.replace("    hours: 48\n", "    hours: 200\n")
    problems, _ = run(text)
    assert [(p.code, p.line) for p in problems] == [("C706", line_of(text, "hours: 200"))]
    assert "answer to 'hours' is 200: The value must be 168 or less." in problems[0].message


def test_a_case_answer_overrides_the_base_and_is_placed_in_the_case():
    text = PASSING.replace("answers: {hours: 65}", "answers: {hours: sixty}")
    problems, _ = run(text)
    assert [(p.code, p.line, p.column) for p in problems] == [
        ("C706", line_of(text, "hours: sixty"), 22)]


def test_answers_to_hidden_questions_are_dropped_as_at_submission():
    """`remedy` is shown only when fees were paid: its answer and grade then count."""
    text = PASSING.replace("    answers: {fees: \"yes\"}\n",
                           "    answers: {fees: \"yes\", remedy: Repaid}\n    grades: "
                           "{remedy: 4}\n").replace("score: 66.7\n      provisional: true",
                                                    "score: 75.0\n      provisional: false")
    text = text.replace("    grades: {story: 2}\n", "    grades: {story: 2, remedy: 0}\n")
    assert run(text)[0] == []


# ------------------------------------------------------------- the checker and catalogue


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_check_paths_runs_case_files_against_their_questionnaire(tmp_path):
    failing = PASSING.replace("expect: {rating: medium, flags: [long_hours]}",
                              "expect: {rating: low, flags: [long_hours]}")
    folder = write(tmp_path / "q", {"t.yaml": SCORED, "t.cases.yaml": failing})
    results = check_paths([folder])
    assert [(Path(r.file).name, r.questionnaire is not None, r.cases) for r in results] == [
        ("t.yaml", True, None), ("t.cases.yaml", False, 8)]
    [problem] = results[1].problems
    assert problem.format() == (
        f"{folder}/t.cases.yaml:{line_of(failing, 'rating: low, flags: [long')}:14: C709 "
        "case 'Long hours keep it out of low': expected rating low, got medium "
        "(score 100.0; flags: long_hours)")
    # naming either file checks both
    for named in ("t.yaml", "t.cases.yaml"):
        results = check_paths([folder / named])
        assert sorted(Path(r.file).name for r in results) == ["t.cases.yaml", "t.yaml"]


def test_a_case_file_needs_its_questionnaire(tmp_path):
    folder = write(tmp_path / "q", {"other.cases.yaml": PASSING})
    [result] = check_paths([folder])
    assert [(p.code, p.line, p.message) for p in result.problems] == [
        ("C703", 1, "no questionnaire other.yaml beside this case file")]


def test_cases_of_a_broken_questionnaire_are_not_run(tmp_path):
    broken = SCORED.replace("label: Role", "lable: Role")
    folder = write(tmp_path / "q", {"t.yaml": broken, "t.cases.yaml": PASSING})
    results = check_paths([folder])
    assert results[0].problems and results[1].problems == []


def test_the_catalogue_never_takes_a_case_file_for_a_questionnaire(tmp_path):
    folder = write(tmp_path / "q", {"t.yaml": SCORED, "t.cases.yaml": "not: [valid",
                                    "u.cases.yaml": PASSING})
    catalogue = Catalogue.load(folder)
    assert list(catalogue.questionnaires) == ["t"] and catalogue.failed == []


def test_the_readme_example_is_a_valid_case_file():
    readme = (ROOT / "questionnaires" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# yaml-language-server: \$schema=\.\./schemas/cases"
                      r"\.schema\.json\n.*?)```", readme, re.S).group(1)
    data, _ = load(block)
    assert CaseFile.model_validate(data).cases[1].expect.flags == ["fees_not_repaid"]
