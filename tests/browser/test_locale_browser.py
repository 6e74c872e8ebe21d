"""Sweden first in Chromium: "40,5" round-trips, times are Stockholm time, and the
two-window conflict page works on a 390 px phone without JavaScript; axe finds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from webapp.definitions.fields import text_in
from webapp.store.models import Response
from webapp.store.responses import draft_answers

SHOTS = Path(__file__).resolve().parents[2] / "responses" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def no_violations(page, axe) -> None:
    found = [(v["id"], [n["target"] for n in v["nodes"]][:3])
             for v in axe.run(page).response["violations"]]
    assert found == [], (page.url, found)


def stored(live, response_id: int) -> dict:
    with live.app.app_context(), live.app.extensions["kedjekoll.sessions"]() as session:
        return draft_answers(session, session.get(Response, response_id))


def stockholm_clock(since: datetime) -> list[str]:
    return [(since + timedelta(minutes=m)).astimezone(ZoneInfo("Europe/Stockholm"))
            .strftime("%H:%M") for m in (0, 1)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_decimal_comma_round_trips_and_the_time_is_stockholms(browser, live, masks,
                                                                javascript):
    [(response_id, link)] = live.invite(masks)
    context = browser.new_context(locale="sv-SE", java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(link)
    page.goto(f"{live.url}/supplier/section/mapping")
    page.check('input[name="mapping_depth"][value="tier2_3"]')
    if not javascript:  # the question appears after saving
        page.click('button[name="action"][value="save"]')
    page.fill('[name="mapped_share"]', "40,5")
    since = datetime.now(UTC)
    page.click('button[name="action"][value="save"]')
    flash = page.locator(".flash-saved").inner_text()
    assert any(f"Sparat kl. {clock}" in flash for clock in stockholm_clock(since)), flash
    assert stored(live, response_id)["mapped_share"] == 40.5
    page.goto(f"{live.url}/supplier/section/mapping")
    assert page.input_value('[name="mapped_share"]') == "40,5"
    page.goto(f"{live.url}/supplier/check")
    assert "40,5 %" in page.locator("main").inner_text().replace("\u00a0", " ")
    context.close()


def test_the_conflict_page_on_a_phone(browser, live, masks, axe):
    [(response_id, link)] = live.invite(masks)
    role = masks.questions["role"]
    words = {o.value: text_in(o.label, "sv") for o in role.options}
    one = browser.new_context(locale="sv-SE", java_script_enabled=False, viewport=PHONE)
    two = browser.new_context(locale="sv-SE", viewport=PHONE)
    first, second = one.new_page(), two.new_page()
    for page in (first, second):
        page.goto(link)
        page.goto(f"{live.url}/supplier/section/contact")
    first.fill('[name="company_name"]', "Nordisk Skydd AB")
    first.check('input[name="role"][value="manufacturer"]')
    first.click('button[name="action"][value="save"]')
    assert stored(live, response_id)["role"] == "manufacturer"

    second.fill('[name="company_name"]', "Nordisk Skydd AB")  # the same in both windows
    second.check('input[name="role"][value="distributor"]')
    second.click('button[name="action"][value="save"]')  # before the autosave's 2.5 s
    assert second.locator("h1").inner_text() == "Svaren ändrades i ett annat fönster"
    questions = second.locator(".conflict-question").all_inner_texts()
    assert questions == [text_in(role.label, "sv")]
    main = second.locator("main").inner_text()
    assert words["distributor"] in main and words["manufacturer"] in main
    assert "distributor" not in main and "Nordisk Skydd AB" not in main
    assert second.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=str(SHOTS / "conflict-390.png"), full_page=True)
    no_violations(second, axe)
    second.set_viewport_size({"width": 1280, "height": 900})  # side by side
    tops = second.locator(".version").evaluate_all("els => els.map(e => e.offsetTop)")
    assert len(set(tops)) == 1, tops
    second.screenshot(path=str(SHOTS / "conflict-1280.png"), full_page=True)
    second.set_viewport_size(PHONE)

    second.click("text=Spara mina val")  # no choice: the error names the question
    assert second.locator("#error-summary").is_visible()
    no_violations(second, axe)
    second.locator("#error-summary a").first.click()
    assert second.evaluate("document.activeElement.id") == "keep-role-mine"
    second.keyboard.press("Space")
    second.click("text=Spara mina val")
    assert "Sparat kl." in second.locator(".flash-saved").inner_text()
    assert stored(live, response_id)["role"] == "distributor"
    one.close()
    two.close()
