"""Odd input never crashes the checker, and odd values are reported, not stored."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIRST_QUESTION_LINE as L
from tests.conftest import HEADER, questionnaire_yaml
from webapp.definitions import check_text
from webapp.definitions.expressions import holds, is_answered, parse
from webapp.definitions.scoring import score

TEXT_Q = "- {id: name, type: text, label: {sv: N, en: N}}"
UNKNOWN_REF = """\
- id: later
  type: text
  label: {sv: L, en: L}
  show_if: answered(nowhere)
"""


@pytest.mark.parametrize("text", [
    questionnaire_yaml("- {id: a, type: [text], label: x}"),
    questionnaire_yaml("- {id: a, type: {a: b}, label: x}"),
    questionnaire_yaml("""\
        - id: t
          type: table
          label: T
          columns: [{id: c, type: [text], label: x}]
        """),
    HEADER.replace("    questions:\n", "    questions: 5\n"),
    HEADER.replace("version: 1", "version: " + "9" * 5000) + "      " + TEXT_Q,
    "id: " + "[" * 400 + "]" * 400,
    HEADER + "      " + TEXT_Q + "\n# \ud800",
    questionnaire_yaml("- hello", "- [1, 2]", "- null"),
])
def test_odd_files_give_problems_not_exceptions(text):
    result = check_text(text)
    assert result.questionnaire is None and result.problems


@pytest.mark.parametrize("literal", ['"cn-xj"', '"Cn-Xj"'])
def test_region_codes_must_match_exactly(literal):
    text = questionnaire_yaml(f"""\
        - id: tiers
          type: table
          label: T
          columns:
            - {{id: country, type: country, label: C}}
            - {{id: region, type: region, country: country, label: R}}
        - id: x
          type: text
          label: X
          show_if: any(tiers, region == {literal})
        """)
    assert [p.code for p in check_text(text).problems] == ["E502"]


@pytest.mark.parametrize(("weight", "points", "code"), [
    ("1e999", "1", "S202"),
    ("1", "-3", "S204"),
])
def test_infinite_weights_and_negative_points_are_refused(weight, points, code):
    text = questionnaire_yaml(
        f"- {{id: c, type: choice, label: C, weight: {weight}, options: "
        f"[{{value: a, label: A, points: 2}}, {{value: b, label: B, points: {points}}}]}}")
    assert code in [p.code for p in check_text(text).problems]


def test_huge_version_is_out_of_range():
    text = HEADER.replace("version: 1", "version: 99999999") + "      " + TEXT_Q
    assert [p.code for p in check_text(text).problems] == ["S204"]


def test_multichoice_maximum_counts_an_exclusive_option():
    q = check_text(questionnaire_yaml("""\
        - id: m
          type: multichoice
          label: M
          options:
            - {value: a, label: A, points: 1}
            - {value: b, label: B, points: 1}
            - {value: none, label: N, points: 5, exclusive: true}
        """)).questionnaire
    assert q.questions["m"].max_points() == 5
    assert score(q, {"m": ["none"]}).total == 100.0


def test_column_conditions_see_top_level_answers_and_chains():
    q = check_text(questionnaire_yaml("""\
        - {id: mode, type: text, label: Mode}
        - id: tb
          type: table
          label: T
          columns:
            - {id: a, type: text, label: A, show_if: b == "x"}
            - {id: b, type: text, label: B, show_if: c == "y"}
            - {id: c, type: text, label: C}
            - {id: d, type: text, label: D, show_if: mode == "full"}
        """, tail="""\
        flags:
          - {id: bad, severity: red, when: 'any(tb, d == "bad")', message: Bad}
        """)).questionnaire
    result = score(q, {"mode": "full", "tb": [{"a": "A", "b": "x", "c": "no", "d": "bad"}]})
    assert [f.id for f in result.flags] == ["bad"]
    from webapp.definitions.scoring import visibility

    [row] = visibility(q, {"tb": [{"a": "A", "b": "x", "c": "no"}]}).answers["tb"]
    assert row == {"a": None, "b": None, "c": "no", "d": None}


def test_deep_answers_do_not_break_evaluation():
    deep = json.loads("[" * 600 + "]" * 600)
    assert is_answered(deep) is False
    assert holds(parse("answered(q)"), {"q": deep}) is False
    assert holds({"ref": ["x"]}, {"x": 1}) is False


def test_structure_errors_keep_meaning_errors_of_other_parts():
    text = questionnaire_yaml(
        "- {id: a, type: text, text: x}", UNKNOWN_REF, tail="""\
        rubrics:
          Bad:
            levels: [{points: 0, label: x}, {points: 1, label: y}]
        """)
    problems = [(p.code, p.line, p.column) for p in check_text(text).problems]
    assert ("S200", L, 29) in problems  # `text` is an unknown key of a text question
    assert ("E501", L + 4, 27) in problems
    assert ("S205", L + 7, 5) in problems  # the rubric name


def test_an_unreadable_table_does_not_make_its_columns_unknown():
    text = questionnaire_yaml("""\
        - id: tb
          type: table
          colums: [{id: c, type: country, label: C}]
          label: T
        - id: x
          type: text
          label: X
          show_if: any(tb, c == "CN")
        """)
    codes = [p.code for p in check_text(text).problems]
    assert "S200" in codes and "E501" not in codes


def test_columns_of_errors_in_quoted_text_with_escapes():
    text = questionnaire_yaml(
        "- {id: role, type: text, label: R}",
        '- {id: x, type: text, label: X, show_if: "role == \\"maker\\" and rolex == \\"a\\""}')
    [problem] = check_text(text).problems
    line = text.splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith("rolex")


def test_a_column_cannot_be_a_table_and_literals_read_as_written():
    text = questionnaire_yaml("""\
        - id: t
          type: table
          label: T
          columns: [{id: c, type: table, label: C}]
        - {id: yn, type: yesno, label: Y}
        - {id: z, type: text, label: Z, show_if: yn == true}
        """)
    messages = [p.message for p in check_text(text).problems]
    assert "a table column cannot be a table" in messages
    text = questionnaire_yaml("- {id: yn, type: yesno, label: Y}",
                              "- {id: z, type: text, label: Z, show_if: yn == true}")
    assert any("true" in m and "True" not in m for m in
               [p.message for p in check_text(text).problems])
