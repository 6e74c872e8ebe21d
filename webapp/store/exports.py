"""Exports of a campaign's responses: reading them in a stream, their cells, and CSV.

Each export reads the latest submitted round of every response of a campaign. A
response never submitted still gets its row (status, round, empty answers). Reading is
three streamed queries, whatever the number of responses: the responses with their
latest submission and review, the grades of those reviews, and the attachments; all
three ordered by response id and merged as they are read, a batch at a time
(`yield_per`), so memory stays flat and no query runs per row. The writers (CSV here,
XLSX in `workbook.py`, JSON in `export_json.py`) yield or write their output as they go.

Every text cell is made safe for spreadsheets (shared/security.md S14): text starting
with `= + - @` (or their full-width twins `＝ ＋ － ＠`, which some programs fold to
them), also behind leading blanks or control characters, and text starting with a tab
or a carriage return, gets a leading `'`; numbers stay numbers.
The CSV files come in two dialects (`dialects.py`): for Swedish Excel and international.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..definitions import Questionnaire
from ..definitions.fields import text_in
from ..definitions.questions import TABLE_EXPORT_FIXED
from ..formats import DEFAULT_TIMEZONE
from .audit import record
from .dialects import DIALECTS, Dialect
from .models import Attachment, Campaign, Grade, Response, Review, Submission, Supplier
from .status import LABELS as STATUS_LABELS
from .versions import definition

BATCH = 200  # rows fetched per round trip: memory is a few batches, whatever the total
#: what a spreadsheet may read as the start of a formula, ASCII and full-width
DANGEROUS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: kinds of character a spreadsheet may skip before it looks for one of those: spaces,
#: line and paragraph separators, control and format characters (NUL, tab, zero width)
SKIPPED = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
FORMATS = ("csv", "xlsx", "json")

#: the fixed columns before the questions, with their header in each UI language; the
#: dots keep them apart from question ids, which never hold one
FIXED = {
    "response.id": {"en": "Response", "sv": "Svar"},
    "supplier.name": {"en": "Supplier", "sv": "Leverantör"},
    "supplier.org_number": {"en": "Organisation number", "sv": "Organisationsnummer"},
    "response.status": {"en": "Status", "sv": "Status"},
    "response.round": {"en": "Round", "sv": "Omgång"},
    "response.submitted_at": {"en": "Submitted ({clock})", "sv": "Inskickat ({clock})"},
    "response.score": {"en": "Due-diligence score", "sv": "Poäng för tillbörlig aktsamhet"},
    "response.rating": {"en": "Risk rating", "sv": "Riskbedömning"},
    "response.rating_set_by_reviewer": {"en": "Risk rating set by the reviewer, because",
                                        "sv": "Riskbedömningen satt av granskaren, därför att"},
    "response.red_flags": {"en": "Red flags", "sv": "Röda flaggor"},
    "response.amber_flags": {"en": "Amber flags", "sv": "Gula flaggor"},
    "response.decision": {"en": "Decision", "sv": "Beslut"},
}
#: the tables file's fixed columns; its other headers are all `<table>.<column>`
TABLE_FIXED = TABLE_EXPORT_FIXED


def safe(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula (S14); numbers pass unchanged.

    The one place every exporter (CSV in both dialects, XLSX, the audit log's CSV) makes
    a cell safe. Text gets a leading `'` when it starts with a formula character once
    leading blanks and control characters are skipped ("\\x00=", " =", "\\r+", "＝"),
    or when it starts with a tab or a carriage return at all."""
    if isinstance(value, str) and value and (
            value[0] in "\t\r" or _skip_blanks(value).startswith(DANGEROUS)):
        return "'" + value
    return value


def _skip_blanks(text: str) -> str:
    """The text from its first character that is not a blank or a control character."""
    for index, char in enumerate(text):
        if unicodedata.category(char) not in SKIPPED:
            return text[index:]
    return ""


@dataclass
class ExportRow:
    """One response as the exports see it."""

    response_id: int
    supplier: str
    org_number: str | None
    status: str
    round: int
    submitted_round: int | None
    submitted_at: datetime | None
    answers: dict[str, Any]
    score: float | None
    rating: str | None
    provisional: bool | None
    override: dict[str, Any] | None  # the reviewer's rating: rating, justification, by, at
    rules_rating: str | None  # the rating the rules give, whether or not overridden
    red_flags: int
    amber_flags: int
    flags: list[dict[str, Any]]
    decision: str | None
    justification: str | None
    grades: list[tuple[str, float | None, str | None, str | None]] = field(default_factory=list)
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (question, name)

    @property
    def file_names(self) -> dict[str, str]:
        return {key: name for key, (_question, name) in self.files.items()}


