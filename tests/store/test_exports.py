"""Exports of a campaign (store level, SQLite and PostgreSQL): cells against stored answers."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import ROOT
from tests.store.conftest import make_campaign, make_staff
from tests.support.queries import count_statements
from webapp.definitions import check_text
from webapp.definitions.characters import without_control
from webapp.definitions.json_schema import RESPONSE_SCHEMA_FILE
from webapp.store import reviews
from webapp.store.db import unit_of_work
from webapp.store.export_json import campaign_json
from webapp.store.exports import responses_csv, tables_csv
from webapp.store.files import attach
from webapp.store.models import Submission
from webapp.store.responses import save_draft, submit
from webapp.store.workbook import write_xlsx

EVERY_TYPE = """\
id: every-type
version: 1
languages: [sv, en]
title: {sv: Alla typer, en: Every type}
rubrics:
  plain:
    levels:
      - {points: 0, label: {sv: Nej, en: No}}
      - {points: 2, label: {sv: Ja, en: Yes}}
ratings:
  - {id: low, label: {sv: Låg, en: Low}, min_score: 50}
  - {id: high, label: {sv: Hög, en: High}, min_score: 0}
flags:
  - {id: xinjiang, severity: red, when: 'region == "CN-XJ"', message: {sv: X, en: Xinjiang}}
  - {id: unsure, severity: amber, when: 'audited == "dont_know"', message: {sv: O, en: Unsure}}
sections:
  - id: s
    title: {sv: Avsnitt, en: Section}
    questions:
      - {id: name, type: text, label: {sv: Namn, en: Name}}
      - {id: story, type: textarea, label: {sv: Berätta, en: Tell}, rubric: plain}
      - {id: workers, type: number, label: {sv: Anställda, en: Workers}}
      - {id: since, type: date, label: {sv: Sedan, en: Since}}
      - id: role
        type: choice
        label: {sv: Roll, en: Role}
        other: true
        options:
          - {value: maker, label: {sv: Tillverkare, en: Maker}, points: 2}
          - {value: seller, label: {sv: Säljare, en: Seller}, points: 0}
      - id: goods
        type: multichoice
        label: {sv: Varor, en: Goods}
        options:
          - {value: masks, label: {sv: Munskydd, en: Masks}}
          - {value: aprons, label: {sv: Förkläden, en: Aprons}}
      - {id: audited, type: yesno, dont_know: true, label: {sv: Granskad, en: Audited}}
      - {id: country, type: country, label: {sv: Land, en: Country}}
      - {id: region, type: region, country: country, label: {sv: Region, en: Region}}
      - {id: report, type: file, multiple: true, label: {sv: Rapport, en: Report}}
      - id: tiers
        type: table
        label: {sv: Led, en: Tiers}
        columns:
          - {id: company, type: text, label: {sv: Företag, en: Company}}
          - {id: share, type: number, label: {sv: Andel, en: Share}}
          - {id: evidence, type: file, label: {sv: Bevis, en: Evidence}}
