"""The mail pages for staff in Chromium: the outbox and the reminder button pass axe."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from webapp.mailer import MailSettings, queue_invitations
from webapp.store.db import unit_of_work
from webapp.store.models import OutboxMessage, Response
from webapp.store.outbox import mark_failed
from webapp.store.staff import add_user


def test_outbox_and_reminder_pass_axe(browser, live, masks):
    from axe_playwright_python.sync_playwright import Axe

    [(response_id, _), *_rest] = live.invite(masks, suppliers=2)
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        response = session.get(Response, response_id)
        queued = queue_invitations(session, response.campaign, [response], "test",
                                   MailSettings.from_config(live.app.config))
        mark_failed(session, queued[0], "ConnectionRefusedError: [Errno 111] refused")
        add_user(session, "post@region.example", "Posta Admin", "admin", "test",
                 STAFF_PASSWORD)
    axe = Axe()
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live.url, "post@region.example")
    for path in ("/staff/outbox", f"/staff/responses/{response_id}"):
        page.goto(f"{live.url}{path}")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in axe.run(page).response["violations"]]
        assert violations == [], (path, violations)
    page.click("text=Lägg en påminnelse i kö nu")
    assert "En påminnelse ligger i kö" in page.content()
    page.goto(f"{live.url}/staff/outbox")
    assert "refused" in page.content()
    context.close()
    with live.app.extensions["kedjekoll.sessions"]() as session:
        steps = set(session.scalars(select(OutboxMessage.step).where(
            OutboxMessage.response_id == response_id)))
    assert steps == {None, "manual"}
