"""Staff pages and mail use the same date and date-time style as the supplier's pages,
in Stockholm time."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import signed_in
from tests.factories import make_campaign
from webapp import create_app
from webapp.mailtext import MailText
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign, OutboxMessage, Response


@pytest.fixture
def staff_app(tmp_path, masks):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, [(response, _)] = make_campaign(session, masks)
        campaign.deadline = date(2026, 12, 22)
        session.add(OutboxMessage(
            response_id=response.id, kind="invitation", language="sv", subject="Enkät",
            body="{link}", recipients=["kim@example.org"], dedupe_key="locale-test",
            queued_by="test",
            created_at=datetime(2026, 7, 1, 12, 44, tzinfo=UTC),
            next_attempt_at=datetime(2026, 7, 1, 12, 44, tzinfo=UTC)))
    return app


@pytest.mark.parametrize(("lang", "day", "moment"), [
    ("sv", "22 dec. 2026", "1 juli 2026 14:44"), ("en", "22 Dec 2026", "1 Jul 2026, 14:44")])
def test_staff_pages_show_one_style_in_stockholm_time(staff_app, lang, day, moment):
    admin = signed_in(staff_app, "admin")
    with staff_app.extensions["kedjekoll.sessions"]() as session:
        campaign_id = session.scalar(select(Campaign.id))
    campaign = html.unescape(admin.get(f"/staff/campaigns/{campaign_id}?lang={lang}")
                             .get_data(as_text=True))
    outbox = html.unescape(admin.get(f"/staff/outbox?lang={lang}").get_data(as_text=True))
    assert day in campaign and "2026-12-22" not in campaign
    assert moment in outbox and "2026-07-01 12:44" not in outbox


@pytest.mark.parametrize(("lang", "day"), [("sv", "22 dec. 2026"), ("en", "22 Dec 2026")])
def test_mail_gives_the_deadline_in_the_same_style(staff_app, lang, day):
    with staff_app.extensions["kedjekoll.sessions"]() as session:
        response = session.scalar(select(Response))
        subject, body = MailText("Regionen")(response, "reminder", "before", lang,
                                              date(2026, 12, 15))
    assert day in subject and day in body
