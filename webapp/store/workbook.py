"""The XLSX export of a campaign: responses, one sheet per table question, flags, grades,
and the options with their codes.

The workbook is for people reading it in Excel. Every sheet starts with two header
rows: the columns' texts in the chosen language, then their stable codes (the column
names of the CSV files). Both rows and the response and supplier columns are frozen,
and the filter sits on the code row. Cells are typed: numbers are numbers (the score
with one decimal), days are dates and the submission moment is a date and time in the
buyer's local time (Excel has no time zones, so the header names the clock). Chosen
options, statuses, ratings and decisions are shown as their labels; the `options`
sheet lists every option's code beside its label, so the codes are never lost.

openpyxl's write-only mode streams each sheet to disk as rows are appended, so one
pass over the responses (`exports.export_rows`) fills every sheet and memory stays flat
whatever the size of the campaign. Freezing, column widths and header styles are set
before the first row (write-only mode writes them first); the filter's range is set
when the rows are known. Cells are made safe as in the CSV export (S14); characters
that XML cannot hold are dropped first, so what is left is what is checked.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from ..definitions.fields import text_in
from ..formats import DEFAULT_TIMEZONE
from .dialects import moment_in, zone_label
from .exports import (
    FIXED,
    campaign_questionnaire,
    column_texts,
    export_rows,
    headers,
    labels,
    main_cells,
    safe,
)
from .models import Campaign

SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet name
#: a table sheet's fixed columns (dotted: a column id never holds a dot)
TABLE_HEADERS = ["response.id", "supplier.name", "row.number"]
FLAG_HEADERS = ["response.id", "supplier.name", "flag", "severity", "message", "questions"]
GRADE_HEADERS = ["response.id", "supplier.name", "question", "points", "comment",
                 "clarification"]
OPTION_HEADERS = ["question", "question.text", "option", "option.label"]
#: the texts of the other sheets' fixed columns, by language
TEXTS = {
    "sv": {"row.number": "Rad", "flag": "Flagga", "severity": "Allvarlighet",
           "message": "Meddelande", "questions": "Frågor", "question": "Fråga",
           "points": "Poäng", "comment": "Kommentar", "clarification": "Begärd komplettering",
           "question.text": "Frågetext", "option": "Svarsalternativ (kod)",
           "option.label": "Svarsalternativ"},
    "en": {"row.number": "Row", "flag": "Flag", "severity": "Severity", "message": "Message",
           "questions": "Questions", "question": "Question", "points": "Points",
           "comment": "Comment", "clarification": "Clarification requested",
           "question.text": "Question text", "option": "Option (code)",
           "option.label": "Option"},
}
SEVERITIES = {"red": {"sv": "Röd", "en": "Red"}, "amber": {"sv": "Gul", "en": "Amber"}}
#: the kind of a question's first export column, by question type (else plain)
KINDS = {"date": "date", "number": "number", "textarea": "long"}
#: per column kind: its number format and its width in characters
FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "score": "0.0"}
WIDTHS = {"datetime": 17, "date": 12, "long": 50}
BOLD, CODE = Font(bold=True), Font(italic=True, color="595959")


def xlsx_cell(value: Any) -> Any:
    """A value for a write-only sheet: text cleaned of XML-illegal characters, then safe."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe(value)


class Sheet:
    """A write-only sheet with two frozen header rows, typed cells and a filter."""

    def __init__(self, book: Workbook, name: str, texts: list[str], codes: list[str],
                 kinds: list[str | None], zone: str):
        self.sheet, self.kinds, self.zone, self.rows = book.create_sheet(name), kinds, zone, 2
        self.sheet.freeze_panes = "C3"  # both header rows, the response and its supplier
        for number, (text, code, kind) in enumerate(zip(texts, codes, kinds, strict=True), 1):
            width = WIDTHS.get(kind or "") or min(max(len(text), len(code), 6) + 2, 40)
            self.sheet.column_dimensions[get_column_letter(number)].width = width
        self.sheet.append([self._styled(text, BOLD) for text in texts])
        self.sheet.append([self._styled(code, CODE) for code in codes])

    def _styled(self, value: Any, font: Font | None = None, number_format: str | None = None
                ) -> Any:
        if font is None and number_format is None:
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if font is not None:
            cell.font = font
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def _typed(self, value: Any, kind: str | None) -> Any:
        if isinstance(value, datetime):
            return self._styled(moment_in(value, self.zone), number_format=FORMATS["datetime"])
        if kind == "date" and isinstance(value, str):
            try:
                return self._styled(date.fromisoformat(value), number_format=FORMATS["date"])
            except ValueError:
                pass  # typed before dates were checked: kept as the supplier wrote it
        if kind == "score" and isinstance(value, int | float):
            return self._styled(value, number_format=FORMATS["score"])
        return xlsx_cell(value)

    def append(self, cells: list[Any]) -> None:
        self.sheet.append([self._typed(cell, kind)
                           for cell, kind in zip(cells, self.kinds, strict=False)])
        self.rows += 1

    def close(self) -> None:
        """The filter over the code row and every row below it."""
        self.sheet.auto_filter.ref = f"A2:{get_column_letter(len(self.kinds))}{self.rows}"


