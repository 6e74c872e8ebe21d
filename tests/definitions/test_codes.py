"""Every error code, planted in a small file, is reported with its line (and column)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIRST_QUESTION_LINE as L
from tests.conftest import HEADER, ROOT, questionnaire_yaml
from webapp.definitions import CODES, check_text

TEXT_Q = "- {id: name, type: text, label: {sv: Namn, en: Name}}"
COUNTRY_Q = "- {id: land, type: country, label: {sv: Land, en: Country}}"
CHOICE_Q = """\
- id: role
  type: choice
  label: {sv: Roll, en: Role}
  options:
    - {value: maker, label: {sv: Tillverkare, en: Maker}}
    - {value: seller, label: {sv: Säljare, en: Seller}}
"""
RUBRIC = """\
rubrics:
  process:
    levels:
      - {points: 0, label: {sv: Saknas, en: Missing}}
      - {points: 3, label: {sv: Bra, en: Good}}
"""
BANDS = """\
ratings:
  - {id: low, label: {sv: Låg, en: Low}, min_score: 70}
  - {id: high, label: {sv: Hög, en: High}, min_score: 0}
"""
SECTION_END = L + 6  # the line after CHOICE_Q

# (code, yaml text, line, column or None)
CASES = [
    ("Y100", "id: [unclosed\nversion: 1\n", 2, 8),
    ("Y101", questionnaire_yaml("""\
        - id: name
          type: text
          label: {sv: Namn, en: Name}
          type: textarea
        """), L + 3, 9),
    ("Y102", questionnaire_yaml("""\
        - id: name
          type: text
          label: &shared {sv: Namn, en: Name}
        - id: other
          type: text
          label: *shared
        """), L + 2, 16),
    ("Y103", HEADER.replace("title: {sv: Test, en: Test}",
                            "title: !!python/object/apply:os.system ['echo pwned']")
     + "      " + TEXT_Q + "\n", 4, 8),
    ("Y104", "id: a\n---\nid: b\n", 2, 1),
    ("Y104", "", 1, 1),
    ("Y105", questionnaire_yaml("""\
        - id: code
          type: choice
          label: {sv: Kod, en: Code}
          options:
            - {value: 1.10, label: {sv: Ett, en: One}}
        """), L + 4, 21),
    ("S200", questionnaire_yaml("""\
        - id: name
          type: text
          label: {sv: Namn, en: Name}
          colour: red
        """), L + 3, 9),
    ("S201", questionnaire_yaml("""\
        - id: name
          type: text
        """), L, 9),
    ("S201", questionnaire_yaml("""\
        - id: name
          label: {sv: Namn, en: Name}
        """), L, 9),
    ("S202", questionnaire_yaml("""\
        - id: name
          type: text
          label: {sv: Namn, en: Name}
          required: yes
        """), L + 3, 19),
    ("S203", questionnaire_yaml("""\
        - id: name
          type: txet
          label: {sv: Namn, en: Name}
        """), L + 1, 15),
    ("S203", questionnaire_yaml("""\
        - id: role
          type: choice
          display: buttons
          label: {sv: Roll, en: Role}
          options: [{value: a, label: A}]
        """), L + 2, 18),
    ("S204", HEADER.replace("version: 1", "version: 0") + "      " + TEXT_Q + "\n", 2, 10),
    ("S205", questionnaire_yaml("- {id: Name, type: text, label: {sv: N, en: N}}"), L, 14),
    ("Q300", questionnaire_yaml(TEXT_Q, TEXT_Q), L + 1, 14),
    ("Q301", questionnaire_yaml("""\
        - id: name
          type: text
          label: {sv: Namn, en: Name}
          min_length: 10
          max_length: 5
        """), L + 3, 21),
    ("Q302", questionnaire_yaml("""\
        - id: name
          type: text
          label: {sv: Namn, en: Name}
          pattern: "[a-"
        """), L + 3, None),
    ("Q303", questionnaire_yaml("""\
        - id: name
          type: textarea
          label: {sv: Namn, en: Name}
          messages:
            pattern: {sv: Fel, en: Wrong}
        """), L + 4, 11),
    ("Q304", questionnaire_yaml("""\
        - id: when
          type: date
          label: {sv: Datum, en: Date}
          max: yesterday
        """), L + 3, 14),
    ("Q305", questionnaire_yaml(TEXT_Q, """
        - id: area
          type: region
          country: name
          label: {sv: Region, en: Region}
        """), L + 3, 18),
    ("Q306", questionnaire_yaml("""\
        - id: role
          type: choice
          other: true
          label: {sv: Roll, en: Role}
          options:
            - {value: other, label: {sv: Annat, en: Other}}
        """), L + 5, 21),
    ("Q307", questionnaire_yaml("""\
        - id: proof
          type: file
          label: {sv: Fil, en: File}
          accept: [pdf, exe]
        """), L + 3, 23),
    ("Q308", questionnaire_yaml("""\
        - id: supplier
          type: table
          label: {sv: Underleverantörer, en: Sub-suppliers}
          columns:
            - {id: name, type: text, label: {sv: Namn, en: Name}}
        """), L, 13),
    ("T400", questionnaire_yaml("- {id: name, type: text, label: {sv: Namn}}"), L, 39),
    ("T401", questionnaire_yaml("- {id: name, type: text, label: {sv: N, en: N, de: N}}"),
     L, 54),
    ("E500", questionnaire_yaml(CHOICE_Q, """\
        - id: other_role
          type: text
          label: {sv: Annan, en: Other}
          show_if: role = "maker"
        """), SECTION_END + 3, 23),
    ("E501", questionnaire_yaml(CHOICE_Q, """\
        - id: other_role
          type: text
          label: {sv: Annan, en: Other}
          show_if: rol == "maker"
        """), SECTION_END + 3, 18),
    ("E502", questionnaire_yaml(CHOICE_Q, """\
        - id: other_role
          type: text
          label: {sv: Annan, en: Other}
          show_if: role == "buyer"
        """), SECTION_END + 3, 26),
    ("E502", questionnaire_yaml(COUNTRY_Q, """
        - id: other_role
          type: text
          label: {sv: Annan, en: Other}
          show_if: land == "XX"
        """), L + 4, 26),
    ("E503", questionnaire_yaml(TEXT_Q, """
        - id: more
          type: text
          label: {sv: Mer, en: More}
          show_if: count(name) > 1
        """), L + 4, 24),
    ("E503", questionnaire_yaml(TEXT_Q, """
        - id: more
          type: text
          label: {sv: Mer, en: More}
          show_if: name
        """), L + 4, 18),
    ("E504", questionnaire_yaml("""\
        - id: first
          type: text
          label: {sv: A, en: A}
          show_if: answered(second)
        - id: second
          type: text
          label: {sv: B, en: B}
          show_if: answered(first)
        """), L + 3, 18),
    ("E505", questionnaire_yaml(TEXT_Q, """
        - id: more
          type: text
          label: {sv: Mer, en: More}
          show_if: answerd(name)
        """), L + 4, 18),
    ("P600", questionnaire_yaml("""\
        - id: story
          type: textarea
          label: {sv: Berätta, en: Tell}
          rubric: proces
        """, tail=RUBRIC), L + 3, 17),
    ("P601", questionnaire_yaml("""\
        - id: role
          type: choice
          label: {sv: Roll, en: Role}
          rubric: process
          options: [{value: a, label: A, points: 1}]
        """, tail=RUBRIC), L + 3, 17),
    ("P602", questionnaire_yaml(TEXT_Q, tail="""\
        ratings:
          - {id: low, label: {sv: Låg, en: Low}, min_score: 70}
          - {id: high, label: {sv: Hög, en: High}, min_score: 10}
        """), L + 2, 3),
    ("P603", questionnaire_yaml(TEXT_Q, tail=BANDS + """\
