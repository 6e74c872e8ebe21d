"""Tables that fit a screen: every section page of every shipped questionnaire in Chromium.

At 1280 px and on a 390 px phone, with JavaScript on and off: the page never scrolls
sideways, every control has its own accessible name (as Chromium computes it), each
table control names its row, and axe finds nothing. Then a person's work on a table:
add a row, fill it, see a conditional cell appear only in the row that asks for it,
remove a row, and find the answers kept.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHIPPED
from webapp.definitions import load_file
from webapp.definitions.examples import example_answers
from webapp.definitions.questions import TableQuestion
from webapp.definitions.scoring import visibility
from webapp.store.db import unit_of_work
from webapp.store.models import Response
from webapp.store.responses import save_draft

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SHOTS = Path("/tmp/kedjekoll-table-shots")
CONTROL_ROLES = {"textbox", "combobox", "listbox", "checkbox", "radio", "button",
                 "spinbutton", "searchbox", "date", "Date", "InputTime", "DateTime"}


def _answers(q):
    """Answers to every question, with two rows in each table (the second a copy)."""
    answers = example_answers(q, random.Random(7))
    for table in q.tables():
        rows = answers.get(table.id)
        if isinstance(rows, list) and rows:
            answers[table.id] = rows[:1] + [dict(rows[0])]
    return answers


def _seed(live, q, answers) -> str:
    (response_id, link), = live.invite(q)
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        response = session.get(Response, response_id)
        saved = save_draft(session, response, answers, response.draft_version, "test")
        assert [e.field for e in saved.errors] == []
    return link


def controls(page) -> list[dict]:
    """Every focusable form control on the page with Chromium's accessible name, and for
    radios and check boxes the name of the group they sit in."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    found = []
    for node in nodes:
        role = node.get("role", {}).get("value")
        if role not in CONTROL_ROLES or node.get("ignored") or _inside_a_control(node, by_id):
            continue  # (the day, month and year of a date field are parts of one control)
        name = node.get("name", {}).get("value", "")
        group = ""
        parent = by_id.get(node.get("parentId"))
        while parent is not None and role in ("radio", "checkbox"):
            if parent.get("role", {}).get("value") in ("group", "radiogroup") \
                    and parent.get("name", {}).get("value"):
                group = parent["name"]["value"]
                break
            parent = by_id.get(parent.get("parentId"))
        found.append({"role": role, "name": name, "group": group,
                      "dom": node.get("backendDOMNodeId")})
    return found


def _inside_a_control(node, by_id) -> bool:
    parent = by_id.get(node.get("parentId"))
    while parent is not None:
        if parent.get("role", {}).get("value") in CONTROL_ROLES - {"radio", "checkbox"}:
            return True
        parent = by_id.get(parent.get("parentId"))
    return False


def table_control_names(page) -> list[tuple[str, str]]:
    """(the row's legend, the accessible name) of each visible control in a row card."""
    return page.eval_on_selector_all(
        ".row-card .cell:not([hidden]) :is(input, select, textarea):not([type=hidden])",
        """els => els.filter(e => e.offsetParent !== null).map(e => [
             e.closest('.row-card').querySelector('legend').textContent.trim(),
             (e.labels && e.labels[0] ? e.labels[0].textContent : '').replace(/\\s+/g, ' ').trim()
           ])""")


def check_page(page, axe, where: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth,"
                          " document.documentElement.clientWidth]")
    assert width[0] <= width[1], (where, "scrolls sideways", width)
    found = controls(page)
    assert all(c["name"].strip() for c in found), (where, [c for c in found if not c["name"]])
    names = Counter((c["group"], c["name"]) for c in found)
    assert [n for n, k in names.items() if k > 1] == [], where
    for legend, label in table_control_names(page):
        number = re.search(r"\d+", legend).group()
        assert re.search(rf"\b(rad|row) {number}:", label, re.I), (where, legend, label)
    if axe is not None:
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in axe.run(page).response["violations"]]
        assert violations == [], (where, violations)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_section_page_fits_and_names_its_controls(browser, live, path, javascript):
    from axe_playwright_python.sync_playwright import Axe

    q = load_file(path)
    answers = _answers(q)
    link = _seed(live, q, answers)
    shown = visibility(q, answers)
    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    axe = Axe() if javascript else None
    tables_seen = 0
    try:
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            for url in ("/supplier/", "/supplier/check"):
                page.goto(live.url + url)
                check_page(page, axe, f"{path.stem} {url} {label}")
            for section in q.sections:
                if section.id not in shown.sections:
                    continue
                page.goto(f"{live.url}/supplier/section/{section.id}")
                where = f"{path.stem} {section.id} {label} js={javascript}"
                check_page(page, axe, where)
                if page.locator(".row-card").count():
                    tables_seen += 1
                    if javascript:
                        SHOTS.mkdir(exist_ok=True)
                        name = f"{path.stem}-{section.id}-{label}"
                        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
                        page.locator(".table-question").first.evaluate(
                            "e => e.scrollIntoView()")
                        page.screenshot(path=str(SHOTS / f"{name}-table.png"))
    finally:
        context.close()
    assert tables_seen >= 2 * len([t for t in q.tables() if t.id in shown.questions]) // 2


def _cards(page, table: str):
    return page.locator(f'[data-table="{table}"] > .row-card')


