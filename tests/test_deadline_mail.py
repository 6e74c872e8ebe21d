"""A later deadline for one supplier is mailed to it, in each contact's language, through
the outbox and a real SMTP server; once, with a link that opens its answers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import signed_in
from tests.factories import make_campaign
from tests.smtp import body, link_token
from webapp import create_app
from webapp.formats import date_text
from webapp.mailer import MailSettings, send_pending
from webapp.store.campaigns import close_campaign
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign, Contact, OutboxMessage, Response


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_the_supplier_hears_of_its_new_deadline_in_its_own_language(tmp_path, masks, smtp):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, **smtp.config()})
    factory = app.extensions["kedjekoll.sessions"]
    with unit_of_work(factory) as session:
        campaign, [(response, _)] = make_campaign(session, masks)
        response.supplier.contacts.append(Contact(name="Jo Smith", email="jo@supplier.example",
                                                  language="en"))
        rid, cid, deadline = response.id, campaign.id, campaign.deadline
        swedish_contact = response.supplier.contacts[0].email
    later = deadline + timedelta(days=10)
    staff = signed_in(app)
    form = staff.get(f"/staff/responses/{rid}/deadline").get_data(as_text=True)
    done = staff.post(f"/staff/responses/{rid}/deadline", data={
        "csrf_token": _token(form), "deadline": later.isoformat(),
        "reason": "Revisionsrapporten kommer i januari"})
    assert done.status_code == 303

    def send():
        with factory() as session:
            report = send_pending(session, MailSettings.from_config(app.config), "test")
            session.commit()
            return report

    assert send().sent == 2
    by_language = {m["Content-Language"]: m for m in smtp.messages}
    sv, en = by_language["sv"], by_language["en"]
    assert sv["X-Envelope-To"] == swedish_contact and en["X-Envelope-To"] == "jo@supplier.example"
    assert sv["Subject"].startswith("Längre svarstid: ")
    assert f"ny sista svarsdag {date_text(later, 'sv')}" in " ".join(sv["Subject"].split())
    assert f"Ny sista svarsdag är {date_text(later, 'sv')} (tidigare " \
           f"{date_text(deadline, 'sv')}). Den gäller bara er organisation." in body(sv)
    assert f"The new deadline is {date_text(later, 'en')} (it was " \
           f"{date_text(deadline, 'en')})." in body(en)
    assert "Revisionsrapporten" not in body(sv)  # the reason is for staff only
    client = app.test_client()
    assert client.get(f"/i/{link_token(en)}").status_code == 303
    assert date_text(later, "en") in client.get("/supplier/?lang=en").get_data(as_text=True)
    assert send().sent == 0 and len(smtp.messages) == 2  # never twice

    # a new deadline still waiting when the campaign closes is withdrawn, not sent
    form = staff.get(f"/staff/responses/{rid}/deadline").get_data(as_text=True)
    staff.post(f"/staff/responses/{rid}/deadline", data={
        "csrf_token": _token(form), "deadline": (later + timedelta(days=5)).isoformat(),
        "reason": "Ännu en vecka"})
    with unit_of_work(factory) as session:
        close_campaign(session, session.get(Campaign, cid), "rita@region.example")
    assert send().sent == 0 and len(smtp.messages) == 2
    with unit_of_work(factory) as session:
        kinds = session.scalars(select(OutboxMessage.delivery).join(Response).where(
            Response.id == rid, OutboxMessage.kind == "deadline")).all()
        assert sorted(kinds) == ["smtp", "smtp", "withdrawn", "withdrawn"]
