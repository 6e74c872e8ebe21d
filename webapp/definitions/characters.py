"""Characters that no text we store may hold: control characters and lone surrogates.

PostgreSQL cannot store a NUL (U+0000) in text or JSON, and SQLite can, so without a
check the same answer is a 500 on one database and silently kept on the other. Other
control characters are invisible on a page and in a spreadsheet, and a lone surrogate
cannot even be written out as UTF-8. So every text that comes in (answers, table cells,
comments, names, CSV cells, filters) is checked here, the same way on both databases:

* C0 controls (U+0000 to U+001F), DEL and the C1 controls (U+007F to U+009F) and lone
  surrogates (U+D800 to U+DFFF) are refused;
* except tab, line feed and carriage return in text of several lines (a textarea).

A file's name is the one text where refusing makes no sense: the name is only a label,
so `without_control` strips such characters from it instead.

Pure Python: used by the answer validation, the stores and the web forms alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_REFUSED = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_IN_LINE = re.compile(f"[{_REFUSED}]")  # one line: tab and line breaks are refused too
_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

#: how a message names the characters a reader may know; others by their code point
NAMES = {"\t": {"sv": "tabb", "en": "tab"},
         "\n": {"sv": "radbrytning", "en": "line break"},
         "\r": {"sv": "radbrytning", "en": "line break"}}
#: what to do, naming the field; `MESSAGE_HERE` where the place is said already (a cell)
MESSAGE = {
    "sv": "Ta bort tecknet ({char}) ur ”{field}”, det kan inte sparas. Det hjälper ofta "
          "att skriva in texten i stället för att klistra in den.",
    "en": "Remove the character ({char}) from “{field}”; it cannot be saved. It often "
          "helps to type the text instead of pasting it.",
}
MESSAGE_HERE = {
    "sv": "Ta bort tecknet ({char}) ur fältet, det kan inte sparas. Det hjälper ofta att "
          "skriva in texten i stället för att klistra in den.",
    "en": "Remove the character ({char}) from the field; it cannot be saved. It often "
          "helps to type the text instead of pasting it.",
}


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first refused character of `text`, or None when the text may be stored."""
    found = (_IN_LINES if multiline else _IN_LINE).search(text)
    return found.group() if found else None


class ControlCharacter(ValueError):
    """A text holds a refused character; `char` is the first one."""

    def __init__(self, char: str):
        self.char = char
        super().__init__(f"the text holds a control character ({character_name(char, 'en')})")


def require_plain(text: str | None, *, multiline: bool = False) -> None:
    """Raise ControlCharacter when `text` holds a refused character (for the stores)."""
    found = control_character(text, multiline=multiline) if text else None
    if found:
        raise ControlCharacter(found)


def control_in(value: Any, *, multiline: bool = False) -> str | None:
    """The first refused character anywhere in a value: a text, or the texts (keys and
    values) of a list or mapping at any depth, as answers from JSON may be."""
    if isinstance(value, str):
        return control_character(value, multiline=multiline)
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = control_in(key) if isinstance(key, str) else None
            found = found or control_in(item, multiline=multiline)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = control_in(item, multiline=multiline)
            if found:
                return found
    return None


def character_name(char: str, lang: str) -> str:
    """How a message names a refused character: "tabb", "line break" or "U+0000"."""
    named = NAMES.get(char)
    if named:
        return named.get(lang, named["en"])
    return f"U+{ord(char):04X}"


def control_message(char: str, lang: str, field: str | None = None) -> str:
    """What to do about a refused character, in the reader's language (sv or en),
    naming the field by its label when given."""
    template = MESSAGE if field else MESSAGE_HERE
    return template.get(lang, template["en"]).format(char=character_name(char, lang),
                                                     field=field)


def without_control(text: str) -> str:
    """The text with every refused character removed (for labels such as file names)."""
    return _IN_LINE.sub("", text)
