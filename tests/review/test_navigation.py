"""The staff menu: who sees which entry, and an entry that appears once its page exists."""

from __future__ import annotations

import re

from tests.conftest import signed_in
from tests.factories import make_campaign
from webapp.store.db import unit_of_work


def menu(html: str) -> list[tuple[str, str]]:
    """(label, marking) per link of the staff menu; marking is aria-current, class or ''."""
    nav = re.search(r'<nav class="staff-nav".*?</nav>', html, re.S).group(0)
    return [(label, mark or "") for mark, label in re.findall(
        r'<a href="[^"]*"(?: aria-current="(page)"| class="(?:in-section)")?>([^<]+)</a>', nav)]


def test_a_reviewer_sees_no_admin_entries_and_an_admin_sees_them(app):
    reviewer = signed_in(app, "reviewer").get("/staff/?lang=en").get_data(as_text=True)
    assert [label for label, _ in menu(reviewer)] == [
        "Overview", "Campaigns", "Suppliers", "Questionnaires"]
    assert "Rev" in reviewer and "(Reviewer)" in reviewer
    admin = signed_in(app, "admin").get("/staff/suppliers?lang=sv").get_data(as_text=True)
    assert [label for label, _ in menu(admin)] == [
        "Översikt", "Uppföljningar", "Leverantörer", "Frågeformulär", "Utkorg för e-post",
        "Händelselogg", "Konton"]
    assert ("Leverantörer", "page") in menu(admin) and "(Administratör)" in admin


def test_the_accounts_entry_leads_admins_to_the_account_page(app):
    html = signed_in(app, "admin").get("/staff/?lang=en").get_data(as_text=True)
    assert [label for label, _ in menu(html)][-1] == "Accounts"
    assert 'href="/staff/accounts"' in html
    html = signed_in(app, "reviewer").get("/staff/?lang=en").get_data(as_text=True)
    assert "Accounts" not in [label for label, _ in menu(html)]
    assert signed_in(app, "reviewer").get("/staff/accounts").status_code == 404


def test_a_campaign_page_is_marked_as_under_campaigns(app, masks):
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, _ = make_campaign(session, masks, suppliers=2)
        campaign_id = campaign.id
    client = signed_in(app)
    html = client.get(f"/staff/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert ("Campaigns", "") in menu(html) and 'class="in-section">Campaigns<' in html
    listing = client.get("/staff/campaigns?lang=en").get_data(as_text=True)
    assert ("Campaigns", "page") in menu(listing)
    row = re.search(rf'href="/staff/campaigns/{campaign_id}".*?</tr>', listing, re.S).group(0)
    assert re.findall(r'<td class="number">(\d+)</td>', row)[:3] == ["2", "0", "0"]
    assert "Open" in row and "(version" in row


def test_the_campaign_list_costs_the_same_queries_for_more_campaigns(app, masks):
    from tests.support.queries import count_statements

    client = signed_in(app)

    def cost() -> int:
        def fetch() -> None:
            assert client.get("/staff/campaigns").status_code == 200

        return count_statements(app.extensions["kedjekoll.engine"], fetch)

    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        make_campaign(session, masks, suppliers=2)
    cost()  # the definition is read and parsed once per process
    before = cost()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        for _ in range(4):
            make_campaign(session, masks, suppliers=5)
    assert cost() == before
