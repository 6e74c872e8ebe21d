"""Staff sign-in in Chromium: a crafted `next` keeps the browser on this site, and a
paused account is told when to try again, in Swedish and English, at desktop and phone
widths, with the keyboard only, with and without JavaScript; axe finds nothing.

Screenshots go to KEDJEKOLL_SHOTS when it names a folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import STAFF_PASSWORD
from webapp.store.db import unit_of_work
from webapp.store.staff import add_user, by_email
from webapp.supplier.limits import limiter

SHOTS = os.environ.get("KEDJEKOLL_SHOTS")
EMAIL = "signin-browser@region.example"
AGAIN = {"sv": re.compile(r"Försök igen kl\.\s\d\d:\d\d\."),
         "en": re.compile(r"Try again at \d\d:\d\d\.")}


@pytest.fixture
def staff(live, monkeypatch):
    """A staff account on the live server; two failures pause an account here."""
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        if by_email(session, EMAIL) is None:
            add_user(session, EMAIL, "Signe Inloggning", "reviewer", "test", STAFF_PASSWORD)
    monkeypatch.setitem(live.app.config, "SIGN_IN_ACCOUNT_LIMITS", "2 per minute")
    limiter.reset()
    return EMAIL


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def type_and_send(page, email: str, password: str) -> None:
    """Fill the form and send it with the keyboard only, as its first tab stops."""
    page.locator("#email").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_next_with_a_tab_keeps_the_browser_on_this_site(context, live, staff):
    """S7: `next=/%09/evil.example/` once sent Chromium to evil.example after signing in
    (the tab is dropped by the browser, leaving //evil.example/); now it lands on the
    staff overview of this site."""
    left = []
    context.route(re.compile(r"^https?://evil\.example/"),
                  lambda route: (left.append(route.request.url),
                                 route.fulfill(body="another site")))
    page = context.new_page()
    page.goto(f"{live.url}/staff/login?next=/%09/evil.example/")
    type_and_send(page, staff, STAFF_PASSWORD)
    assert left == []
    assert page.url == f"{live.url}/staff/"
    assert page.locator(".signed-in").is_visible()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_paused_account_reads_when_to_try_again(browser, live, staff, lang):
    """S7: past the account's budget the sign-in page says at what time to try again,
    keeps the typed e-mail, reads well at 1280 and 390 px and passes axe; without
    JavaScript it works the same."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for width, height in ((1280, 800), (390, 844)):
        limiter.reset()
        context = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB",
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{live.url}/staff/login?lang={lang}")
        type_and_send(page, staff, "not the password")
        assert page.locator("#error-summary").is_visible()
        type_and_send(page, staff.upper(), "not the password either")
        summary = page.locator("#error-summary")
        assert AGAIN[lang].search(summary.inner_text()), summary.inner_text()
        assert page.input_value("#email") == staff.upper()
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in axe.run(page).response["violations"]]
        assert violations == [], violations
        width_of_page = page.evaluate("document.documentElement.scrollWidth")
        assert width_of_page <= width, width_of_page
        shot(page, f"sign-in-paused-{lang}-{width}")
        context.close()
    limiter.reset()
    plain = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = plain.new_page()
    page.goto(f"{live.url}/staff/login?lang={lang}")
    type_and_send(page, staff, "wrong once")
    type_and_send(page, staff, "wrong twice")
    assert AGAIN[lang].search(page.locator("#error-summary").inner_text())
    plain.close()
