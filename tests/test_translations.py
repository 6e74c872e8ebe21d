"""Every UI string has a Swedish translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT


def test_every_ui_string_is_translated():
    method_map = [("webapp/**.py", "python"), ("webapp/**/templates/**.html", "jinja2"),
                  ("webapp/templates/mail/**.txt", "jinja2")]
    found = {message for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map=method_map,
        keywords={"_": None, "gettext": None, "lazy_gettext": None})}
    with (ROOT / "webapp/translations/sv/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string}
    assert found and sorted(found - translated) == []