flags:
  - id: no_name
    severity: red
    when: not answered(name)
    message: {sv: Inget namn, en: No name}
    rating: highest
"""), L + 9, 13),
    ("P604", questionnaire_yaml("""\
        - id: audits
          type: yesno
          label: {sv: Revision, en: Audit}
          points: {yes: 2, no: 0, dont_know: 1}
        """), L + 3, 44),
]


@pytest.mark.parametrize(("code", "text", "line", "column"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_code_is_reported_at_its_place(code, text, line, column):
    result = check_text(text, "case.yaml")
    assert result.questionnaire is None
    found = [(p.code, p.line, p.column) for p in result.problems]
    assert any(c == code and ln == line for c, ln, _ in found), found
    problem = next(p for p in result.problems if p.code == code and p.line == line)
    if column is not None:
        assert problem.column == column, found
    assert problem.message and problem.file == "case.yaml"
    assert problem.format().startswith(f"case.yaml:{line}:{problem.column}: {code} ")


def test_every_code_has_a_case():
    """Questionnaire codes here; test-case codes (C7xx) in tests/definitions/test_cases.py."""
    assert {code for code, *_ in CASES} == {c for c in CODES if not c.startswith("C")}


def test_readme_documents_every_code():
    readme = (ROOT / "questionnaires" / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([A-Z]\d{3}) \| (.+?) \|$", readme, re.M))
    assert table == CODES


def test_all_errors_in_a_file_are_reported_at_once():
    text = questionnaire_yaml("""\
        - id: a
          type: text
          label: {sv: A, en: A}
          colour: red
        - id: b
          type: number
          label: {sv: B, en: B}
          min: many
        - id: c
          type: choise
          label: {sv: C, en: C}
        """)
    codes = [(p.code, p.line) for p in check_text(text).problems]
    assert codes == [("S200", L + 3), ("S202", L + 7), ("S203", L + 9)]


def test_meaning_errors_are_reported_despite_structure_errors():
    """A typo'd key, a broken question and a bad option do not hide later mistakes."""
    text = questionnaire_yaml(CHOICE_Q, """\
        - id: a
          type: text
          label: {sv: A, en: A}
          colour: red
        - id: b
          type: txet
          label: {sv: B, en: B}
        - id: c
          type: text
          label: {sv: C}
          show_if: role == "buyer" and b == 3 and answered(d)
        - id: e
          type: choice
          label: {sv: E, en: E}
          options: [{value: 1.5, label: x}, {value: ok, label: y}]
        - id: f
          type: text
          label: {sv: F, en: F}
          show_if: e == "anything" and answered(a)
        """)
    codes = [(p.code, p.line) for p in check_text(text).problems]
    assert codes == [
        ("S200", SECTION_END + 3), ("S203", SECTION_END + 5), ("T400", SECTION_END + 9),
        ("E502", SECTION_END + 10), ("E501", SECTION_END + 10), ("Y105", SECTION_END + 14),
    ]