def _fill_required(page, index: int, company: str) -> None:
    """The tiers row's required cells, so that saving never stops at a missing one."""
    page.fill(f"#tiers-{index}-tier", str(index + 1))
    page.select_option(f"#tiers-{index}-process_step", "assembly")
    page.fill(f"#tiers-{index}-company", company)
    page.select_option(f"#tiers-{index}-country", "MY")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_add_fill_condition_remove_keeps_answers(browser, live, masks, javascript):
    """The tiers table: a row's audit date shows only when that row names an audit
    standard other than "none"; rows are added and removed with answers kept."""
    tiers = masks.questions["tiers"]
    assert isinstance(tiers, TableQuestion)
    section = masks.section_of["tiers"]
    answers = _answers(masks)
    answers.pop("tiers")
    link = _seed(live, masks, answers)
    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(link)
    url = f"{live.url}/supplier/section/{section.id}"
    try:
        page.goto(url)
        cards = _cards(page, "tiers")
        assert cards.count() == 1  # the empty starter row
        _fill_required(page, 0, "Hubei Anxin Medical")
        page.select_option("#tiers-0-audit_standard", "none")
        if not javascript:
            page.click('button[name="action"][value="save"]')
        date_cell = '.row-card[data-row="{}"] .cell[data-column="audit_date"]'
        assert page.locator(date_cell.format(0)).is_hidden()
        page.click('button[name="action"][value="add:tiers"]')
        assert _cards(page, "tiers").count() == 2
        if javascript:  # the new row's first field has the focus
            assert page.evaluate("document.activeElement.id") == "tiers-1-tier"
        else:  # the page comes back at the new row
            assert page.url.endswith("#tiers-1")
        assert page.locator("#tiers-1-company").is_visible()
        assert page.locator(".row-card").nth(1).locator("legend.row-title").inner_text() == "Rad 2"
        _fill_required(page, 1, "Klang Resin Sdn Bhd")
        standard = page.locator("#tiers-1-audit_standard option").nth(1).get_attribute("value")
        assert standard not in ("", "none")
        page.select_option("#tiers-1-audit_standard", standard)
        if not javascript:
            page.click('button[name="action"][value="save"]')
        assert page.locator(date_cell.format(1)).is_visible()
        assert page.locator(date_cell.format(0)).is_hidden()
        assert page.get_by_label("Rad 2: Datum för senaste revision", exact=False).count() == 1
        SHOTS.mkdir(exist_ok=True)
        page.locator("#tiers-1").evaluate("e => e.scrollIntoView()")
        page.screenshot(path=str(SHOTS / f"added-row-{'js' if javascript else 'no-js'}.png"))
        page.click('button[name="action"][value="add:tiers"]')
        assert _cards(page, "tiers").count() == 3
        _fill_required(page, 2, "Ta bort AB")
        page.click('button[name="action"][value="remove:tiers:2"]')
        assert _cards(page, "tiers").count() == 2
        page.click('button[name="action"][value="remove:tiers:0"]')
        assert _cards(page, "tiers").count() == 1
        assert page.locator("#tiers-0-company").input_value() == "Klang Resin Sdn Bhd"
        page.click('button[name="action"][value="save"]')
        page.goto(url)
        assert _cards(page, "tiers").count() == 1
        assert page.locator("#tiers-0-company").input_value() == "Klang Resin Sdn Bhd"
        assert page.locator("#tiers-0-audit_standard").input_value() == standard
        assert page.locator(date_cell.format(0)).is_visible()
    finally:
        context.close()


def test_the_empty_starter_row_is_not_a_row_in_the_browser(browser, live, masks):
    """With JavaScript, the question asked only while no audit is reported stays shown
    over the empty starter row of the audits table, hides once a row has a value, and
    comes back when that row is removed, as the server decides."""
    asked = masks.questions["no_audit_reason"]
    assert asked.show_if is not None and "count(audits)" in asked.show_if.source
    answers = _answers(masks)
    answers.pop("audits", None)
    link = _seed(live, masks, answers)
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    try:
        page.goto(f"{live.url}/supplier/section/{masks.section_of['audits'].id}")
        assert _cards(page, "audits").count() == 1
        assert page.locator("#q-no_audit_reason").is_visible()
        page.fill("#audits-0-site", "Kota Bharu")
        assert page.locator("#q-no_audit_reason").is_hidden()
        page.fill("#audits-0-site", "")
        assert page.locator("#q-no_audit_reason").is_visible()
        page.fill("#audits-0-site", "Kota Bharu")
        page.click('button[name="action"][value="remove:audits:0"]')
        assert _cards(page, "audits").count() == 0
        assert page.locator("#q-no_audit_reason").is_visible()
        assert page.evaluate("document.activeElement.value") == "add:audits"
    finally:
        context.close()


def test_a_new_row_hides_its_conditional_cells_from_the_start(browser, live):
    """A column asked only once the row names an audit standard stays hidden in a row
    just added, in the row that names one it appears, and in no other row."""
    q = load_file(ROOT / "questionnaires" / "it-hardware.yaml")
    table = next(t for t in q.tables() if any(
        c.show_if is not None and "answered(" in c.show_if.source for c in t.columns))
    column = next(c for c in table.columns if c.show_if is not None)
    answers = _answers(q)
    answers.pop(table.id, None)
    link = _seed(live, q, answers)
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    cell = '[data-table="{}"] > .row-card[data-row="{}"] .cell[data-column="{}"]'
    try:
        page.goto(f"{live.url}/supplier/section/{q.section_of[table.id].id}")
        assert page.locator(cell.format(table.id, 0, column.id)).is_hidden()
        page.click(f'button[name="action"][value="add:{table.id}"]')
        assert page.locator(cell.format(table.id, 1, column.id)).is_hidden()
        standard = page.locator(f"#{table.id}-1-audit_standard option").nth(1)
        page.select_option(f"#{table.id}-1-audit_standard", standard.get_attribute("value"))
        assert page.locator(cell.format(table.id, 1, column.id)).is_visible()
        assert page.locator(cell.format(table.id, 0, column.id)).is_hidden()
    finally:
        context.close()
