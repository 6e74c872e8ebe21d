"""In Chromium, JavaScript off, by keyboard: close a campaign through its confirmation
page, reopen it, give one supplier a later deadline and see it on the supplier's page.

Every new page is checked by axe, fits a 390 px phone without sideways scroll, and is
photographed in Swedish and English (responses/screenshots/campaign-*.png).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from webapp.formats import date_text
from webapp.store.db import unit_of_work
from webapp.store.models import Response
from webapp.store.responses import save_draft
from webapp.store.staff import add_user

SHOTS = Path(__file__).resolve().parents[2] / "responses" / "screenshots"


def _violations(axe, page) -> list:
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in axe.run(page).response["violations"]]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")


def _press(page, selector: str, limit: int = 300) -> None:
    """Tab until `selector` has the focus, then press Enter: the keyboard's way."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"{selector} is never reached with Tab")


def _check(axe, page, name: str, url: str) -> None:
    """axe finds nothing on the page; photographed at 1280 and 390 px in Swedish and
    English, it fits each width. `page` runs scripts (axe needs them); GETs change nothing.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("sv", "en"):
        page.goto(f"{url}?lang={lang}")
        assert _violations(axe, page) == [], (name, lang)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            assert _fits(page), (name, lang, width)
            page.screenshot(path=str(SHOTS / f"campaign-{name}-{lang}-{width}.png"),
                            full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_close_reopen_and_more_time_for_one_supplier(browser, live, masks):
    from axe_playwright_python.sync_playwright import Axe

    (first, first_link), (second, second_link), _third = live.invite(masks, suppliers=3)
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        drafting = session.get(Response, first)
        save_draft(session, drafting, {}, 0, "kim")
        campaign_id, deadline = drafting.campaign_id, drafting.campaign.deadline
        add_user(session, "actions@region.example", "Rut Kampanj", "reviewer", "test",
                 STAFF_PASSWORD)
    axe = Axe()
    staff = browser.new_context(locale="sv-SE", java_script_enabled=False)
    staff.set_default_timeout(10_000)
    page = staff.new_page()  # acts: JavaScript off, keyboard only
    sign_in(page, live.url, "actions@region.example")
    looker = browser.new_context(locale="sv-SE")
    looker.set_default_timeout(10_000)
    look = looker.new_page()  # checks with axe and photographs
    sign_in(look, live.url, "actions@region.example")
    base = f"{live.url}/staff/campaigns/{campaign_id}"

    # the campaign page: closing is a link near the end, to a page that asks first
    page.goto(f"{live.url}/staff/campaigns/{campaign_id}?lang=sv")
    assert page.locator("form[action$='/close']").count() == 0
    _press(page, f"a[href='/staff/campaigns/{campaign_id}/close']")
    assert page.url.endswith(f"/staff/campaigns/{campaign_id}/close")
    assert page.locator("h1").inner_text() == "Stänga kampanjen?"
    counts = page.locator("#close-counts").inner_text()
    assert "Inbjudningar som dras tillbaka" in counts
    assert "3: 2 har inte börjat, 1 har ett sparat utkast" in " ".join(counts.split())
    _check(axe, look, "close", f"{base}/close")
    _press(page, "button.danger")
    assert "Kampanjen stängdes. Leverantörer som inte längre kan svara: 3." in page.content()
    assert page.locator("#campaign-closed").is_visible()
    _check(axe, look, "page-closed", base)

    # the supplier with a draft sees it held
    supplier = browser.new_context(locale="sv-SE")
    supplier.set_default_timeout(10_000)
    their = supplier.new_page()
    their.goto(first_link)
    assert "har avslutat den här uppföljningen" in their.locator("#campaign-closed").inner_text()
    assert _violations(axe, their) == []
    their.set_viewport_size({"width": 390, "height": 900})
    assert _fits(their)
    their.screenshot(path=str(SHOTS / "campaign-supplier-closed-sv-390.png"))

    # reopen, after a page that says what comes back
    page.goto(f"{live.url}/staff/campaigns/{campaign_id}?lang=sv")
    _press(page, "#campaign-closed a")
    assert page.locator("h1").inner_text() == "Öppna kampanjen igen?"
    assert "Leverantörer som kan svara igen" in page.locator("#reopen-counts").inner_text()
    _check(axe, look, "reopen", f"{base}/reopen")
    _press(page, "form.confirm-action button")
    assert "Kampanjen är öppen igen." in page.content()
    assert page.locator("#campaign-closed").count() == 0
    their.goto(f"{live.url}/supplier/")
    assert their.locator("#campaign-closed").count() == 0

    # one week more for the second supplier
    later = deadline + timedelta(days=7)
    page.goto(f"{live.url}/staff/responses/{second}?lang=sv")
    _press(page, f"a[href='/staff/responses/{second}/deadline']")
    assert page.locator("h1").inner_text().startswith("Förläng svarstiden")
    _check(axe, look, "deadline", f"{live.url}/staff/responses/{second}/deadline")
    _press(page, "form[action$='/deadline'] button[type=submit]")  # nothing filled in
    assert page.locator("#error-summary").is_visible()
    assert "Skriv med några ord varför" in page.locator("#error-summary").inner_text()
    look.goto(f"{live.url}/staff/responses/{second}/deadline?lang=en")
    look.click("form[action$='/deadline'] button[type=submit]")
    assert "Say why the supplier gets more time" in look.content()
    assert _violations(axe, look) == []
    look.set_viewport_size({"width": 390, "height": 900})
    look.screenshot(path=str(SHOTS / "campaign-deadline-error-en-390.png"), full_page=True)
    look.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#deadline", later.isoformat())
    page.fill("#reason", "Väntar på revisionsrapporten från fabriken i Kulim")
    page.click("form[action$='/deadline'] button[type=submit]")
    assert f"har nu till {date_text(later, 'sv')} på sig" in page.content()
    section = page.locator("#deadline").inner_text()
    assert date_text(later, "sv") in section and "Kulim" in section
    row = page.goto(f"{live.url}/staff/campaigns/{campaign_id}?lang=sv")
    assert row.ok and f"svarstid förlängd till {date_text(later, 'sv')}" in page.content()

    other = supplier.new_page()
    other.goto(second_link)
    facts = other.locator("dl.facts").inner_text()
    assert date_text(later, "sv") in facts and date_text(deadline, "sv") not in facts
    other.set_viewport_size({"width": 390, "height": 900})
    assert _fits(other)
    other.screenshot(path=str(SHOTS / "campaign-supplier-deadline-sv-390.png"), full_page=True)
    look.goto(f"{live.url}/staff/responses/{second}?lang=sv")
    assert _violations(axe, look) == []
    look.locator("#deadline").screenshot(path=str(SHOTS / "campaign-review-deadline-sv.png"))
    for context in (staff, looker, supplier):
        context.close()
