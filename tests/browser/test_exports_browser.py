"""In Chromium: a reviewer downloads the exports from the campaign page, the Swedish CSV
and the workbook, and the saved files keep the campaign's å, ä and ö."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from webapp.definitions.examples import example_answers
from webapp.store.db import unit_of_work
from webapp.store.models import Response
from webapp.store.responses import save_draft, submit
from webapp.store.staff import add_user

NAME = "Munskydd och förkläden 2026"
SHOTS = Path("/tmp/kedjekoll-exports-shots")


@pytest.fixture
def campaign(live, masks):
    """A campaign named with å, ä and ö: one response submitted, one not yet."""
    [(response_id, _), _other] = live.invite(masks, suppliers=2)
    answers = example_answers(masks, random.Random(7), files_for=lambda _q: [])
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        response = session.get(Response, response_id)
        response.campaign.name = NAME
        save_draft(session, response, answers, 0, "test")
        submit(session, response, f"exports-{response_id}", "test")
        add_user(session, f"exports-{response_id}@region.example", "Ebba Export", "reviewer",
                 "test", STAFF_PASSWORD)
        return response.campaign_id, response_id, answers, response.score


def _download(page, link_name: str, folder: Path) -> tuple[str, Path]:
    """Click the link by its accessible name; (the suggested name, the saved file)."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    assert download.failure() is None
    target = folder / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target


def test_reviewer_downloads_the_swedish_csv_and_the_workbook(browser, live, masks, campaign,
                                                            tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    campaign_id, response_id, answers, score = campaign
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, live.url, f"exports-{response_id}@region.example")
    page.goto(f"{live.url}/staff/campaigns/{campaign_id}")
    exports = page.locator("section[aria-labelledby=exports]")
    assert "CSV för Excel (svensk)" in exports.inner_text()
    assert "CSV (komma, internationell)" in exports.inner_text()
    exports.scroll_into_view_if_needed()
    exports.screenshot(path=str(SHOTS / "exports-sv-1280.png"))
    violations = [v["id"] for v in Axe().run(page).response["violations"]]
    assert violations == []

    name, saved = _download(page, "CSV för Excel (svensk) – svar", tmp_path)
    assert name == f"campaign-{campaign_id}-munskydd-och-förkläden-2026-responses-sv.csv"
    raw = saved.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    ids, texts, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(ids) > 20 and all(len(row) == len(ids) for row in [texts, *rows])
    assert texts[1] == "Leverantör" and texts[5] == "Inskickat (svensk tid)"
    mine = next(row for row in rows if row[0] == str(response_id))
    if score is not None and score != int(score):
        assert "," in mine[ids.index("response.score")]  # a decimal comma

    name, saved = _download(page, "CSV för Excel (svensk) – tabellsvar", tmp_path)
    assert name.endswith("-munskydd-och-förkläden-2026-tables-sv.csv")

    name, saved = _download(page, "Excelarbetsbok (XLSX)", tmp_path)
    assert name == f"campaign-{campaign_id}-munskydd-och-förkläden-2026-responses.xlsx"
    sheet = load_workbook(saved)["responses"]
    assert sheet.freeze_panes == "C3"
    texts, codes = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert texts[1] == "Leverantör" and codes[1] == "supplier.name"
    line = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == response_id)
    cells = dict(zip(codes, line, strict=True))
    assert isinstance(cells["response.submitted_at"].value, datetime)
    if score is not None:
        assert cells["response.score"].data_type == "n"
        assert cells["response.score"].number_format == "0.0"
    chosen = next(q for q in masks.answerable()
                  if q.type == "choice" and answers.get(q.id) not in (None, "other"))
    assert cells[chosen.id].value == chosen.option_text(answers[chosen.id], "sv")
    assert cells[chosen.id].value != answers[chosen.id]  # a label, not the code
    context.close()


def test_downloads_work_by_keyboard_without_javascript_in_english(browser, live, campaign,
                                                                 tmp_path):
    campaign_id, response_id, _answers, _score = campaign
    context = browser.new_context(locale="en-GB", java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, live.url, f"exports-{response_id}@region.example")
    page.goto(f"{live.url}/staff/campaigns/{campaign_id}?lang=en")
    exports = page.locator("section[aria-labelledby=exports]")
    exports.scroll_into_view_if_needed()
    exports.screenshot(path=str(SHOTS / "exports-en-390.png"))
    link = page.get_by_role("link", name="CSV (comma, international) – responses", exact=True)
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == \
        f"campaign-{campaign_id}-munskydd-och-förkläden-2026-responses.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    ids, texts, *_rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(ids) > 20 and texts[5] == "Submitted (UTC)"
    context.close()
