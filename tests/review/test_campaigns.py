"""Starting a campaign from the staff pages: agreement, suppliers, deadline, reviewer."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import signed_in
from webapp.store.db import unit_of_work
from webapp.store.models import (
    AuditEvent,
    Campaign,
    Contact,
    Contract,
    OutboxMessage,
    Response,
    Supplier,
)


@pytest.fixture
def staff(app):
    """A reviewer's client, and a contract with three suppliers (one without e-mail)."""
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        contract = Contract(name="Hälso- och sjukvårdsmaterial 2018", reference="HSM-2018",
                            year=2018, risk_areas=[])
        other = Contract(name="Arbetsplatser och elevdatorer 2015", reference="AE-2015",
                         year=2015, risk_areas=[])
        for n, name in enumerate(["Åkesson Medical AB", "Björk Skydd AB", "Cederlund AB"]):
            supplier = Supplier(name=name, org_number=f"55600{n}-0000", country="SE")
            if n < 2:
                supplier.contacts.append(Contact(name="Kim", email=f"kim{n}@example.se",
                                                 language="sv"))
            contract.suppliers.append(supplier)
        other.suppliers.append(Supplier(name="Dator AB", org_number="556999-0000"))
        session.add_all([contract, other])
    return signed_in(app)


CONTACT = {"contact_name": "Anna Svensson", "contact_email": "Anna.Svensson@region.example",
           "contact_phone": "+46 36 32 40 00"}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _ids(app) -> dict[str, int]:
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        ids = {s.name: s.id for s in session.scalars(select(Supplier))}
        ids["contract"] = session.scalar(select(Contract.id).where(
            Contract.reference == "HSM-2018"))
    return ids


def test_two_steps_then_created_with_one_response_per_chosen_supplier(app, staff):
    ids = _ids(app)
    page = staff.get("/staff/campaigns/new").get_data(as_text=True)
    assert "Show suppliers" in page or "Visa leverantörer" in page
    deadline = (date.today() + timedelta(days=30)).isoformat()
    step = {"csrf_token": _token(page), "name": "Munskydd våren", "questionnaire": "gloves",
            "contract": str(ids["contract"]), "deadline": deadline, "action": "suppliers",
            **CONTACT}
    shown = staff.post("/staff/campaigns/new?lang=en", data=step).get_data(as_text=True)
    # every supplier of the agreement, ticked; the one without e-mail is warned about
    for name in ("Åkesson Medical AB", "Björk Skydd AB", "Cederlund AB"):
        assert re.search(rf'value="{ids[name]}" checked', shown), name
    assert "Dator AB" not in shown
    assert "Warning:" in shown and "no contact e-mail" in shown
    assert 'value="Munskydd våren"' in shown and f'value="{deadline}"' in shown
    create = dict(step, action="create", shown_contract=str(ids["contract"]),
                  suppliers=[str(ids["Åkesson Medical AB"]), str(ids["Cederlund AB"])])
    done = staff.post("/staff/campaigns/new?lang=en", data=create)
    assert done.status_code == 303
    page = staff.get(done.headers["Location"]).get_data(as_text=True)
    assert "Munskydd våren" in page and "2 suppliers were invited" in page
    assert "1 invitation e-mail waits in the outbox" in page
    assert "1 of the suppliers have no contact e-mail" in page
    assert "Åkesson Medical AB" in page and "Björk Skydd AB" not in page
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name == "Munskydd våren"))
        assert campaign.questionnaire_version.questionnaire_id == "gloves"
        assert campaign.deadline == date.fromisoformat(deadline)
        assert (campaign.contact_name, campaign.contact_email, campaign.contact_phone) == (
            "Anna Svensson", "anna.svensson@region.example", "+46 36 32 40 00")
        invited = session.scalars(select(Response).where(Response.campaign_id == campaign.id))
        assert sorted(r.supplier.name for r in invited) == ["Cederlund AB",
                                                            "Åkesson Medical AB"]
        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"campaign.created", "invited"} <= actions
        mails = session.scalars(select(OutboxMessage).join(Response).where(
            Response.campaign_id == campaign.id))
        assert [(m.kind, m.recipients, m.sent_at) for m in mails] == [
            ("invitation", ["kim0@example.se"], None)]  # Cederlund AB has no e-mail
    overview = staff.get("/staff/").get_data(as_text=True)
    assert "Munskydd våren" in overview


