"""Staff download a campaign's exports from its page; `kedjekoll export` writes the same."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from urllib.parse import unquote

import jsonschema
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import ROOT, signed_in
from tests.review.test_tracking import queries
from tests.store.test_exports import EVERY_TYPE, answered
from webapp import create_app
from webapp.cli import main
from webapp.definitions import check_text
from webapp.definitions.json_schema import RESPONSE_SCHEMA_FILE
from webapp.store.db import unit_of_work
from webapp.store.files import attach, file_path
from webapp.store.models import AuditEvent, Response

PAGE = "/staff/campaigns/{id}"
PATHS = {"responses.csv": "/staff/campaigns/{id}/export/responses.csv",
         "tables.csv": "/staff/campaigns/{id}/export/tables.csv",
         "xlsx": "/staff/campaigns/{id}/export/campaign.xlsx",
         "json": "/staff/campaigns/{id}/export/campaign.json"}
NAME = "Munskydd och förkläden 2026"


@pytest.fixture
def site(tmp_path):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "responses"})
    q = check_text(EVERY_TYPE).questionnaire
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, responses = answered(session, q)
        campaign.name = NAME
        ids = (campaign.id, [r.id for r in responses])
    return app, q, ids


def download_name(response) -> str:
    """The name a browser saves the file under: `filename*` if given, else `filename`."""
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    if extended:
        return unquote(extended.group(1), encoding="utf-8")
    return re.search(r'filename="([^"]*)"', disposition).group(1)


def exports_recorded(app) -> int:
    with app.extensions["kedjekoll.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "campaign.exported"))


def test_campaign_page_links_every_export(site):
    app, _q, (campaign_id, _ids) = site
    html = signed_in(app).get(PAGE.format(id=campaign_id)).get_data(as_text=True)
    assert '<h2 id="exports">Export</h2>' in html or ">Exportera</h2>" in html
    for kind, path in PATHS.items():
        path = path.format(id=campaign_id)
        if kind.endswith(".csv"):  # both ways of writing it, each clearly named
            assert re.search(f'href="{path}\\?dialect=sv">CSV för Excel \\(svensk\\)', html)
            assert re.search(f'href="{path}\\?dialect=en">CSV \\(komma, internationell\\)',
                             html)
        else:
            assert f'href="{path}"' in html
    english = signed_in(app).get(PAGE.format(id=campaign_id) + "?lang=en").get_data(as_text=True)
    assert ">CSV for Excel (Swedish)<" in english and ">CSV (comma, international)<" in english


def test_staff_download_each_export_and_each_download_is_audited(site):
    app, _q, (campaign_id, (first, second, third)) = site
    client = signed_in(app)
    before = exports_recorded(app)
    got = {}
    for kind, path in PATHS.items():
        response = client.get(path.format(id=campaign_id) + "?dialect=en")
        assert response.status_code == 200, kind
        disposition = response.headers["Content-Disposition"]
        assert re.fullmatch(r'attachment; filename="campaign-\d+-[a-z0-9-]+\.(csv|xlsx|json)"; '
                            r"filename\*=UTF-8''campaign-\d+-[%A-Za-z0-9-]+\.(csv|xlsx|json)",
                            disposition), disposition
        assert response.headers["Cache-Control"] == "no-store"
        assert "Content-Length" not in response.headers, kind  # written as it is read
        got[kind] = response.get_data()
    assert exports_recorded(app) == before + 4
    rows = list(csv.reader(io.StringIO(got["responses.csv"].decode("utf-8-sig"))))
    by_id = {r[0]: r for r in rows[2:]}
    assert sorted(by_id) == sorted(str(i) for i in (first, second, third))
    assert by_id[str(first)][rows[0].index("name")] == "'=HYPERLINK(\"http://evil.example\")"
    tables = list(csv.reader(io.StringIO(got["tables.csv"].decode("utf-8-sig"))))
    assert [t[4] for t in tables[1:]] == ["'@Weaving Co", "Plain Ltd"]
    book = load_workbook(io.BytesIO(got["xlsx"]), read_only=True)
    assert book.sheetnames == ["responses", "tiers", "flags", "grades", "options"]
    document = json.loads(got["json"])
    schema = json.loads((ROOT / RESPONSE_SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert len(document["responses"]) == 3


def test_download_names_keep_swedish_letters(site):
    """RFC 6266: the exact name in `filename*`, an ASCII look-alike in `filename`."""
    app, _q, (campaign_id, _ids) = site
    client = signed_in(app)
    names = {}
    for kind, path in PATHS.items():
        response = client.get(path.format(id=campaign_id))
        assert response.status_code == 200 and response.get_data(), kind  # read to its end
        names[kind] = download_name(response)
        assert 'filename="campaign-' in response.headers["Content-Disposition"]
        assert "munskydd-och-forkladen-2026" in response.headers["Content-Disposition"]
    assert names == {
        "responses.csv": f"campaign-{campaign_id}-munskydd-och-förkläden-2026-responses-sv.csv",
        "tables.csv": f"campaign-{campaign_id}-munskydd-och-förkläden-2026-tables-sv.csv",
        "xlsx": f"campaign-{campaign_id}-munskydd-och-förkläden-2026-responses.xlsx",
        "json": f"campaign-{campaign_id}-munskydd-och-förkläden-2026-responses.json"}
    international = client.get(PATHS["responses.csv"].format(id=campaign_id) + "?dialect=en")
    international.get_data()
    assert download_name(international).endswith("förkläden-2026-responses.csv")


def test_the_csv_dialect_follows_the_page_language_unless_asked(site):
    app, _q, (campaign_id, (first, second, _third)) = site
    client = signed_in(app)
    path = PATHS["responses.csv"].format(id=campaign_id)
    swedish = client.get(path).get_data()  # a Swedish page: the Swedish dialect
    assert swedish.startswith("\ufeff".encode())
    ids, texts, *rows = list(csv.reader(io.StringIO(swedish.decode("utf-8-sig")),
                                        delimiter=";"))
    assert all(len(row) == len(ids) > 20 for row in [texts, *rows])
    assert texts[5] == "Inskickat (svensk tid)"
    assert {r[0]: r for r in rows}[str(second)][ids.index("response.score")] == "100,0"
    client.get(PAGE.format(id=campaign_id) + "?lang=en")  # now an English reader
    english = client.get(path).get_data().decode("utf-8-sig")
    ids, texts, *rows = list(csv.reader(io.StringIO(english)))
    assert texts[5] == "Submitted (UTC)"
    assert {r[0]: r for r in rows}[str(second)][ids.index("response.score")] == "100.0"
    asked = client.get(path + "?dialect=sv").get_data().decode("utf-8-sig")
    assert asked.splitlines()[1].split(";")[5] == "Submitted (Swedish time)"
    assert client.get(path + "?dialect=fr").status_code == 400


def test_evidence_downloads_keep_the_original_name(site):
    app, _q, (_campaign_id, (first, _second, _third)) = site
    files = app.config["RESPONSES_DIR"] / "files"
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        content = b"%PDF-1.4 revision"
        digest = hashlib.sha256(content).hexdigest()
        path = file_path(files, digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        kept = attach(session, session.get(Response, first), "report", digest, len(content),
                      "application/pdf", "Revisionsrapport förkläden, Kö.pdf",
                      "kim@leverantor.example")
        kept_id = kept.id
    response = signed_in(app).get(f"/staff/files/{kept_id}")
    assert response.status_code == 200 and response.get_data() == content
    response.close()
    assert download_name(response) == "Revisionsrapport förkläden, Kö.pdf"
    assert 'filename="Revisionsrapport forkladen, Ko.pdf"' in \
        response.headers["Content-Disposition"]


def test_anonymous_are_sent_to_sign_in_and_unknown_campaigns_are_404(site):
    app, _q, (campaign_id, _ids) = site
    before = exports_recorded(app)
    anonymous = app.test_client()
    for path in PATHS.values():
        response = anonymous.get(path.format(id=campaign_id))
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
        assert signed_in(app).get(path.format(id=99999)).status_code == 404
    assert signed_in(app).get(f"/staff/campaigns/{campaign_id}/export/other.csv"
                              ).status_code == 404
    assert exports_recorded(app) == before


@pytest.mark.parametrize("kind", list(PATHS))
def test_download_queries_are_the_same_for_5_and_50_responses(tmp_path, kind):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "responses"})
    q = check_text(EVERY_TYPE).questionnaire
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        small = answered(session, q, suppliers=5)[0].id
        large = answered(session, q, suppliers=50)[0].id
    client = signed_in(app)
    queries(app, client, PATHS[kind].format(id=small))  # warm: definitions parsed
    assert queries(app, client, PATHS[kind].format(id=small))[0] == \
        queries(app, client, PATHS[kind].format(id=large))[0]


def test_cli_exports_csv_xlsx_and_json(site, tmp_path, monkeypatch):
    app, _q, (campaign_id, ids) = site
    monkeypatch.setenv("KEDJEKOLL_RESPONSES_DIR", str(tmp_path / "responses"))
    monkeypatch.delenv("KEDJEKOLL_DATABASE_URL", raising=False)
    runner = CliRunner()
    before = exports_recorded(app)
    result = runner.invoke(main, ["export", str(campaign_id), "--format", "csv"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "responses" / "exports" / f"campaign-{campaign_id}.csv"
    assert f"wrote {written}" in result.output
    rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig")),
                           delimiter=";"))  # Swedish texts and the Swedish dialect by default
    assert len(rows) == 2 + 3 and rows[1][1] == "Leverantör" and len(rows[0]) > 20
    tables = written.with_name(f"campaign-{campaign_id}-tables.csv")
    assert len(list(csv.reader(io.StringIO(tables.read_text(encoding="utf-8-sig"))))) == 3
    result = runner.invoke(main, ["export", str(campaign_id), "--format", "csv",
                                  "--dialect", "en"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    assert rows[1][1] == "Leverantör" and len(rows[0]) > 20  # Swedish texts, commas
    assert rows[1][5] == "Inskickat (UTC)"
    target = tmp_path / "out" / "c.xlsx"
    result = runner.invoke(main, ["export", str(campaign_id), "--format", "xlsx",
                                  "--output", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = load_workbook(target, read_only=True)
    assert list(book["responses"].iter_rows(values_only=True))[0][1] == "Supplier"
    target = tmp_path / "out" / "c.json"
    result = runner.invoke(main, ["export", str(campaign_id), "--format", "json",
                                  "--output", str(target)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(r["response_id"] for r in document["responses"]) == sorted(ids)
    assert exports_recorded(app) == before + 4
    missing = runner.invoke(main, ["export", "99999", "--format", "json"])
    assert missing.exit_code == 1 and "no campaign 99999" in missing.output


def test_cli_export_help_says_where_files_go():
    result = CliRunner().invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    for words in ("--format [csv|xlsx|json]", "NAME-tables.csv", "never submitted",
                  "responses/exports/campaign-ID.FORMAT", "--dialect [sv|en]",
                  "semicolons", "decimal comma"):
        assert words in " ".join(result.output.split()), words
