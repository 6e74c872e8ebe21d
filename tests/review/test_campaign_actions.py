"""Closing and reopening a campaign through a confirmation page, and more time for one
supplier: what the pages say, what is stored, who may do it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import own_details, signed_in
from tests.factories import make_campaign
from webapp.formats import date_text
from webapp.mailer import MailSettings
from webapp.store import outbox
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, Campaign, InvitationLink, OutboxMessage, Response
from webapp.store.responses import save_draft
from webapp.store.status import CLARIFICATION, SUBMITTED


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


class Round:
    """A campaign of four suppliers: one not started, one with a draft, one asked to
    clarify, one submitted; the first two have their invitation mail waiting."""

    def __init__(self, app, q):
        self.app = app
        self.factory = app.extensions["kedjekoll.sessions"]
        compose = MailSettings.from_config(app.config).compose()
        with unit_of_work(self.factory) as session:
            campaign, invitations = make_campaign(session, q, suppliers=4)
            self.campaign_id = campaign.id
            self.deadline = campaign.deadline
            self.ids = [r.id for r, _ in invitations]
            self.tokens = [t for _, t in invitations]
            (fresh, _), (drafting, _), (asked, _), (done, _) = invitations
            for response in (fresh, drafting):
                outbox.queue_invitation(session, response, compose, "staff@example.org")
            save_draft(session, drafting, {}, 0, "kim")
            asked.status, done.status = CLARIFICATION, SUBMITTED
            invitations[1][0].supplier.contacts[0].language = "en"

    def campaign(self, session) -> Campaign:
        return session.get(Campaign, self.campaign_id)

    def mails(self, session) -> list[OutboxMessage]:
        return list(session.scalars(select(OutboxMessage).join(Response).where(
            Response.campaign_id == self.campaign_id).order_by(OutboxMessage.id)))

    def events(self, session, action: str) -> list[AuditEvent]:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def world(app, masks):
    return Round(app, masks)


def test_closing_shows_what_happens_then_closes_and_reopening_brings_suppliers_back(
        app, world):
    staff = signed_in(app)
    cid = world.campaign_id
    page = staff.get(f"/staff/campaigns/{cid}?lang=en").get_data(as_text=True)
    # no form closes the campaign from its page: a link at the end leads to the question
    assert f'action="/staff/campaigns/{cid}/close"' not in page
    assert page.index(f'href="/staff/campaigns/{cid}/close"') > page.index('id="exports"')
    assert "Campaign actions" in page

    ask = staff.get(f"/staff/campaigns/{cid}/close?lang=en")
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "Close the campaign?" in html
    counts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Invitations withdrawn 2: 1 not started, 1 with a saved draft" in counts
    assert "Clarifications still open 1:" in counts
    assert "Mails not sent 2: mails waiting in the outbox (2 of them invitations)" in counts
    assert "Answers kept for review 1: 1 waiting for review, 0 decided" in counts
    assert "has closed this follow-up" in counts  # what suppliers will see
    with unit_of_work(world.factory) as session:
        assert world.campaign(session).status == "open"  # asking changed nothing

    assert staff.post(f"/staff/campaigns/{cid}/close", data={}).status_code == 400
    done = staff.post(f"/staff/campaigns/{cid}/close?lang=en", data={"csrf_token": _token(html)})
    assert done.status_code == 303
    page = staff.get(f"/staff/campaigns/{cid}?lang=en").get_data(as_text=True)
    assert "The campaign was closed. Suppliers who can no longer answer: 3. Mails " \
           "withdrawn: 2." in page
    assert "This campaign is closed." in page and f"/staff/campaigns/{cid}/reopen" in page
    with unit_of_work(world.factory) as session:
        assert world.campaign(session).status == "closed"
        assert [m.delivery for m in world.mails(session)] == ["withdrawn", "withdrawn"]
        [event] = world.events(session, "campaign.closed")
        assert own_details(event) == {"not_started": 1, "drafts": 1, "clarifying": 1,
                                 "mails_withdrawn": 2}

    # the supplier with a draft sees its answers held, and cannot save
    supplier = app.test_client()
    assert supplier.get(f"/i/{world.tokens[1]}").status_code == 303
    start = supplier.get("/supplier/?lang=en").get_data(as_text=True)
    assert "has closed this follow-up: answers can no longer be changed or submitted" in start
    assert 'class="button" href="/supplier/section/' not in start  # no way into the form

    again = staff.get(f"/staff/campaigns/{cid}/reopen?lang=en").get_data(as_text=True)
    counts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", again))
    assert "Suppliers who can answer again 3: 1 not started, 1 with a saved draft, " \
           "1 asked to clarify" in counts
    assert "Mails sent again 2:" in counts
    assert staff.post(f"/staff/campaigns/{cid}/reopen", data={}).status_code == 400
    assert staff.post(f"/staff/campaigns/{cid}/reopen",
                      data={"csrf_token": _token(again)}).status_code == 303
    with unit_of_work(world.factory) as session:
        assert world.campaign(session).status == "open"
        assert [(m.sent_at, m.delivery) for m in world.mails(session)] == [(None, None)] * 2
        [event] = world.events(session, "campaign.reopened")
        assert event.details["mails_requeued"] == 2 and event.details["waiting"] == 3
    start = supplier.get("/supplier/?lang=en").get_data(as_text=True)
    assert 'class="button" href="/supplier/section/' in start and "has closed" not in start


def test_one_supplier_gets_a_later_deadline_with_a_reason(app, world):
    staff = signed_in(app)
    rid = world.ids[1]
    form = staff.get(f"/staff/responses/{rid}/deadline?lang=sv").get_data(as_text=True)
    assert "Förläng svarstiden" in form
    later = world.deadline + timedelta(days=7)

    data = {"csrf_token": _token(form), "deadline": world.deadline.isoformat(),
            "reason": "Väntar på revisionsrapporten"}
    refused = staff.post(f"/staff/responses/{rid}/deadline?lang=sv", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert '<a href="#deadline">Den nya svarstiden måste vara senare än kampanjens' in html
    assert "Väntar på revisionsrapporten</textarea>" in html  # the reason is kept
    missing = staff.post(f"/staff/responses/{rid}/deadline?lang=en",
                         data=dict(data, deadline="15/12", reason=" "))
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert "Write the new deadline as a date" in text and "Say why the supplier" in text
    assert 'value="15/12"' in text

    done = staff.post(f"/staff/responses/{rid}/deadline?lang=sv",
                      data=dict(data, deadline=later.isoformat()))
    assert done.status_code == 303
    page = staff.get(done.headers["Location"]).get_data(as_text=True)
    swedish = date_text(later, "sv")  # "8 dec. 2026"
    assert swedish in page and "Väntar på revisionsrapporten" in page
    row = staff.get(f"/staff/campaigns/{world.campaign_id}?lang=sv").get_data(as_text=True)
    assert "svarstid förlängd till " + swedish in row
    with unit_of_work(world.factory) as session:
        response = session.get(Response, rid)
        assert (response.deadline, response.deadline_reason) == (
            later, "Väntar på revisionsrapporten")
        [event] = world.events(session, "deadline.extended")
        assert (event.details["old"], event.details["new"]) == (
            world.deadline.isoformat(), later.isoformat())
        [mail] = [m for m in world.mails(session) if m.kind == "deadline"]
        assert mail.language == "en" and later.strftime("%Y") in mail.subject
        links = session.scalars(select(InvitationLink).where(
            InvitationLink.response_id == rid)).all()
        assert all(link.expires_at.date() >= later + timedelta(days=180) for link in links)
    supplier = app.test_client()
    supplier.get(f"/i/{world.tokens[1]}")
    start = supplier.get("/supplier/?lang=sv").get_data(as_text=True)
    assert swedish in start


def test_a_submitted_supplier_or_a_closed_campaign_gets_no_new_deadline(app, world):
    staff = signed_in(app)
    html = staff.get(f"/staff/responses/{world.ids[3]}/deadline?lang=en").get_data(
        as_text=True)
    assert 'id="cannot-extend"' in html and 'name="deadline"' not in html
    later = (world.deadline + timedelta(days=3)).isoformat()
    posted = staff.post(f"/staff/responses/{world.ids[3]}/deadline",
                        data={"csrf_token": _token(html), "deadline": later, "reason": "x"})
    assert posted.status_code == 422
    with unit_of_work(world.factory) as session:
        assert session.get(Response, world.ids[3]).deadline is None


@pytest.mark.parametrize("path", ["/staff/campaigns/{c}/close", "/staff/campaigns/{c}/reopen",
                                  "/staff/responses/{r}/deadline"])
def test_staff_only_and_unknown_ids_are_404(app, world, path):
    known = path.format(c=world.campaign_id, r=world.ids[0])
    anonymous = app.test_client()
    assert anonymous.get(known).status_code == 302  # to the sign-in page
    assert anonymous.post(known, data={}).status_code in (400, 401)  # CSRF, then sign-in
    staff = signed_in(app)
    unknown = path.format(c=2**31 - 1, r=2**31 - 1)
    assert staff.get(unknown).status_code == 404
    token = _token(staff.get(known).get_data(as_text=True) if "deadline" in path else
                   staff.get(f"/staff/campaigns/{world.campaign_id}/close").get_data(
                       as_text=True))
    assert staff.post(unknown, data={"csrf_token": token}).status_code == 404


def test_today_is_used_for_the_past_check(app, world):
    """A date after the campaign deadline but before today is refused (campaign already
    past its deadline)."""
    with unit_of_work(world.factory) as session:
        world.campaign(session).deadline = date.today() - timedelta(days=10)
    staff = signed_in(app)
    html = staff.get(f"/staff/responses/{world.ids[0]}/deadline").get_data(as_text=True)
    posted = staff.post(f"/staff/responses/{world.ids[0]}/deadline?lang=en", data={
        "csrf_token": _token(html), "deadline": (date.today() - timedelta(days=2)).isoformat(),
        "reason": "Late"})
    assert "The new deadline must not be in the past." in posted.get_data(as_text=True)