"""


@pytest.fixture(scope="module")
def every_type():
    result = check_text(EVERY_TYPE)
    assert result.questionnaire is not None, [p.format() for p in result.problems]
    return result.questionnaire


SUPPLIER = "kim@leverantor.example"


def answered(session, q, suppliers=3):
    """A campaign: one response submitted, one graded and decided, one never submitted."""
    campaign, invitations = make_campaign(session, q, suppliers=suppliers)
    (first, _), (second, _) = invitations[0], invitations[1]
    files = [attach(session, first, "report", "a" * 64, 10, "application/pdf",
                    "=Revision 2025.pdf", SUPPLIER),
             attach(session, first, "tiers", "b" * 64, 10, "application/pdf", "audit.pdf",
                    SUPPLIER)]
    save_draft(session, first, {
        "name": "=HYPERLINK(\"http://evil.example\")", "story": "We check every tier.",
        "workers": -3, "since": "2019-05-01", "role": "other", "role.other": "+Agent",
        "goods": ["masks", "aprons"], "audited": "dont_know", "country": "CN",
        "region": "CN-XJ", "report": [str(files[0].id)],
        "tiers": [{"company": "@Weaving Co", "share": 40.5, "evidence": [str(files[1].id)]},
                  {"company": "Plain Ltd", "share": 59.5}],
    }, 0, SUPPLIER)
    submit(session, first, f"c-{first.id}", SUPPLIER)
    save_draft(session, second, {"name": "Second", "role": "maker", "story": "Little."},
               0, SUPPLIER)
    submit(session, second, f"c-{second.id}", SUPPLIER)
    reviewer = make_staff(session)
    reviews.start_review(session, second, reviewer)
    reviews.grade(session, second, "story", 2.0, "-Good enough", reviewer)
    reviews.decide(session, second, "accepted", "Fine.", reviewer)
    return campaign, [r for r, _ in invitations]


def test_csv_has_a_row_per_response_with_the_stored_answers(session, every_type):
    campaign, (first, second, third) = answered(session, every_type)
    text = "".join(responses_csv(session, campaign, "en"))
    assert text.startswith("\ufeff")
    ids, texts, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ids[:4] == ["response.id", "supplier.name", "supplier.org_number", "response.status"]
    assert ids[12:] == ["name", "story", "workers", "since", "role", "role.other", "goods",
                        "audited", "country", "region", "report"]  # no table: its own file
    assert texts[1] == "Supplier" and texts[12] == "Name" and texts[17] == "Role (other)"
    assert texts[5] == "Submitted (UTC)"  # the international dialect: UTC, as before
    by_id = {int(r[0]): dict(zip(ids, r, strict=True)) for r in rows}
    assert sorted(by_id) == sorted([first.id, second.id, third.id])
    one = by_id[first.id]
    assert one["name"] == "'=HYPERLINK(\"http://evil.example\")"  # S14
    assert one["workers"] == "-3"  # a number stays a number
    assert one["since"] == "2019-05-01" and one["role"] == "other"
    assert one["role.other"] == "'+Agent" and one["goods"] == "masks; aprons"
    assert one["audited"] == "dont_know" and one["region"] == "CN-XJ"
    assert one["report"] == "'=Revision 2025.pdf"  # the original name, made safe
    assert one["response.red_flags"] == "1" and one["response.amber_flags"] == "1"
    assert one["response.status"] == "submitted" and one["response.submitted_at"]
    two = by_id[second.id]
    assert two["response.decision"] == "accepted" and two["response.score"] == "100.0"
    assert two["response.rating"] == "low"
    three = by_id[third.id]
    assert three["response.status"] == "invited" and three["response.submitted_at"] == ""
    assert all(three[k] == "" for k in ids[12:])
    assert three["supplier.name"] == third.supplier.name


def test_tables_csv_has_a_row_per_table_row(session, every_type):
    campaign, (first, *_rest) = answered(session, every_type)
    text = "".join(tables_csv(session, campaign)).removeprefix("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ["response.id", "supplier.name", "question", "row", "tiers.company",
                      "tiers.share", "tiers.evidence"]
    assert rows == [[str(first.id), first.supplier.name, "tiers", "1", "'@Weaving Co", "40.5",
                     "audit.pdf"],
                    [str(first.id), first.supplier.name, "tiers", "2", "Plain Ltd", "59.5", ""]]


def _submitted(session, response) -> datetime:
    """When the response's latest round was sent, as a naive Stockholm wall-clock time."""
    moment = session.scalar(select(Submission.submitted_at).where(
        Submission.response_id == response.id).order_by(Submission.round.desc()))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)


def test_swedish_csv_opens_in_columns_with_decimal_commas(session, every_type):
    campaign, (first, second, third) = answered(session, every_type)
    chunks = list(responses_csv(session, campaign, "sv", dialect="sv"))
    text = "".join(chunks)
    assert text.startswith("\ufeff") and "\r\n" in text
    ids, texts, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")),
                                        delimiter=";"))
    assert len(ids) == 23 and ids[:2] == ["response.id", "supplier.name"]
    assert all(len(row) == len(ids) for row in [texts, *rows])  # columns, not one long cell
    assert texts[1] == "Leverantör" and texts[5] == "Inskickat (svensk tid)"
    by_id = {int(r[0]): dict(zip(ids, r, strict=True)) for r in rows}
    assert by_id[second.id]["response.score"] == "100,0"  # Swedish Excel reads a number
    assert by_id[first.id]["workers"] == "-3" and by_id[first.id]["since"] == "2019-05-01"
    assert by_id[first.id]["name"] == "'=HYPERLINK(\"http://evil.example\")"  # still S14
    assert by_id[first.id]["goods"] == "masks; aprons"  # codes, as in the other CSV
    assert by_id[first.id]["response.submitted_at"] == \
        _submitted(session, first).strftime("%Y-%m-%d %H:%M:%S")
    tables = "".join(tables_csv(session, campaign, dialect="sv")).removeprefix("\ufeff")
    header, *lines = list(csv.reader(io.StringIO(tables), delimiter=";"))
    assert header[-2] == "tiers.share" and [line[-2] for line in lines] == ["40,5", "59,5"]