def test_errors_are_listed_and_every_typed_value_is_kept(app, staff):
    ids = _ids(app)
    page = staff.get("/staff/campaigns/new").get_data(as_text=True)
    past = (date.today() - timedelta(days=1)).isoformat()
    data = {"csrf_token": _token(page), "name": "", "questionnaire": "gloves",
            "contract": str(ids["contract"]), "shown_contract": str(ids["contract"]),
            "deadline": past, "suppliers": [str(ids["Björk Skydd AB"])], "action": "create"}
    html = staff.post("/staff/campaigns/new?lang=en", data=data).get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert '<a href="#name">Give the campaign a name.</a>' in html
    assert '<a href="#deadline">The deadline must be a date in the future.</a>' in html
    assert f'value="{past}"' in html and 'value="gloves" selected' in html
    assert re.search(rf'value="{ids["Björk Skydd AB"]}" checked', html)
    assert not re.search(rf'value="{ids["Åkesson Medical AB"]}" checked', html)
    assert 'aria-invalid="true"' in html
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        assert session.scalar(select(Campaign)) is None


def test_no_supplier_and_bad_date_are_refused_in_swedish(app, staff):
    ids = _ids(app)
    page = staff.get("/staff/campaigns/new").get_data(as_text=True)
    data = {"csrf_token": _token(page), "name": "X", "questionnaire": "gloves",
            "contract": str(ids["contract"]), "shown_contract": str(ids["contract"]),
            "deadline": "31/12", "action": "create"}
    html = staff.post("/staff/campaigns/new?lang=sv", data=data).get_data(as_text=True)
    assert "Välj minst en leverantör i ramavtalet." in html
    assert 'value="31/12"' in html


def test_a_campaign_can_be_closed(app, staff):
    ids = _ids(app)
    page = staff.get("/staff/campaigns/new").get_data(as_text=True)
    data = {"csrf_token": _token(page), "name": "Stängs", "questionnaire": "gloves",
            "contract": str(ids["contract"]), "shown_contract": str(ids["contract"]),
            "deadline": (date.today() + timedelta(days=3)).isoformat(),
            "suppliers": [str(ids["Björk Skydd AB"])], "action": "create", **CONTACT}
    location = staff.post("/staff/campaigns/new", data=data).headers["Location"]
    campaign_id = int(location.rstrip("/").rsplit("/", 1)[1])
    html = staff.get(f"/staff/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert f'href="/staff/campaigns/{campaign_id}/close"' in html  # to the confirmation
    closed = staff.post(f"/staff/campaigns/{campaign_id}/close",
                        data={"csrf_token": _token(page)})
    assert closed.status_code == 303
    html = staff.get(closed.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "The campaign was closed. Suppliers who can no longer answer: 1." in html
    assert "This campaign is closed." in html
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        assert session.get(Campaign, campaign_id).status == "closed"
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.closed"))


def test_the_contact_person_is_prefilled_checked_and_kept(app, staff):
    ids = _ids(app)
    page = staff.get("/staff/campaigns/new?lang=en").get_data(as_text=True)
    assert "Contact person for the suppliers" in page
    assert re.search(r'id="contact_email" name="contact_email" value="reviewer-[0-9a-f]+@region'
                     r'\.example"', page)  # the signed-in staff member, to start with
    data = {"csrf_token": _token(page), "name": "Kontakt", "questionnaire": "gloves",
            "contract": str(ids["contract"]), "shown_contract": str(ids["contract"]),
            "deadline": (date.today() + timedelta(days=3)).isoformat(),
            "suppliers": [str(ids["Björk Skydd AB"])], "action": "create",
            "contact_name": " ", "contact_email": "anna.region.example",
            "contact_phone": "ring mig"}
    html = staff.post("/staff/campaigns/new?lang=en", data=data).get_data(as_text=True)
    assert '<a href="#contact_name">Give the name of the contact person' in html
    assert '<a href="#contact_email">Write the contact person&#39;s e-mail address' in html
    assert '<a href="#contact_phone">Write the phone number with digits' in html
    assert 'value="anna.region.example"' in html and 'value="ring mig"' in html
    swedish = staff.post("/staff/campaigns/new?lang=sv", data=data).get_data(as_text=True)
    assert "Ange kontaktpersonens namn" in swedish
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        assert session.scalar(select(Campaign)) is None
    data.update(contact_name="Anna Svensson", contact_email="anna@region.example",
                contact_phone="")
    assert staff.post("/staff/campaigns/new", data=data).status_code == 303
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign = session.scalar(select(Campaign))
        assert (campaign.contact_name, campaign.contact_phone) == ("Anna Svensson", None)


def test_the_page_is_for_staff(app):
    response = app.test_client().get("/staff/campaigns/new")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
