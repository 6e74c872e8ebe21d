"""A control character pasted into a form, in Chromium (issue 13, item 6): the supplier
sees the error summary and the field error and keeps what was typed, with JavaScript on
and off, in Swedish at 1280 px and in English on a 390 px phone; an administrator sees a
filter's error at the filter. Both pages pass axe. shared/security.md R9."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.browser.filler import SAVE
from tests.browser.test_supplier_browser import axe_check
from tests.conftest import STAFF_PASSWORD
from webapp.store.db import unit_of_work
from webapp.store.models import Answer
from webapp.store.staff import add_user

#: Word's manual line break, as it arrives when a paragraph is pasted from Word
WORD_BREAK = "\x0b"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_pasted_control_character_is_shown_at_its_field(browser, live, masks, tmp_path,
                                                         javascript):
    """R9: the summary links to the field, which says what to remove; the other answers
    are kept on the page and stored; the page passes axe (with JavaScript)."""
    from axe_playwright_python.sync_playwright import Axe

    [(response_id, link)] = live.invite(masks)
    for lang, width in (("sv", 1280), ("en", 390)):
        context = browser.new_context(locale="sv-SE", java_script_enabled=javascript,
                                      viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{link}")
        page.goto(f"{live.url}/supplier/section/contact?lang={lang}")
        page.fill("#company_name", "Hubei Anxin AB")
        page.fill("#contact_name", f"Anna{WORD_BREAK}Berg")
        page.click(SAVE)
        summary = page.locator("#error-summary")
        summary.wait_for()
        expected = "Ta bort tecknet" if lang == "sv" else "Remove the character"
        assert expected in summary.inner_text() and "U+000B" in summary.inner_text()
        assert page.locator("#contact_name-error").is_visible()
        assert page.input_value("#company_name") == "Hubei Anxin AB"
        assert page.get_attribute("#contact_name", "aria-invalid") == "true"
        page.screenshot(path=str(tmp_path / f"supplier-{lang}-{width}-{javascript}.png"),
                        full_page=False)
        if javascript:
            axe_check(page, Axe(), set())
        summary.locator("a").first.click()  # the link takes the keyboard to the field
        assert page.evaluate("document.activeElement.id") == "contact_name"
        context.close()
    with live.app.extensions["kedjekoll.sessions"]() as session:
        stored = dict(session.execute(select(Answer.question_id, Answer.value).where(
            Answer.response_id == response_id)).all())
    assert stored.get("company_name") == "Hubei Anxin AB" and "contact_name" not in stored


def test_an_audit_filter_with_a_nul_is_shown_at_the_filter(browser, live, tmp_path):
    """R9: a hand-edited address with a NUL gives the page, not a 500 (on PostgreSQL)."""
    from axe_playwright_python.sync_playwright import Axe

    email = f"admin-{uuid.uuid4().hex[:6]}@region.example"
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, email, "Rut Revisor", "admin", "test", STAFF_PASSWORD)
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live.url, email)
    answer = page.goto(f"{live.url}/staff/audit?actor=kim%00%40a.example")
    assert answer.status == 200
    error = page.locator("#f-actor-error")
    assert "Ta bort tecknet (U+0000) ur ”Vem”" in error.inner_text()
    page.screenshot(path=str(tmp_path / "audit-sv-1280.png"))
    axe_check(page, Axe(), set())
    context.close()
