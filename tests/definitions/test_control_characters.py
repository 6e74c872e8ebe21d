"""The one rule for control characters (issue 13, item 6), and questionnaire texts that
spell one as a YAML escape. shared/security.md R9: bad input never gives a 500."""

from __future__ import annotations

import pytest

from tests.conftest import FIRST_QUESTION_LINE as L
from tests.conftest import questionnaire_yaml
from webapp.definitions import check_text
from webapp.definitions.characters import (
    ControlCharacter,
    control_character,
    control_in,
    control_message,
    require_plain,
    without_control,
)

REFUSED = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                            *range(0x7F, 0xA0)]] + ["\ud800", "\udfff"]


@pytest.mark.parametrize("char", REFUSED)
def test_c0_del_c1_and_lone_surrogates_are_refused_everywhere(char):
    """R9: refused in one line and in several lines alike."""
    assert control_character(f"a{char}b") == char
    assert control_character(f"a{char}b", multiline=True) == char
    assert without_control(f"a{char}b") == "ab"


def test_tab_and_line_breaks_only_in_text_of_several_lines():
    """R9: a textarea keeps tabs and line breaks; a one-line field refuses them."""
    for char in "\t\n\r":
        assert control_character(f"a{char}b", multiline=True) is None
        assert control_character(f"a{char}b") == char
    assert control_character("Åhléns – ”citat” 𝔘 \u00a0 \u200b ＝") is None  # all text


def test_values_from_json_are_walked_keys_and_all():
    """R9: an answer from JSON may nest; every text in it, keys too, is looked at."""
    assert control_in([{"company": "A"}, {"x\x00": "b"}]) == "\x00"
    assert control_in({"a": ["b", "c\x1b"]}) == "\x1b"
    assert control_in([1, 2.5, None, True]) is None
    with pytest.raises(ControlCharacter) as refused:
        require_plain("Se bilagan\x00", multiline=True)
    assert refused.value.char == "\x00"


def test_the_message_names_the_character_in_each_language():
    assert control_message("\t", "sv").startswith("Ta bort tecknet (tabb) ur fältet")
    assert control_message("\n", "en").startswith("Remove the character (line break) from "
                                                  "the field")
    assert control_message("\x00", "sv", "Namn").startswith("Ta bort tecknet (U+0000) ur "
                                                            "”Namn”, det kan inte sparas.")


def test_a_yaml_escape_that_spells_a_control_character_is_s205_at_its_place():
    """R9 and S13: `"\\u0000"` in a questionnaire text would be stored with the version
    and refused by PostgreSQL; it is a coded error at its line and column instead."""
    text = questionnaire_yaml('- {id: name, type: text, label: "Namn\\u0000"}')
    problems = check_text(text).problems
    assert [(p.code, p.line) for p in problems] == [("S205", L)]
    assert "control character (U+0000)" in problems[0].message
    fine = questionnaire_yaml('- {id: name, type: text, label: "Namn\\tnamn\\n"}')
    assert check_text(fine).problems == []