def test_meaning_errors_are_all_reported():
    text = questionnaire_yaml(CHOICE_Q, """\
        - id: a
          type: text
          label: {sv: A}
          show_if: role == "buyer"
        - id: b
          type: text
          label: {sv: B, en: B}
          show_if: answered(c)
        """)
    codes = [(p.code, p.line) for p in check_text(text).problems]
    assert codes == [("T400", SECTION_END + 2), ("E502", SECTION_END + 3),
                     ("E501", SECTION_END + 7)]


def test_suggestions_name_the_closest_id_and_key():
    text = questionnaire_yaml("""\
        - id: name
          type: text
          lable: {sv: Namn, en: Name}
        """)
    messages = [p.message for p in check_text(text).problems]
    assert "unknown key 'lable'; did you mean 'label'?" in messages


def test_yaml_1_1_traps_keep_their_text(tmp_path: Path):
    """`NO` (Norway) and `012` stay text; `yes` is not a boolean."""
    text = questionnaire_yaml("""\
        - id: country_code
          type: choice
          label: {sv: Land, en: Country}
          options:
            - {value: NO, label: Norge}
            - {value: 012, label: Kod}
            - {value: yes, label: Ja}
        """)
    result = check_text(text)
    assert result.problems == []
    question = result.questionnaire.questions["country_code"]
    assert question.option_values() == ("NO", "012", "yes")


def test_version_with_leading_zero_is_an_error():
    result = check_text(HEADER.replace("version: 1", "version: 012") + "      " + TEXT_Q)
    assert [(p.code, p.line, p.message) for p in result.problems] == [
        ("S202", 2, "expected a whole number, not '012'")]


def test_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20))
    result = check_text(bomb)
    assert [p.code for p in result.problems] == ["Y102"]


def test_python_object_payload_is_never_constructed(tmp_path: Path):
    marker = tmp_path / "pwned"
    text = f"id: !!python/object/apply:os.system ['touch {marker}']\n"
    result = check_text(text)
    assert [p.code for p in result.problems] == ["Y103"]
    assert "!!python/object" in result.problems[0].message or "python/object" in \
        result.problems[0].message
    assert not marker.exists()


def test_not_utf8_is_reported(tmp_path: Path):
    from webapp.definitions import check_file

    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Förkläden".encode("latin-1"))
    assert [p.code for p in check_file(path).problems] == ["Y100"]