def test_xlsx_is_typed_frozen_and_labelled(session, every_type):
    campaign, (first, second, third) = answered(session, every_type)
    out = io.BytesIO()
    write_xlsx(session, campaign, out, "sv")
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["responses", "tiers", "flags", "grades", "options"]
    sheet = book["responses"]
    assert sheet.freeze_panes == "C3"  # both header rows and the supplier stay in view
    assert sheet.auto_filter.ref == "A2:W5"  # on the code row, over every response
    texts, ids, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert texts[1] == "Leverantör" and texts[12] == "Namn" and texts[16] == "Roll"
    assert texts[5] == "Inskickat (svensk tid)"
    assert ids[1] == "supplier.name" and ids[16] == "role"  # the codes, second row
    one = next(dict(zip(ids, r, strict=True)) for r in rows if r[0] == first.id)
    assert one["workers"] == -3 and one["name"].startswith("'=")
    assert one["role"] == "Annat" and one["role.other"] == "'+Agent"
    assert one["goods"] == "Munskydd; Förkläden" and one["audited"] == "Vet inte"
    assert one["report"] == "'=Revision 2025.pdf" and one["response.status"] == "Inskickad"
    assert one["since"] == datetime(2019, 5, 1)
    # Stockholm wall-clock time, to Excel's precision (milliseconds)
    assert abs(one["response.submitted_at"] - _submitted(session, first)).total_seconds() < 0.01
    cells = {c.column_letter: c for c in sheet[next(i for i, r in enumerate(rows, 3)
                                                    if r[0] == second.id)]}
    score = cells["G"]
    assert (score.value, score.data_type, score.number_format) == (100, "n", "0.0")
    assert cells["H"].value == "Låg" and cells["L"].value == "Godkänd"
    row_one = sheet[next(i for i, r in enumerate(rows, 3) if r[0] == first.id)]
    assert row_one[5].is_date and row_one[5].number_format == "yyyy-mm-dd hh:mm"
    assert row_one[15].is_date and row_one[15].number_format == "yyyy-mm-dd"
    tiers = [list(r) for r in book["tiers"].iter_rows(values_only=True)]
    assert tiers[0] == ["Svar", "Leverantör", "Rad", "Företag", "Andel", "Bevis"]
    assert tiers[1] == ["response.id", "supplier.name", "row.number", "company", "share",
                        "evidence"]
    assert tiers[2] == [first.id, first.supplier.name, 1, "'@Weaving Co", 40.5, "audit.pdf"]
    assert book["tiers"].freeze_panes == "C3"
    flags = [list(r) for r in book["flags"].iter_rows(values_only=True)]
    assert sorted((f[2], f[3]) for f in flags[2:]) == [("unsure", "Gul"), ("xinjiang", "Röd")]
    assert {f[4] for f in flags[2:]} == {"X", "O"}  # the messages in Swedish
    grades = [list(r) for r in book["grades"].iter_rows(values_only=True)]
    assert grades[0][:4] == ["Svar", "Leverantör", "Fråga", "Poäng"]
    assert [g[:5] for g in grades[2:]] == [[second.id, second.supplier.name, "story", 2,
                                            "'-Good enough"]]
    options = [list(r) for r in book["options"].iter_rows(values_only=True)]
    assert ["role", "Roll", "maker", "Tillverkare"] in options  # the codes are kept here
    assert ["audited", "Granskad", "dont_know", "Vet inte"] in options


def test_xlsx_in_english_has_english_labels(session, every_type):
    campaign, (first, *_rest) = answered(session, every_type)
    out = io.BytesIO()
    write_xlsx(session, campaign, out, "en")
    rows = list(load_workbook(io.BytesIO(out.getvalue()), read_only=True)["responses"]
                .iter_rows(values_only=True))
    assert rows[0][1] == "Supplier" and rows[0][5] == "Submitted (Swedish time)"
    one = dict(zip(rows[1], next(r for r in rows[2:] if r[0] == first.id), strict=True))
    assert one["goods"] == "Masks; Aprons" and one["audited"] == "Don't know"
    assert one["role"] == "Other" and one["response.status"] == "Submitted"


