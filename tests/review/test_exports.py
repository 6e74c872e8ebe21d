"""Staff download a campaign's exports from its page; `kedjekoll export` writes the same."""

from __future__ import annotations

import csv
import io
import json
import re

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
from webapp.store.models import AuditEvent

PAGE = "/staff/campaigns/{id}"
PATHS = {"responses.csv": "/staff/campaigns/{id}/export/responses.csv",
         "tables.csv": "/staff/campaigns/{id}/export/tables.csv",
         "xlsx": "/staff/campaigns/{id}/export/campaign.xlsx",
         "json": "/staff/campaigns/{id}/export/campaign.json"}


@pytest.fixture
def site(tmp_path):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "responses"})
    q = check_text(EVERY_TYPE).questionnaire
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, responses = answered(session, q)
        ids = (campaign.id, [r.id for r in responses])
    return app, q, ids


def exports_recorded(app) -> int:
    with app.extensions["kedjekoll.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "campaign.exported"))


def test_campaign_page_links_every_export(site):
    app, _q, (campaign_id, _ids) = site
    html = signed_in(app).get(PAGE.format(id=campaign_id)).get_data(as_text=True)
    assert '<h2 id="exports">Export</h2>' in html or ">Exportera</h2>" in html
    for path in PATHS.values():
        assert f'href="{path.format(id=campaign_id)}"' in html


def test_staff_download_each_export_and_each_download_is_audited(site):
    app, _q, (campaign_id, (first, second, third)) = site
    client = signed_in(app)
    before = exports_recorded(app)
    got = {}
    for kind, path in PATHS.items():
        response = client.get(path.format(id=campaign_id))
        assert response.status_code == 200, kind
        disposition = response.headers["Content-Disposition"]
        assert re.fullmatch(r'attachment; filename="campaign-\d+-[a-z0-9-]+\.(csv|xlsx|json)"',
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
    assert book.sheetnames == ["responses", "tiers", "flags", "grades"]
    document = json.loads(got["json"])
    schema = json.loads((ROOT / RESPONSE_SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert len(document["responses"]) == 3


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
    rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 + 3 and rows[1][1] == "Leverantör"  # Swedish texts by default
    tables = written.with_name(f"campaign-{campaign_id}-tables.csv")
    assert len(list(csv.reader(io.StringIO(tables.read_text(encoding="utf-8-sig"))))) == 3
    target = tmp_path / "out" / "c.xlsx"
    result = runner.invoke(main, ["export", str(campaign_id), "--format", "xlsx",
                                  "--output", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = load_workbook(target, read_only=True)
    assert list(book["responses"].iter_rows(values_only=True))[1][1] == "Supplier"
    target = tmp_path / "out" / "c.json"
    result = runner.invoke(main, ["export", str(campaign_id), "--format", "json",
                                  "--output", str(target)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(r["response_id"] for r in document["responses"]) == sorted(ids)
    assert exports_recorded(app) == before + 3
    missing = runner.invoke(main, ["export", "99999", "--format", "json"])
    assert missing.exit_code == 1 and "no campaign 99999" in missing.output


def test_cli_export_help_says_where_files_go():
    result = CliRunner().invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    for words in ("--format [csv|xlsx|json]", "NAME-tables.csv", "never submitted",
                  "responses/exports/campaign-ID.FORMAT"):
        assert words in " ".join(result.output.split()), words
