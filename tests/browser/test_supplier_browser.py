"""The supplier's whole flow in Chromium, with and without JavaScript, checked by axe."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from tests.browser.filler import CONTINUE, fill_section
from tests.factories import make_staff
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import visibility
from webapp.store import reviews
from webapp.store.db import unit_of_work
from webapp.store.models import Response, Submission

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def masks_answers(q):
    """A complete response: three tiers, one of them in Xinjiang, and the code of conduct."""
    answers = example_answers(q, random.Random(11), overrides={"code_of_conduct": "yes"},
                              files_for=lambda _q: ["upload"])
    base = {c.id: None for c in q.questions["tiers"].columns}
    tiers = [dict(base, tier=1, step="assembly", company="Jiangsu Assembly Ltd",
                  country="CN", region="CN-JS"),
             dict(base, tier=2, step="meltblown", company="Hotan Nonwoven Co",
                  country="CN", region="CN-XJ"),
             dict(base, tier=3, step="pp_resin", company="Klang Resin Sdn Bhd",
                  country="MY", region="MY-10")]
    for row in tiers:
        for key, value in answers["tiers"][0].items():
            if row.get(key) is None and key not in ("evidence", "audit_date", "audit_standard"):
                row[key] = value
        row["audit_standard"] = "none"
    return example_answers(q, random.Random(11), overrides={
        "code_of_conduct": "yes", "tiers": tiers}, files_for=lambda _q: ["upload"])


def axe_check(page, axe, seen: set):
    if axe is None:  # JavaScript is off in this browser: axe cannot run; the JS run checks
        return
    results = axe.run(page)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == [], (page.url, violations)
    seen.add(re.sub(r"/\d+$", "/N", page.url.split("#")[0].split("?")[0].split("127.0.0.1:")[1]
                    .split("/", 1)[1]))


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def complete(page, q, answers, files, axe, checked):
    shown = visibility(q, answers)
    for section in q.sections:
        if section.id not in shown.sections:
            continue
        assert f"/supplier/section/{section.id}" in page.url, page.url
        axe_check(page, axe, checked)
        fill_section(page, q, section, answers, files)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_masks_questionnaire_end_to_end(browser, live, masks, axe, tmp_path, javascript):
    [(response_id, link)] = live.invite(masks)
    evidence = tmp_path / "uppförandekod.pdf"
    evidence.write_bytes(PDF)
    files = {"code_file": evidence}
    answers = masks_answers(masks)
    dialogs: list[str] = []
    checked: set[str] = set()
    axe = axe if javascript else None

    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(link)
    assert page.url.endswith("/supplier/") and "/i/" not in page.url
    axe_check(page, axe, checked)
    page.click("a.button")

    # the first section, then a condition that appears and disappears
    fill_section(page, masks, masks.sections[0], answers, files)
    fill_section(page, masks, masks.sections[1], answers, files)
    assert "/section/policy" in page.url
    code_file = page.locator("#q-code_file")
    if javascript:
        page.check('input[name="code_of_conduct"][value="no"]')
        assert not code_file.is_visible()
        page.check('input[name="code_of_conduct"][value="yes"]')
        assert code_file.is_visible()
    else:
        page.check('input[name="code_of_conduct"][value="yes"]')
        page.click('button[name="action"][value="save"]')
        assert code_file.is_visible()
    # close the browser half-way and come back in a new one
    policy = masks.sections[2]
    fill_section(page, masks, policy, answers, files)
    context.close()
    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(link)
    assert page.locator(".state-complete").count() >= 3
    page.goto(f"{live.url}/supplier/section/{policy.id}")
    assert "uppförandekod.pdf" in page.content()
    page.click(CONTINUE)
    rest = [s for s in masks.sections[3:] if s.id in visibility(masks, answers).sections]
    for section in rest:
        assert f"/section/{section.id}" in page.url, (page.url, section.id)
        axe_check(page, axe, checked)
        fill_section(page, masks, section, answers, files)

    assert page.url.split("#")[0].endswith("/supplier/check")
    axe_check(page, axe, checked)
    assert "Svar saknas" not in page.content(), page.locator("#error-summary").inner_text()
    assert "Hotan Nonwoven Co" in page.content()
    page.check("#confirm-box")
    page.click(".submit-form button[type=submit]")
    assert page.url.split("#")[0].endswith("/supplier/receipt/1")
    axe_check(page, axe, checked)
    receipt = page.locator(".receipt").inner_text()
    page.goto(f"{live.url}/supplier/print")
    axe_check(page, axe, checked)

    with live.app.app_context(), live.app.extensions["kedjekoll.sessions"]() as session:
        submission = session.scalar(select(Submission).where(
            Submission.response_id == response_id))
        assert submission.receipt == receipt
        tiers = submission.answers["tiers"]
        assert [t["region"] for t in tiers] == ["CN-JS", "CN-XJ", "MY-10"]
        assert len(submission.answers["code_file"]) == 1
        assert any(f["id"] == "tier_in_xinjiang" for f in submission.score["flags"])
        assert submission.rating == "high"

    # the reviewer asks for a clarification; the supplier answers it
    question = "dd_description"
    with live.app.app_context(), unit_of_work(live.app.extensions["kedjekoll.sessions"]) as s:
        response = s.get(Response, response_id)
        reviewer = make_staff(s)
        reviews.start_review(s, response, reviewer)
        reviews.request_clarification(s, response, {question: "Beskriv processen konkret."},
                                      reviewer)
    page.goto(f"{live.url}/supplier/")
    axe_check(page, axe, checked)
    assert "Beskriv processen konkret." in page.content()
    page.click(f'a[href$="#q-{question}"]')
    axe_check(page, axe, checked)
    page.fill(f'[name="{question}"]', "Vi reviderar varje led vartannat år; rapporter bifogas.")
    page.click(CONTINUE)
    page.goto(f"{live.url}/supplier/check")
    page.check("#confirm-box")
    page.click(".submit-form button[type=submit]")
    assert page.url.split("#")[0].endswith("/supplier/receipt/2")
    assert dialogs == []
    if javascript:
        assert {"supplier/", "supplier/check", "supplier/receipt/N", "supplier/print"} <= checked
        assert sum(1 for c in checked if c.startswith("supplier/section/")) >= 6
    context.close()


def test_error_pages_and_the_invalid_link_pass_axe(browser, live, axe):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live.url}/i/{'n' * 43}")
    assert "Länken fungerar inte" in page.content()
    axe.run(page)
    assert axe.run(page).response["violations"] == []
    page.goto(f"{live.url}/supplier/")
    assert axe.run(page).response["violations"] == []
    context.close()


def test_autosave_saves_while_typing(browser, live, masks):
    [(response_id, link)] = live.invite(masks)
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(link)
    page.goto(f"{live.url}/supplier/section/contact")
    page.fill('[name="company_name"]', "Autosparat AB")
    page.wait_for_selector(".save-status:has-text('Sparat kl.')", timeout=15000)
    with live.app.app_context(), live.app.extensions["kedjekoll.sessions"]() as session:
        from webapp.store.responses import draft_answers

        response = session.get(Response, response_id)
        assert draft_answers(session, response)["company_name"] == "Autosparat AB"
    page.fill('[name="contact_name"]', "Kim")
    page.click('button[name="action"][value="save"]')  # after an autosave: no conflict
    assert page.locator("#conflict").count() == 0
    assert "Sparat kl." in page.locator(".flash").inner_text()
    context.close()