def test_json_is_valid_against_the_shipped_schema(session, every_type):
    campaign, (first, second, third) = answered(session, every_type)
    document = json.loads("".join(campaign_json(session, campaign)))
    schema = json.loads((ROOT / RESPONSE_SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["questionnaire"]["id"] == "every-type"
    by_id = {r["response_id"]: r for r in document["responses"]}
    assert by_id[first.id]["answers"]["tiers"][0]["company"] == "@Weaving Co"  # data as stored
    assert by_id[first.id]["answers"]["workers"] == -3
    assert [a["name"] for a in by_id[first.id]["attachments"]] == ["=Revision 2025.pdf",
                                                                  "audit.pdf"]
    assert {f["id"] for f in by_id[first.id]["flags"]} == {"xinjiang", "unsure"}
    assert by_id[second.id]["grades"] == [{"question": "story", "points": 2.0,
                                           "comment": "-Good enough", "clarification": None}]
    assert by_id[second.id]["decision"] == "accepted"
    assert by_id[third.id]["answers"] == {} and by_id[third.id]["submitted_at"] is None
    document["responses"][0]["unknown"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(document)


def _queries(session, export) -> int:
    session.expire_all()  # each export starts from what a fresh session knows
    return count_statements(session.get_bind(), export)


@pytest.mark.parametrize("kind", ["responses.csv", "tables.csv", "xlsx", "json"])
def test_queries_do_not_grow_with_responses(session, every_type, kind):
    exports = {"responses.csv": lambda c: "".join(responses_csv(session, c)),
               "tables.csv": lambda c: "".join(tables_csv(session, c)),
               "xlsx": lambda c: write_xlsx(session, c, io.BytesIO()),
               "json": lambda c: "".join(campaign_json(session, c))}
    small, _ = answered(session, every_type, suppliers=5)
    large, _ = answered(session, every_type, suppliers=50)
    session.flush()
    exports[kind](small)  # the definition is parsed once per process
    assert _queries(session, lambda: exports[kind](small)) == \
        _queries(session, lambda: exports[kind](large))


# ------------------------------------------------------------------ S14


DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20",
             "\x00=", " =", "\n+", "\u200b-", "\x85@", "\u3000=")
SMALL = """\
id: s14
version: 1
languages: [en]
title: S14
rubrics:
  plain:
    levels: [{points: 0, label: No}, {points: 1, label: Yes}]
flags:
  - {id: named, severity: amber, when: 'answered(name)', message: '=1+1'}
sections:
  - id: s
    title: S
    questions:
      - {id: name, type: text, label: Name}
      - {id: story, type: textarea, label: Story, rubric: plain}
      - {id: amount, type: number, label: Amount}
      - {id: role, type: choice, other: true, label: Role, options: [{value: a, label: A}]}
      - {id: report, type: file, label: Report}
      - id: tiers
        type: table
        label: Tiers
        columns:
          - {id: company, type: text, label: Company}
          - {id: share, type: number, label: Share}
"""
risky = st.one_of(st.text(max_size=12),
                  st.tuples(st.sampled_from(DANGEROUS), st.text(max_size=12)).map("".join))
number = st.one_of(st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False, width=32))


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))  # the Swedish dialect's decimal comma
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def s14_sessions(tmp_path_factory, request):
    from webapp.store.db import make_engine, session_factory

    from .conftest import new_database

    engine = make_engine(new_database("sqlite", tmp_path_factory.mktemp("s14"), request))
    yield session_factory(engine)
    engine.dispose()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(supplier=risky, name=risky, story=risky, other=risky, file_name=risky, company=risky,
       comment=risky, clarification=risky, amount=number, share=number)
def test_no_exported_cell_starts_a_formula(s14_sessions, supplier, name, story, other,
                                           file_name, company, comment, clarification,
                                           amount, share):
    """S14: every cell of the CSV files and the workbook, whatever the supplier wrote."""
    q = check_text(SMALL).questionnaire
    with unit_of_work(s14_sessions) as session:
        campaign, [(response, _)] = make_campaign(session, q)
        response.supplier.name = supplier or "x"
        evidence = attach(session, response, "report", "c" * 64, 1, "application/pdf",
                          file_name, SUPPLIER)
        save_draft(session, response, {
            "name": name, "story": story, "amount": amount, "role": "other",
            "role.other": without_control(other).strip() or "x",  # refused ones stop a submit
            "report": [str(evidence.id)],
            "tiers": [{"company": company, "share": share}]}, 0, SUPPLIER)
        submit(session, response, f"s14-{response.id}", SUPPLIER)
        reviewer = make_staff(session)
        reviews.start_review(session, response, reviewer)
        reviews.grade(session, response, "story", 1.0, comment, reviewer)
        if clarification.strip():
            reviews.request_clarification(session, response, {"story": clarification},
                                          reviewer)
        cells = []
        for export in (responses_csv, tables_csv):
            for dialect, separator in (("en", ","), ("sv", ";")):
                text = "".join(export(session, campaign, dialect=dialect)).removeprefix("\ufeff")
                cells += [c for row in csv.reader(io.StringIO(text), delimiter=separator)
                          for c in row]
        out = io.BytesIO()
        write_xlsx(session, campaign, out)
    for cell in cells:
        assert not _formula_like(cell) or _is_number(cell), repr(cell)
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                seen += 1
                assert cell.data_type != "f", repr(cell.value)
                if isinstance(cell.value, str):
                    assert not _formula_like(cell.value), repr(cell.value)
    assert seen > 30


