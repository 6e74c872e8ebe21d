"""Account administration in Chromium: an administrator invites a reviewer, the mail
arrives over real SMTP, its link sets a password, the reviewer signs in; then the
administrator deactivates them and their open browser is signed out on the next click.

The pages pass axe in Swedish and English; the invitation works with JavaScript off.
Screenshots go to KEDJEKOLL_SHOTS when it names a folder.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import STAFF_PASSWORD
from tests.smtp import body
from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.staff import add_user
from webapp.supplier.limits import limiter

SHOTS = os.environ.get("KEDJEKOLL_SHOTS")
LINK = re.compile(r"https?://\S+/staff/password/[A-Za-z0-9_-]{40,}")


@pytest.fixture
def site(tmp_path, smtp):
    """An app of its own that mails through the test SMTP server, its links pointing at
    itself; an administrator to sign in with."""
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True,
                      "BUYER_NAME": "Region Norr", **smtp.config()})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, "chef@region.example", "Cecilia Chef", "admin", "test",
                 STAFF_PASSWORD)
    yield url
    server.shutdown()
    thread.join(timeout=10)


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page, url: str, email: str, password: str = STAFF_PASSWORD) -> None:
    page.goto(f"{url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def no_violations(axe, page) -> None:
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                  for v in axe.run(page).response["violations"]]
    assert violations == [], (page.url, violations)


def test_invite_set_password_sign_in_and_deactivate(browser, site, smtp):
    # the administrator invites, with JavaScript off (the form posts on its own)
    admin_context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    admin_context.set_default_timeout(10_000)
    admin = admin_context.new_page()
    sign_in(admin, site, "chef@region.example")
    admin.goto(f"{site}/staff/accounts")
    admin.fill("#name", "Sara Lind")
    admin.fill("#email", "chef@region.example")  # taken: the error keeps what was typed
    admin.click("form.invite button[type=submit]")
    assert "chef@region.example har redan ett konto" in admin.inner_text(".error-summary")
    assert admin.input_value("#name") == "Sara Lind"
    admin.fill("#email", "Sara.Lind@region.example")
    admin.check("#role-reviewer")
    admin.select_option("#language", "sv")
    admin.click("form.invite button[type=submit]")
    assert "Sara Lind är inbjuden" in admin.inner_text(".flashes")
    row = admin.locator("tr", has_text="sara.lind@region.example")
    assert "Inbjuden, har inte valt lösenord än" in row.inner_text()
    assert "Ett lösenordsmejl väntar i utkorgen" in row.inner_text()
    admin.goto(f"{site}/staff/outbox")
    admin.click("text=Skicka väntande e-post nu")
    [mail] = smtp.messages
    assert mail["To"] == "sara.lind@region.example"

    # Sara opens the mailed link, chooses a password and signs in
    sara_context = browser.new_context(locale="sv-SE")
    sara_context.set_default_timeout(10_000)
    sara = sara_context.new_page()
    sara.goto(LINK.search(body(mail)).group(0))
    assert sara.url.endswith("/staff/password")  # the token left the address bar
    sara.fill("#password", "Saras eget lösenord")
    sara.fill("#repeat", "Saras eget lösenord")
    sara.click("main button[type=submit]")
    assert "Ditt lösenord är sparat" in sara.content() or sara.url.endswith("/staff/login")
    sign_in(sara, site, "sara.lind@region.example", "Saras eget lösenord")
    assert sara.url.endswith("/staff/")
    assert "Sara Lind" in sara.inner_text(".site-header")

    # the administrator deactivates Sara after a confirmation
    admin.goto(f"{site}/staff/accounts")
    admin.click("table a:has-text('Sara Lind')")
    assert "Senast inloggad" in admin.content() and "Aldrig" not in admin.inner_text("dl")
    admin.click("text=Inaktivera Sara Lind…")
    assert "loggas ut direkt, i alla webbläsare" in admin.content()
    admin.click("text=Ja, inaktivera Sara Lind")
    assert "Sara Lind är inaktiverad och utloggad överallt" in admin.inner_text(".flashes")

    # Sara's open page is signed out on her next click
    sara.click("a.brand")
    assert "/staff/login" in sara.url
    sign_in(sara, site, "sara.lind@region.example", "Saras eget lösenord")
    assert "/staff/login" in sara.url and "fel" in sara.inner_text(".error-summary")
    sara_context.close()
    admin_context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_account_pages_pass_axe_and_fit_a_phone(browser, site, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(locale="sv-SE" if lang == "sv" else "en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, site, "chef@region.example")
    page.goto(f"{site}/staff/accounts?lang={lang}")
    page.fill("#name", "Per Ek")
    page.fill("#email", "per-at-region")
    page.click("form.invite button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    no_violations(axe, page)  # the page with an error
    shot(page, f"accounts-error-{lang}-1280")
    page.fill("#email", "per@region.example")
    page.click("form.invite button[type=submit]")
    no_violations(axe, page)
    shot(page, f"accounts-{lang}-1280")
    page.click("table a:has-text('Per Ek')")
    no_violations(axe, page)
    shot(page, f"account-{lang}-1280")
    person = page.url
    page.click("a.button.secondary")
    no_violations(axe, page)
    shot(page, f"deactivate-{lang}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/staff/accounts", "accounts"), (person.removeprefix(site), "account")):
        page.goto(f"{site}{path}")
        no_violations(axe, page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, (path, wide)
        shot(page, f"{name}-{lang}-390")
    # the last administrator is told why she cannot demote herself
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/staff/accounts")
    page.click("table a:has-text('Cecilia Chef')")
    page.check("#role-reviewer")
    page.click("text=Byt roll" if lang == "sv" else "text=Change the role")
    assert "chef@region.example" in page.inner_text(".error-summary")
    no_violations(axe, page)
    shot(page, f"last-admin-{lang}-1280")
    context.close()


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_invite_and_deactivate_with_the_keyboard_only(browser, site):
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, site, "chef@region.example")
    page.goto(f"{site}/staff/accounts")
    tab_to(page, "#name")
    page.keyboard.type("Olle Tangent")
    tab_to(page, "#email")
    page.keyboard.type("olle@region.example")
    tab_to(page, "#role-reviewer")
    page.keyboard.press("ArrowDown")  # the radio group: on to administrator
    assert page.is_checked("#role-admin")
    tab_to(page, "form.invite button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/staff/accounts")
    assert "Olle Tangent är inbjuden" in page.inner_text(".flashes")
    tab_to(page, "table a[href*='/staff/accounts/']:not([href$='/1'])")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Olle Tangent')")
    assert "Administratör" in page.inner_text("dl")
    tab_to(page, "a.button.secondary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/deactivate")  # the confirmation page, before tabbing on it
    page.wait_for_selector("button.danger")
    tab_to(page, "button.danger")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: not url.endswith("/deactivate"))
    page.wait_for_selector(".flashes")
    assert "Olle Tangent är inaktiverad" in page.inner_text(".flashes")
    context.close()