def _kinds(question: Any) -> list[str | None]:
    columns = question.export_columns()
    return [KINDS.get(question.type), *[None] * (len(columns) - 1)] if columns else []


def _sheet_names(ids: list[str]) -> dict[str, str]:
    """A unique sheet name for each table id, within Excel's 31 characters."""
    taken = {"responses", "flags", "grades", "options"}
    names: dict[str, str] = {}
    for table_id in ids:
        name, n = table_id[:SHEET_NAME_LIMIT], 1
        while name.lower() in taken:
            n += 1
            suffix = f"~{n}"
            name = table_id[:SHEET_NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.lower())
        names[table_id] = name
    return names


def _fixed_texts(codes: list[str], lang: str) -> list[str]:
    words = TEXTS.get(lang, TEXTS["en"])
    return [words[code] if code in words else FIXED[code].get(lang, FIXED[code]["en"])
            for code in codes]


def write_xlsx(session: Session, campaign: Campaign, target: str | Path | IO[bytes],
               lang: str = "en", zone: str = DEFAULT_TIMEZONE) -> None:
    """Write the campaign's workbook to `target` (a path or a binary file), its texts in
    `lang` and its moments in the local time of `zone`."""
    q = campaign_questionnaire(session, campaign)
    fallback = q.default_language
    book = Workbook(write_only=True)
    fixed_kinds = {"response.submitted_at": "datetime", "response.score": "score",
                   "response.rating_set_by_reviewer": "long"}
    responses = Sheet(book, "responses", labels(q, lang, zone_label(zone, lang)),
                      headers(q), [*(fixed_kinds.get(k) for k in FIXED),
                                   *(k for question in q.answerable() for k in _kinds(question))],
                      zone)
    tables = list(q.tables())
    names = _sheet_names([t.id for t in tables])
    table_sheets = {
        table.id: Sheet(book, names[table.id],
                        [*_fixed_texts(TABLE_HEADERS, lang),
                         *(t for c in table.columns for t in column_texts(c, lang, fallback))],
                        [*TABLE_HEADERS, *table.row_columns()],
                        [None, None, None, *(k for c in table.columns for k in _kinds(c))], zone)
        for table in tables}
    flags = Sheet(book, "flags", _fixed_texts(FLAG_HEADERS, lang), FLAG_HEADERS,
                  [None, None, None, None, "long", None], zone)
    grades = Sheet(book, "grades", _fixed_texts(GRADE_HEADERS, lang), GRADE_HEADERS,
                   [None, None, None, "number", "long", "long"], zone)
    messages = {f.id: text_in(f.message, lang, fallback) for f in q.flags}

    for row in export_rows(session, campaign):
        responses.append(main_cells(q, row, lang))
        files = row.file_names
        for table in tables:
            for number, cells in enumerate(table.export_rows(row.answers, files, lang), 1):
                table_sheets[table.id].append([row.response_id, row.supplier, number, *cells])
        for flag in row.flags:
            severity = SEVERITIES.get(flag["severity"], {}).get(lang, flag["severity"])
            flags.append([row.response_id, row.supplier, flag["id"], severity,
                          messages.get(flag["id"]), ", ".join(flag.get("questions", []))])
        for question_id, points, comment, clarification in row.grades:
            grades.append([row.response_id, row.supplier, question_id, points, comment,
                           clarification])
    for sheet in (responses, *table_sheets.values(), flags, grades):
        sheet.close()
    _options_sheet(book, q, lang, zone)
    book.save(target)


def _options_sheet(book: Workbook, q: Any, lang: str, zone: str) -> None:
    """Every option of every question (and table column) with its code and its label."""
    sheet = Sheet(book, "options", _fixed_texts(OPTION_HEADERS, lang), OPTION_HEADERS,
                  [None, "long", None, "long"], zone)
    for question in q.answerable():
        for asked, code in ([(c, f"{question.id}.{c.id}") for c in question.columns]
                            if question.type == "table" else [(question, question.id)]):
            for value in asked.option_values() or ():
                sheet.append([code, text_in(asked.label, lang, q.default_language), value,
                              asked.option_text(value, lang, q.default_language)])
    sheet.close()