def _formula_like(cell: str) -> bool:
    """Whether a spreadsheet might read the cell as a formula: a formula character,
    ASCII or full-width, after any blanks and control characters, or a tab or CR first."""
    head = cell.lstrip("".join(chr(c) for c in range(0x21)) + "\x7f\x85\xa0\u200b\u3000")
    return cell.startswith(("\t", "\r")) or head.startswith(DANGEROUS[:4] + DANGEROUS[6:10])


#: cells a spreadsheet program may read as a formula once it drops what comes before
#: the formula character, or folds a full-width one to ASCII (issue 13, item 8)
SNEAKY = ["\x00=HYPERLINK(\"http://evil.example\")", "\t=1+1", "\r=1+1", "\n=1+1",
          " =1+1", "\u3000=1+1", "\u200b=1+1", "\x7f@SUM(A1)", "\x85+1",
          "\uff1dHYPERLINK(\"http://evil.example\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]


@pytest.mark.parametrize("sneaky", SNEAKY)
def test_every_exporter_neutralises_sneaky_prefixes(s14_sessions, sneaky):
    """S14: a cell starting with a control character or blank before `= + - @`, or with a
    full-width `＝ ＋ － ＠`, reads as text starting with `'` in the CSV files (both
    dialects, read with the csv module) and in the workbook (read with openpyxl), in
    every place a supplier or reviewer writes; a negative number stays a number."""
    q = check_text(SMALL).questionnaire
    multiline = sneaky.replace("\x00", "").replace("\x7f", "").replace("\x85", "")
    with unit_of_work(s14_sessions) as session:
        campaign, [(response, _)] = make_campaign(session, q)
        response.supplier.name = sneaky  # legacy data, or a name from before the checks
        evidence = attach(session, response, "report", "d" * 64, 1, "application/pdf",
                          multiline + ".pdf", SUPPLIER)
        saved = save_draft(session, response, {
            "story": multiline, "amount": -3.5, "role": "other", "role.other": "x",
            "report": [str(evidence.id)],
            "tiers": [{"company": "Plain Ltd", "share": -3.5}]}, 0, SUPPLIER)
        assert saved.errors == []
        submit(session, response, f"sneaky-{response.id}", SUPPLIER)
        reviewer = make_staff(session)
        reviews.start_review(session, response, reviewer)
        reviews.grade(session, response, "story", 1.0, sneaky, reviewer)
        files = {}
        for dialect, separator in (("en", ","), ("sv", ";")):
            for name, export in (("responses", responses_csv), ("tables", tables_csv)):
                text = "".join(export(session, campaign, dialect=dialect)).removeprefix("\ufeff")
                files[name, dialect] = list(csv.reader(io.StringIO(text, newline=""),
                                                       delimiter=separator))
        out = io.BytesIO()
        write_xlsx(session, campaign, out)
    for dialect in ("en", "sv"):
        ids, _texts, row = files["responses", dialect]
        cells = dict(zip(ids, row, strict=True))
        assert cells["supplier.name"] == "'" + sneaky
        assert cells["story"] == "'" + multiline
        assert cells["report"].startswith("'") and cells["report"].endswith(".pdf")
        assert cells["amount"] == ("-3.5" if dialect == "en" else "-3,5")
        header, line = files["tables", dialect]
        cells = dict(zip(header, line, strict=True))
        assert cells["supplier.name"] == "'" + sneaky
        assert cells["tiers.share"] == ("-3.5" if dialect == "en" else "-3,5")
    book = load_workbook(io.BytesIO(out.getvalue()))
    main = book.worksheets[0]
    codes = [c.value for c in main[2]]
    values = {code: cell for code, cell in zip(codes, main[3], strict=True)}
    assert values["supplier.name"].value.startswith("'")
    assert values["story"].value.startswith("'")
    assert values["amount"].value == -3.5 and values["amount"].data_type == "n"
    tail = sneaky[-3:]  # what a reader sees of the name, the story and the comment
    seen = [cell.value for sheet in book.worksheets for row in sheet.iter_rows(min_row=3)
            for cell in row if isinstance(cell.value, str) and tail in cell.value]
    assert len(seen) >= 4 and all(c.startswith("'") for c in seen), seen
    assert not [cell for sheet in book.worksheets for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
