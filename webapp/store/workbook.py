"""The XLSX export of a campaign: responses, one sheet per table question, flags, grades.

openpyxl's write-only mode streams each sheet to disk as rows are appended, so one
pass over the responses (`exports.export_rows`) fills every sheet and memory stays flat
whatever the size of the campaign. Cells are made safe as in the CSV export (S14);
characters that XML cannot hold are dropped first, so what is left is what is checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import Session

from ..definitions.fields import text_in
from .exports import (
    campaign_questionnaire,
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


def xlsx_cell(value: Any) -> Any:
    """A value for a write-only sheet: text cleaned of XML-illegal characters, then safe."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe(value)


def _append(sheet, cells: list[Any]) -> None:
    sheet.append([xlsx_cell(cell) for cell in cells])


def _sheet_names(ids: list[str]) -> dict[str, str]:
    """A unique sheet name for each table id, within Excel's 31 characters."""
    taken = {"responses", "flags", "grades"}
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


def write_xlsx(session: Session, campaign: Campaign, target: str | Path | IO[bytes],
               lang: str = "en") -> None:
    """Write the campaign's workbook to `target` (a path or a binary file)."""
    q = campaign_questionnaire(session, campaign)
    book = Workbook(write_only=True)
    responses = book.create_sheet("responses")
    _append(responses, headers(q))
    _append(responses, labels(q, lang))
    tables = list(q.tables())
    names = _sheet_names([t.id for t in tables])
    table_sheets = {}
    for table in tables:
        sheet = book.create_sheet(names[table.id])
        _append(sheet, [*TABLE_HEADERS, *table.row_columns()])
        table_sheets[table.id] = sheet
    flags_sheet = book.create_sheet("flags")
    _append(flags_sheet, FLAG_HEADERS)
    grades_sheet = book.create_sheet("grades")
    _append(grades_sheet, GRADE_HEADERS)
    messages = {f.id: text_in(f.message, lang, q.default_language) for f in q.flags}

    for row in export_rows(session, campaign):
        _append(responses, main_cells(q, row))
        files = row.file_names
        for table in tables:
            for number, cells in enumerate(table.export_rows(row.answers, files), start=1):
                _append(table_sheets[table.id], [row.response_id, row.supplier, number, *cells])
        for flag in row.flags:
            _append(flags_sheet, [row.response_id, row.supplier, flag["id"], flag["severity"],
                                  messages.get(flag["id"]), ", ".join(flag.get("questions", []))])
        for question_id, points, comment, clarification in row.grades:
            _append(grades_sheet, [row.response_id, row.supplier, question_id, points, comment,
                                   clarification])
    book.save(target)
