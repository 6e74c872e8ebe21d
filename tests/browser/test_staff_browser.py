"""Staff pages in Chromium: sign in, the overview, a campaign and a preview, checked by axe."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import STAFF_PASSWORD
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign
from webapp.store.staff import add_user


def test_staff_pages_pass_axe(browser, live, masks):
    from axe_playwright_python.sync_playwright import Axe

    [(response_id, _), *_rest] = live.invite(masks, suppliers=3)
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        import random

        from webapp.definitions.examples import example_answers
        from webapp.store.models import Response
        from webapp.store.responses import save_draft, submit

        response = session.get(Response, response_id)
        save_draft(session, response, example_answers(masks, random.Random(4),
                                                      files_for=lambda _q: []), 0, "test")
        submit(session, response, "axe-review", "test")
        add_user(session, "axe@region.example", "Axel Granskare", "admin", "test",
                 STAFF_PASSWORD)
        campaign_id = session.scalar(select(Campaign.id).order_by(Campaign.id.desc()))
    axe = Axe()
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live.url}/staff/login")
    assert axe.run(page).response["violations"] == []
    page.fill("#email", "AXE@region.example")
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    assert page.url.endswith("/staff/")
    for path in ("/staff/", f"/staff/campaigns/{campaign_id}", "/", "/staff/audit",
                 f"/staff/responses/{response_id}",
                 "/questionnaires/ppe-masks-aprons"):
        page.goto(f"{live.url}{path}")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in axe.run(page).response["violations"]]
        assert violations == [], (path, violations)
    page.click(".signed-in button")
    assert page.url.endswith("/staff/login")
    context.close()
