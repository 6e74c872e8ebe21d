"""Tracking pages: the overview and a campaign's suppliers, on the demo data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import signed_in
from tests.factories import make_campaign
from tests.support.queries import count_statements
from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.demo import load_demo
from webapp.store.models import Campaign, Response
from webapp.supplier.limits import limiter


@pytest.fixture
def demo_app(tmp_path):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        load_demo(session, app.extensions["kedjekoll.catalogue"], tmp_path / "files")
    return app


def queries(app, client, path):
    """How many SQL statements a page costs, its body read (a streamed one too)."""
    seen = {}

    def fetch() -> None:
        response = client.get(path)
        seen["status"], seen["body"] = response.status_code, response.get_data()
        response.close()

    count = count_statements(app.extensions["kedjekoll.engine"], fetch)
    assert seen["status"] == 200, path
    return count, seen["body"].decode("utf-8", "replace")


def test_overview_counts_every_campaign(demo_app):
    client = signed_in(demo_app)
    html = client.get("/staff/").get_data(as_text=True)
    assert "Munskydd och förkläden: uppföljning 2026" in html
    assert "Handskar: uppföljning 2026" in html and "Arbetsplatser och elevdatorer 2015" in html
    row = re.search(r"Munskydd och förkläden: uppföljning 2026</a>.*?</tr>", html, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[1] == "9"  # invited
    assert cells[2] == "6"  # answered: submitted, in review, clarification, decided
    assert "<svg" in html and "<title" in html  # the chart, with a text alternative


def test_campaign_page_filters_and_sorts(demo_app):
    client = signed_in(demo_app)
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name.like("Munskydd%")))
    html = client.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert html.count('<th scope="row">') == 9 and "Nordisk Skyddsmateriel AB" in html
    only = client.get(f"/staff/campaigns/{campaign.id}?status=accepted").get_data(as_text=True)
    assert only.count('<th scope="row">') == 1
    by_score = client.get(f"/staff/campaigns/{campaign.id}?sort=score&order=desc")
    scores = re.findall(r'<tr[^>]*>\s*<th scope="row">.*?</th>(?:\s*<td>.*?</td>){3}\s*'
                        r"<td>([\d,\.]*)</td>", by_score.get_data(as_text=True), re.S)
    numbers = [float(s.replace(",", ".")) for s in scores if s]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 5
    assert 'aria-sort="descending"' in by_score.get_data(as_text=True)
    assert client.get("/staff/campaigns/99999").status_code == 404


def test_queries_per_page_do_not_grow_with_rows(demo_app, masks):
    client = signed_in(demo_app)
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.name.like("Handskar%")))
    before_overview, _ = queries(demo_app, client, "/staff/")
    before_campaign, _ = queries(demo_app, client, f"/staff/campaigns/{campaign_id}")
    with unit_of_work(demo_app.extensions["kedjekoll.sessions"]) as session:
        campaign = session.get(Campaign, campaign_id)
        for _ in range(3):
            make_campaign(session, masks, suppliers=10)
        extra, _i = make_campaign(session, masks, suppliers=20)
        session.flush()
        for response in session.scalars(select(Response).where(
                Response.campaign_id == extra.id)):
            response.campaign_id = campaign.id
    after_overview, _ = queries(demo_app, client, "/staff/")
    after_campaign, html = queries(demo_app, client, f"/staff/campaigns/{campaign_id}")
    assert html.count('<th scope="row">') == 28
    assert after_overview == before_overview
    assert after_campaign == before_campaign


def test_audit_log_is_for_admins_and_pages_through_events(demo_app):
    admin = signed_in(demo_app, "admin")
    html = admin.get("/staff/audit").get_data(as_text=True)
    assert "Status ändrad" in html and "Leverantör inbjuden" in html and "Äldre" in html
    only = admin.get("/staff/audit?action=graded").get_data(as_text=True)
    assert ">Svar bedömt</td>" in only and ">Status ändrad</td>" not in only
    second = admin.get("/staff/audit?page=2").get_data(as_text=True)
    assert "Nyare" in second
    assert signed_in(demo_app, "reviewer").get("/staff/audit").status_code == 404


def test_staff_download_evidence_and_each_download_is_audited(demo_app):
    from webapp.store.models import Attachment, AuditEvent

    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        attachment = session.scalars(select(Attachment)).first()
    reviewer = signed_in(demo_app)
    response = reviewer.get(f"/staff/files/{attachment.id}")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and body.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "attachment.downloaded")).all()
    assert [(e.object_id, e.actor.startswith("reviewer-")) for e in events] == [
        (attachment.id, True)]
    assert reviewer.get("/staff/files/999999").status_code == 404
    anonymous = demo_app.test_client().get(f"/staff/files/{attachment.id}")
    assert anonymous.status_code == 302


def test_action_plans_show_their_traffic_light(demo_app):
    """The demo's action plans have a deviation past its deadline: red, in words too."""
    client = signed_in(demo_app)
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        planned = session.scalars(select(Response).where(Response.status == "action_plan")).all()
        campaign_ids = {r.campaign_id for r in planned}
    assert planned
    html = client.get("/staff/").get_data(as_text=True)
    assert "Åtgärdsplaner" in html
    assert len(re.findall(r'<span class="light light-red">röd</span> \d+', html)) >= 2
    campaign = client.get(f"/staff/campaigns/{min(campaign_ids)}").get_data(as_text=True)
    assert re.search(r'class="light light-red" href="/staff/responses/\d+#plan">röd</a>',
                     campaign)


def test_a_large_campaign_is_paged(demo_app, masks, monkeypatch):
    from webapp.review import routes

    monkeypatch.setattr(routes, "CAMPAIGN_PAGE", 4)
    with unit_of_work(demo_app.extensions["kedjekoll.sessions"]) as session:
        campaign, _ = make_campaign(session, masks, suppliers=10)
        campaign_id = campaign.id
    client = signed_in(demo_app)
    first = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert "10 leverantörer, sida 1 av 3" in first and first.count('<th scope="row">') == 4
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(f"/staff/campaigns/{campaign_id}?page=3&sort=supplier&order=asc")
    html = last.get_data(as_text=True)
    assert html.count('<th scope="row">') == 2 and 'rel="prev"' in html
    names = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', first + html)
    assert len(set(names)) == 6  # no supplier on two pages
    beyond = client.get(f"/staff/campaigns/{campaign_id}?page=99").get_data(as_text=True)
    assert "sida 3 av 3" in beyond


def test_an_id_too_large_for_the_database_is_not_found(tmp_path):
    """A number past what an id column holds is a 404 or a form error, never a 500 (R9)."""
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    client = signed_in(app, "admin")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/staff/campaigns/new").get_data(as_text=True)).group(1)
    huge = str(2**63)
    for path in (f"/staff/responses/{huge}", f"/staff/campaigns/{huge}",
                 f"/staff/files/{huge}", f"/staff/campaigns/{huge}/export/campaign.json",
                 f"/staff/responses/{2**31}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/staff/responses/{huge}/deviations/{huge}",
                       data={"csrf_token": token}).status_code == 404
    assert client.get(f"/staff/campaigns/new?contract={huge}").status_code == 200
    assert client.get(f"/staff/audit?page={huge}").status_code == 200
    refused = client.post("/staff/campaigns/new", data={
        "csrf_token": token, "name": "Uppföljning", "contract": huge, "shown_contract": "",
        "reviewer": huge,
        "deadline": "2099-01-01", "action": "create"})
    assert refused.status_code == 200 and "Välj ett ramavtal." in refused.get_data(as_text=True)
