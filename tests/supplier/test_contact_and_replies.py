"""The buyer's contact person on the supplier's pages, and replies to clarification requests."""

from __future__ import annotations

import io
import random
import re

import pytest
from sqlalchemy import select

from tests.conftest import signed_in
from tests.supplier.conftest import SupplierClient
from webapp.definitions.examples import example_answers
from webapp.store.db import unit_of_work
from webapp.store.models import Attachment, AuditEvent, Campaign, ClarificationReply, Response
from webapp.store.responses import save_draft, submit

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CONTACT = dict(contact_name="Anna Svensson", contact_email="anna.svensson@region.example",
               contact_phone="+46 36 32 40 00")


def with_contact(site) -> None:
    with unit_of_work(site.sessions()) as session:
        campaign = session.get(Response, site.response_ids[0]).campaign
        for key, value in CONTACT.items():
            setattr(campaign, key, value)


def shows_contact(html: str) -> bool:
    return ("Anna Svensson" in html and 'href="mailto:anna.svensson@region.example"' in html
            and 'href="tel:+4636324000"' in html)


def submitted(site, index: int = 0) -> None:
    with unit_of_work(site.sessions()) as session:
        response = session.get(Response, site.response_ids[index])
        answers = example_answers(site.q, random.Random(index), files_for=lambda _q: [])
        save_draft(session, response, answers, 0, "kim")
        submit(session, response, f"c-{response.id}", "kim")


def test_the_contact_person_is_on_every_supplier_page_and_error_page(site, supplier):
    with_contact(site)
    first = site.q.sections[0].id
    for path in ("/supplier/", f"/supplier/section/{first}", "/supplier/check",
                 "/supplier/print"):
        html = supplier.page(path)
        assert supplier.last.status_code == 200 and shows_contact(html), path
    for path in ("/supplier/files/99999", "/supplier/section/no-such-section",
                 "/supplier/no-such-page"):
        response = supplier.get(path)
        assert response.status_code == 404 and shows_contact(response.get_data(as_text=True))
    submitted(site)
    receipt = supplier.page("/supplier/receipt/1")
    assert "Kvittonummer" in receipt and shows_contact(receipt)
    assert shows_contact(supplier.page("/supplier/section/" + first))  # read-only now
    with unit_of_work(site.sessions()) as session:
        session.get(Response, site.response_ids[0]).campaign.status = "closed"
    assert shows_contact(supplier.page("/supplier/"))


def test_a_link_that_does_not_work_names_the_buyers_general_contact(make_app, masks):
    app = make_app(BUYER_CONTACT_NAME="Uppföljningen", BUYER_CONTACT_EMAIL="uppfoljning@"
                   "region.example")
    client = app.test_client()
    for path in ("/i/" + "x" * 43, "/supplier/"):
        page = client.get(path).get_data(as_text=True)
        assert "Uppföljningen" in page and "mailto:uppfoljning@region.example" in page

    bare = make_app().test_client()  # no general contact configured: no contact box
    assert "mailto:" not in bare.get("/i/" + "y" * 43).get_data(as_text=True)


def ask(site, question_id: str, file: bool) -> None:
    """A reviewer asks about `question_id` on the review page (ticking "attach")."""
    staff = signed_in(site.app)
    path = f"/staff/responses/{site.response_ids[0]}"
    page = staff.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert f'id="ask-file-{question_id}"' in page
    data = {"csrf_token": token, "action": "clarify", f"ask-{question_id}": "Visa revisionen."}
    if file:
        data[f"ask-file-{question_id}"] = "yes"
    assert staff.post(path, data=data).status_code == 303
    return staff


@pytest.fixture
def clarifying(site, supplier):
    """The first supplier has submitted, and the reviewer asks about one text question,
    asking for a document."""
    submitted(site)
    question = next(x for x in site.q.answerable() if x.type in ("text", "textarea")
                    and x.show_if is None and x.rubric)
    staff = ask(site, question.id, file=True)
    return question, staff


def test_a_reply_with_a_file_is_kept_and_shown_to_the_reviewer(site, supplier, clarifying):
    question, staff = clarifying
    section = site.q.section_of[question.id].id
    html = supplier.page(f"/supplier/section/{section}")
    assert "Granskaren ber er bifoga ett dokument." in html
    assert f'name="reply-{question.id}"' in html and f'name="reply-file-{question.id}"' in html
    long = "x" * 5001
    data = {"csrf_token": supplier.csrf(html), "draft_version": supplier.version(html),
            "action": "continue", f"reply-{question.id}": long,
            f"reply-file-{question.id}": (io.BytesIO(PDF), "revision 2026.pdf")}
    refused = supplier.post(f"/supplier/section/{section}", data,
                            content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Svaret är längre än 5000 tecken" in page
    assert long in page and "revision 2026.pdf" in page  # typed text and the file kept
    data = {"csrf_token": supplier.csrf(page), "draft_version": supplier.version(page),
            "action": "continue", f"reply-{question.id}": "Revisionen från mars bifogas."}
    saved = supplier.post(f"/supplier/section/{section}", data,
                          content_type="multipart/form-data")
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/supplier/check")
    check = supplier.page("/supplier/check")
    changes = re.findall(r'class="change" href="[^"]+#q-([\w.-]+)"', check)
    assert changes == [question.id]  # only the reopened answer can be changed
    with unit_of_work(site.sessions()) as session:
        reply = session.scalar(select(ClarificationReply))
        assert (reply.round, reply.question_id, reply.text) == (
            2, question.id, "Revisionen från mars bifogas.")
        assert reply.attachment.original_name == "revision 2026.pdf"
        assert session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "clarification.replied")) is not None
    confirm = {"csrf_token": supplier.csrf(check), "confirm": "yes",
               "submission_id": "round-two"}
    assert supplier.post("/supplier/submit", confirm).status_code == 303
    review = staff.get(f"/staff/responses/{site.response_ids[0]}?lang=sv").get_data(
        as_text=True)
    assert "Leverantörens svar" in review and "Revisionen från mars bifogas." in review
    assert "revision 2026.pdf" in review and "Visa revisionen." in review


def test_no_reply_box_without_a_request_and_none_for_another_supplier(site, supplier,
                                                                     clarifying):
    question, _staff = clarifying
    other = SupplierClient(site, site.tokens[1])
    html = other.page(f"/supplier/section/{site.q.section_of[question.id].id}")
    assert "reply-" not in html
    with unit_of_work(site.sessions()) as session:
        assert session.scalar(select(Attachment)) is None
        assert session.scalar(select(Campaign.contact_name)) is None
