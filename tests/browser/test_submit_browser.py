"""Submitting explains itself and a file is never lost, in Chromium (issue 10).

With JavaScript on and off, at 1280 and 390 px: a refused submit shows the error
summary (with the focus on it when JavaScript runs), the box keeps its tick, and
following a summary line lands on the field on its section page; a PDF uploaded on a
page where another answer is wrong is kept and listed; a button's save right after an
autosave is no conflict. axe finds nothing on the pages seen.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from webapp.definitions.examples import example_answers
from webapp.store.db import unit_of_work
from webapp.store.models import Response
from webapp.store.responses import draft_answers, save_draft

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SHOTS = Path("/tmp/kedjekoll-submit-shots")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _seed(live, q, answers) -> tuple[int, str]:
    (response_id, link), = live.invite(q)
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        response = session.get(Response, response_id)
        save_draft(session, response, answers, response.draft_version, "test")
    return response_id, link


def _all_but_one_cell(q):
    """Every question answered, with the company name of tier row 3 left blank."""
    answers = example_answers(q, random.Random(7), files_for=lambda _q: [])
    rows = [dict(answers["tiers"][0], company=f"Företag {n}") for n in (1, 2, 3)]
    del rows[2]["company"]
    answers["tiers"] = rows
    return answers


def _axe(page, javascript: bool) -> None:
    if not javascript:
        return  # axe runs as a script: the JavaScript run checks the same pages
    from axe_playwright_python.sync_playwright import Axe

    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                  for v in Axe().run(page).response["violations"]]
    assert violations == [], (page.url, violations)


def _in_view(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0; }""")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_a_refused_submit_shows_the_summary_and_its_link_lands_on_the_field(
        browser, live, masks, javascript, width):
    _, link = _seed(live, masks, _all_but_one_cell(masks))
    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    try:
        page.goto(link)
        page.goto(f"{live.url}/supplier/check")
        assert page.locator(".missing-answer", has_text="Saknas – obligatorisk").count() == 1
        page.click("form.submit-form button[type=submit]")  # the box not ticked
        assert page.locator("#confirm-box-error").is_visible()
        to_box = page.locator("#error-summary a", has_text="Kryssa i rutan")
        assert to_box.count() == 1
        to_box.click()
        assert _in_view(page, "#confirm-box")
        if javascript:
            assert page.evaluate("document.activeElement.id") == "confirm-box"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"box-{width}-js{int(javascript)}.png"))
        page.check("#confirm-box")
        with page.expect_response(lambda r: r.url.endswith("/supplier/submit")) as answer:
            page.click("form.submit-form button[type=submit]")
        assert answer.value.status == 422
        summary = page.locator("#error-summary")
        assert summary.is_visible() and _in_view(page, "#error-summary h2")
        line = summary.locator("li a")
        assert line.count() == 1
        text = " ".join(line.inner_text().split())
        assert "Kartläggning av leveranskedjan › Leveranskedjan led för led" in text
        assert "Rad 3, Juridiskt företagsnamn: Fyll i uppgiften" in text
        assert page.is_checked("#confirm-box")
        if javascript:
            assert page.evaluate("document.activeElement.id") == "error-summary"
        _axe(page, javascript)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"refused-{width}-js{int(javascript)}.png"))
        line.click()
        page.wait_for_load_state()
        assert page.url.endswith("/supplier/section/mapping#tiers-2-company")
        assert page.locator("#tiers-2-company").is_visible()
        assert _in_view(page, "#tiers-2-company")
        assert page.get_attribute("#tiers-2-company", "aria-invalid") == "true"
        assert "Rad 3, Juridiskt företagsnamn: Fyll i uppgiften" in \
            page.inner_text("#tiers-2-company-error")
        if javascript:
            assert page.evaluate("document.activeElement.id") == "tiers-2-company"
            assert _in_view(page, 'label[for="tiers-2-company"]'), page.evaluate(
                "[document.querySelector('label[for=\"tiers-2-company\"]').getBoundingClientRect().top,"
                " window.scrollY, location.hash]")
        page.screenshot(path=str(SHOTS / f"landed-{width}-js{int(javascript)}.png"))
        page.fill("#tiers-2-company", "Hubei Anxin Medical")
        page.click('button[name="action"][value="save"]')
        page.goto(f"{live.url}/supplier/check")
        page.check("#confirm-box")
        page.click("form.submit-form button[type=submit]")
        assert "/supplier/receipt/1" in page.url
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_upload_survives_an_error_elsewhere_on_the_page(browser, live, masks,
                                                           javascript, tmp_path):
    answers = {"code_of_conduct": "yes", "dd_process": "no"}
    response_id, link = _seed(live, masks, answers)
    report = tmp_path / "revisionsrapport.pdf"
    report.write_bytes(PDF)
    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(link)
        page.goto(f"{live.url}/supplier/section/policy")
        page.set_input_files("#code_file", str(report))
        page.fill("#code_revised", "2099-01-01")  # after today: refused
        page.click('button[name="action"][value="save"]')
        assert page.locator("#error-summary").is_visible()
        assert page.locator(".flash", has_text="Filen revisionsrapport.pdf sparades.").count()
        listed = page.locator("#q-code_file a", has_text="revisionsrapport.pdf")
        assert listed.count() == 1
        remove = page.get_by_role("button", name="Ta bort revisionsrapport.pdf")
        assert remove.count() == 1
        _axe(page, javascript)
        page.screenshot(path=str(SHOTS / f"upload-kept-js{int(javascript)}.png"), full_page=True)
        page.fill("#code_revised", "2025-05-01")
        page.click('button[name="action"][value="save"]')
        assert page.locator("#error-summary").count() == 0
        with live.app.app_context(), live.app.extensions["kedjekoll.sessions"]() as session:
            stored = draft_answers(session, session.get(Response, response_id))
        assert len(stored["code_file"]) == 1 and stored["code_revised"] == "2025-05-01"
        page.get_by_role("button", name="Ta bort revisionsrapport.pdf").click()
        assert page.locator("#q-code_file a", has_text="revisionsrapport.pdf").count() == 0
    finally:
        context.close()


def test_a_save_right_after_an_autosave_is_no_conflict(browser, live, masks):
    _, link = _seed(live, masks, {})
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(link)
        page.goto(f"{live.url}/supplier/section/contact")
        for n in range(3):  # a click at about the moment the autosave leaves, three times
            page.fill('[name="company_name"]', f"Eget fönster {n} AB")
            page.wait_for_timeout(2450 + 40 * n)
            with page.expect_navigation():  # (it may first wait for the autosave)
                page.click('button[name="action"][value="save"]')
            assert page.locator("#conflict").count() == 0, n
            assert page.locator(".flash", has_text="Sparat kl.").count() == 1, n
            assert page.input_value('[name="company_name"]') == f"Eget fönster {n} AB"
    finally:
        context.close()