def campaign_questionnaire(session: Session, campaign: Campaign) -> Questionnaire:
    return definition(campaign.questionnaire_version)


def _grouped(rows: Iterable[Any]) -> Iterator[tuple[int, list[Any]]]:
    """(response id, its rows) from rows ordered by response id (the first column)."""
    current, group = None, []
    for row in rows:
        if row[0] != current and group:
            yield current, group
            group = []
        current = row[0]
        group.append(row)
    if group:
        yield current, group


class _Merge:
    """Follows a grouped stream alongside the responses, both in response id order."""

    def __init__(self, rows: Iterable[Any]):
        self._groups = _grouped(rows)
        self._next = next(self._groups, None)

    def take(self, response_id: int) -> list[Any]:
        while self._next is not None and self._next[0] < response_id:
            self._next = next(self._groups, None)
        if self._next is not None and self._next[0] == response_id:
            found = self._next[1]
            self._next = next(self._groups, None)
            return found
        return []


def export_rows(session: Session, campaign: Campaign, batch: int = BATCH
                ) -> Iterator[ExportRow]:
    """Every response of the campaign, by id, read in batches by three streamed queries."""
    latest = (select(Submission.response_id, func.max(Submission.round).label("round"))
              .join(Response, Response.id == Submission.response_id)
              .where(Response.campaign_id == campaign.id)
              .group_by(Submission.response_id).subquery())
    streamed = {"yield_per": batch}
    responses = session.execute(
        select(Response.id, Supplier.name, Supplier.org_number, Response.status,
               Response.round, Submission.round, Submission.submitted_at, Submission.answers,
               Response.score, Response.rating, Response.provisional, Response.red_flags,
               Response.amber_flags, Response.verdict, Review.decision, Review.justification)
        .join(Supplier, Supplier.id == Response.supplier_id)
        .outerjoin(latest, latest.c.response_id == Response.id)
        .outerjoin(Submission, and_(Submission.response_id == Response.id,
                                    Submission.round == latest.c.round))
        .outerjoin(Review, and_(Review.response_id == Response.id,
                                Review.round == latest.c.round))
        .where(Response.campaign_id == campaign.id)
        .order_by(Response.id)
        .execution_options(**streamed))
    asked = _Merge(session.execute(
        select(Review.response_id, Grade.question_id, Grade.clarification)
        .join(Grade, Grade.review_id == Review.id)
        .join(latest, and_(latest.c.response_id == Review.response_id,
                           latest.c.round == Review.round))
        .where(Grade.clarification.is_not(None))
        .order_by(Review.response_id, Grade.question_id)
        .execution_options(**streamed)))
    files = _Merge(session.execute(
        select(Attachment.response_id, Attachment.id, Attachment.question_id,
               Attachment.original_name)
        .join(Response, Response.id == Attachment.response_id)
        .where(Response.campaign_id == campaign.id)
        .order_by(Attachment.response_id, Attachment.id)
        .execution_options(**streamed)))
    for (rid, supplier, org, status, round_, sub_round, submitted_at, answers, total, rating,
         provisional, red, amber, verdict, decision, justification) in responses:
        verdict = verdict or {}
        questions = {row[1]: row[2] for row in asked.take(rid)}
        in_force = verdict.get("grades", {})
        yield ExportRow(
            response_id=rid, supplier=supplier, org_number=org, status=status, round=round_,
            submitted_round=sub_round, submitted_at=submitted_at, answers=answers or {},
            score=total, rating=rating,
            provisional=provisional if verdict else None, override=verdict.get("override"),
            rules_rating=verdict.get("rules_rating"),
            red_flags=red or 0, amber_flags=amber or 0, flags=list(verdict.get("flags", [])),
            decision=decision, justification=justification,
            grades=[(qid, in_force.get(qid, {}).get("points"),
                     in_force.get(qid, {}).get("comment"), questions.get(qid))
                    for qid in sorted(set(in_force) | set(questions))],
            files={str(f[1]): (f[2], f[3]) for f in files.take(rid)})


# ------------------------------------------------------------------ cells


def headers(q: Questionnaire) -> list[str]:
    """The main sheet's column headers: fixed columns, then each question's columns."""
    return [*FIXED, *(name for question in q.answerable() for name in question.export_columns())]


