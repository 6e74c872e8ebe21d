"""In Chromium: an administrator filters the audit log, downloads it, and reads the outbox.

The filters are a plain GET form, so the run is made with JavaScript off. axe checks the
audit log and the outbox in Swedish and English; no page scrolls sideways at 1280 px.
Screenshots at 1280 and 390 px are written where KEDJEKOLL_SHOTS points, to look at.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from webapp.mailer import MailSettings, queue_invitations
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign, Response
from webapp.store.staff import add_user

SHOTS = os.environ.get("KEDJEKOLL_SHOTS")


def _violations(axe, page) -> list:
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in axe.run(page).response["violations"]]


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_filter_the_log_by_campaign_action_and_day_then_download_it(browser, live, masks):
    from axe_playwright_python.sync_playwright import Axe

    ours = live.invite(masks, suppliers=3)
    live.invite(masks, suppliers=2)  # another campaign, whose events must not show
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, "revisor@region.example", "Rut Revisor", "admin", "test",
                 STAFF_PASSWORD)
        campaign = session.scalar(select(Campaign).join(Response).where(
            Response.id == ours[0][0]))
        campaign_id, campaign_name = campaign.id, campaign.name
        queue_invitations(session, campaign, list(session.scalars(select(Response).where(
            Response.campaign_id == campaign_id))), "revisor@region.example",
            MailSettings.from_config(live.app.config))
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    # first with JavaScript off: the filters and the download need none
    quiet = browser.new_context(locale="sv-SE", java_script_enabled=False,
                                viewport={"width": 1280, "height": 900})
    quiet.set_default_timeout(10_000)
    page = quiet.new_page()
    sign_in(page, live.url, "revisor@region.example")
    page.goto(f"{live.url}/staff/audit?lang=sv")
    page.select_option("#f-campaign", str(campaign_id))
    page.select_option("#f-action", label="Leverantör inbjuden")
    page.fill("#f-from", today)
    page.fill("#f-to", today)
    page.click(".audit-filters button[type=submit]")
    assert f"campaign={campaign_id}" in page.url and "action=invited" in page.url
    filtered = page.url
    assert page.inner_text("#audit-caption").startswith("3 händelser matchar filtren")
    cells = page.locator("table.audit tbody tr td:nth-child(3)").all_inner_texts()
    assert cells == ["Leverantör inbjuden"] * 3
    assert page.locator(f"table.audit tbody a[href='/staff/campaigns/{campaign_id}']").count() == 3
    with page.expect_download() as waiting:
        page.click(".audit-download a")
    text = Path(waiting.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert table[0][:3] == ["Tid", "Vem", "Händelse"] and len(table) == 4
    assert all(row[2] == "Leverantör inbjuden" and campaign_name in row[7]
               for row in table[1:])
    quiet.close()

    # then with JavaScript, for axe and the page width
    axe = Axe()
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live.url, "revisor@region.example")
    page.goto(filtered)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _violations(axe, page) == []
    _shot(page, "audit-sv-1280")
    page.goto(f"{live.url}/staff/audit?lang=en&campaign={campaign_id}")
    assert "Supplier invited" in page.content() and "Mail queued in the outbox" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _violations(axe, page) == []
    _shot(page, "audit-en-1280")
    # keyboard only: type to choose an action, Tab to "Show", Enter
    page.goto(f"{live.url}/staff/audit?lang=sv")
    page.focus("#f-action")
    page.keyboard.type("E-post lagd")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Visa":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**action=mail.queued**")
    assert set(page.locator("table.audit tbody tr td:nth-child(3)").all_inner_texts()) == {
        "E-post lagd i utkorgen"}
    page.goto(f"{live.url}/staff/audit?lang=en&from=yesterday")
    assert "Write the day as YYYY-MM-DD" in page.content()
    assert _violations(axe, page) == []

    for lang in ("sv", "en"):
        page.goto(f"{live.url}/staff/outbox?lang={lang}")
        assert page.locator("#smtp-missing code", has_text="KEDJEKOLL_SMTP_HOST").count() == 1
        assert page.is_disabled("form[action$='/outbox/send'] button")
        assert "`" not in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert _violations(axe, page) == []
        _shot(page, f"outbox-{lang}-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("sv", "en"):
        page.goto(f"{live.url}/staff/audit?lang={lang}&campaign={campaign_id}")
        assert _violations(axe, page) == []
        _shot(page, f"audit-{lang}-390")
        page.goto(f"{live.url}/staff/outbox?lang={lang}")
        assert _violations(axe, page) == []
        _shot(page, f"outbox-{lang}-390")
    context.close()