def labels(q: Questionnaire, lang: str, clock: str = "UTC") -> list[str]:
    """The main sheet's column texts in `lang`; `clock` names the time zone of moments."""
    texts = [FIXED[key].get(lang, FIXED[key]["en"]).format(clock=clock) for key in FIXED]
    for question in q.answerable():
        texts += column_texts(question, lang, q.default_language)
    return texts


def column_texts(question: Any, lang: str, fallback: str) -> list[str]:
    """The texts of a question's (or table column's) export columns in `lang`."""
    label = text_in(question.label, lang, fallback)
    return [label if name == question.id else f"{label} ({_other(lang)})"
            for name in question.export_columns()]


def _other(lang: str) -> str:
    return "annat" if lang == "sv" else "other"


def main_cells(q: Questionnaire, row: ExportRow, lang: str | None = None) -> list[Any]:
    """One response's cells in `headers` order (not yet made safe). The moment is left a
    datetime for the writer to put in its clock. With `lang`, statuses, ratings,
    decisions and chosen options are their labels in that language, else their codes."""
    cells: list[Any] = [row.response_id, row.supplier, row.org_number,
                        _status_text(row.status, lang), row.round, row.submitted_at,
                        row.score, _rating_text(q, row.rating, lang),
                        row.override["justification"] if row.override else None,
                        row.red_flags, row.amber_flags, _status_text(row.decision, lang)]
    names = row.file_names
    for question in q.answerable():
        cells += question.export_cells(row.answers, names, lang)
    return cells


def _status_text(code: str | None, lang: str | None) -> str | None:
    """A status or decision code, or its label in `lang`."""
    if code is None or lang is None:
        return code
    return STATUS_LABELS.get(code, {}).get(lang, code)


def _rating_text(q: Questionnaire, code: str | None, lang: str | None) -> str | None:
    if code is None or lang is None:
        return code
    band = next((b for b in q.ratings if b.id == code), None)
    return text_in(band.label, lang, q.default_language) if band is not None else code


def table_headers(q: Questionnaire) -> list[str]:
    """The tables file's headers: fixed columns, then `<table>.<column>` for every table."""
    return [*TABLE_FIXED, *(f"{t.id}.{name}" for t in q.tables() for name in t.row_columns())]


def table_cells(q: Questionnaire, row: ExportRow) -> Iterator[list[Any]]:
    """One line per table row of the response, blank under other tables' columns."""
    names = row.file_names
    offset = 0
    width = sum(len(t.row_columns()) for t in q.tables())
    for table in q.tables():
        size = len(table.row_columns())
        for number, cells in enumerate(table.export_rows(row.answers, names), start=1):
            line: list[Any] = [None] * width
            line[offset:offset + size] = cells
            yield [row.response_id, row.supplier, table.id, number, *line]
        offset += size


# ------------------------------------------------------------------ CSV


def _csv_lines(lines: Iterable[list[Any]], dialect: Dialect, zone: str,
               every: int = 200) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    for count, line in enumerate(lines, start=1):
        # made safe before the dialect writes numbers, so "-3,5" stays a number
        writer.writerow([dialect.cell(safe(cell), zone) for cell in line])
        if count % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def responses_csv(session: Session, campaign: Campaign, lang: str = "en",
                  dialect: str = "en", zone: str = DEFAULT_TIMEZONE) -> Iterator[str]:
    """The responses CSV in chunks: a header row of column ids, a row of their texts in
    `lang`, then one row per response, written in `dialect` (`zone`: its local clock)."""
    q = campaign_questionnaire(session, campaign)
    writing = DIALECTS[dialect]

    def lines() -> Iterator[list[Any]]:
        yield headers(q)
        yield labels(q, lang, writing.zone_label(lang, zone))
        for row in export_rows(session, campaign):
            yield main_cells(q, row)

    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield from _csv_lines(lines(), writing, zone)


def tables_csv(session: Session, campaign: Campaign, dialect: str = "en",
               zone: str = DEFAULT_TIMEZONE) -> Iterator[str]:
    """The tables CSV in chunks: one row per row of every table answer."""
    q = campaign_questionnaire(session, campaign)

    def lines() -> Iterator[list[Any]]:
        yield table_headers(q)
        for row in export_rows(session, campaign):
            yield from table_cells(q, row)

    yield "\ufeff"
    yield from _csv_lines(lines(), DIALECTS[dialect], zone)


def record_export(session: Session, campaign: Campaign, actor: str, kind: str,
                  **details: Any) -> None:
    """The audit event of one export (shared/security.md S18), e.g. with its dialect."""
    record(session, actor, "campaign.exported", campaign, format=kind, **details)
