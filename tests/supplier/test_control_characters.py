"""Control characters from a supplier's browser (issue 13, item 6), on SQLite and on
PostgreSQL: an answer, a contact field, a table cell, a clarification reply, a progress
report and the new-link form. Before, PostgreSQL answered 500 where SQLite stored them.
Each is refused with the field named in the error summary and a message that says what
to remove; every other typed answer is kept on the page and stored."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.factories import make_campaign
from tests.store.conftest import pg_server, postgresql_proc  # noqa: F401
from tests.supplier.conftest import Site, SupplierClient
from tests.supplier.test_contact_and_replies import PDF, ask, submitted
from tests.support.either_database import app_on_either
from webapp.store.db import unit_of_work
from webapp.store.models import Answer, Attachment, ClarificationReply
from webapp.supplier.limits import limiter

REMOVE = "Ta bort tecknet ("


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    """The app on a database of either kind, once per module and kind."""
    yield from app_on_either(request, tmp_path_factory)


@pytest.fixture
def site(app, masks) -> Site:
    """A campaign of its own with two invited suppliers, as the supplier tests' site."""
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, invitations = make_campaign(session, masks, suppliers=2)
    return Site(app, [t for _, t in invitations], [r.id for r, _ in invitations], masks)


@pytest.fixture
def supplier(site) -> SupplierClient:
    return SupplierClient(site, site.tokens[0])


def stored(site) -> dict:
    with site.sessions()() as session:
        return dict(session.execute(select(Answer.question_id, Answer.value).where(
            Answer.response_id == site.response_ids[0])).all())


@pytest.mark.parametrize("char", ["\x00", "\x9f"])
def test_a_contact_field_with_a_control_character_is_named_and_the_rest_kept(
        site, supplier, char):
    """R9: no 500; the error summary links to the field, the field says what to remove,
    what was typed stays in every field, and the other answers are stored."""
    response = supplier.save("contact", {"company_name": "Hubei Anxin AB",
                                         "contact_name": f"Anna{char} Berg",
                                         "contact_phone": "+46 36 32 40 00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'href="#contact_name"' in html
    assert 'id="contact_name-error"' in html and REMOVE in html
    assert f"Ta bort tecknet (U+{ord(char):04X}) ur ”Kontaktperson" in html
    assert 'value="Hubei Anxin AB"' in html and 'value="+46 36 32 40 00"' in html
    assert stored(site) == {"company_name": "Hubei Anxin AB",
                            "contact_phone": "+46 36 32 40 00"}


def test_a_table_cell_with_a_nul_points_at_the_cell_and_a_textarea_keeps_lines(
        site, supplier):
    """R9: the cell is named (row and column) and linked; a tab and line breaks in a
    textarea are stored as typed."""
    response = supplier.save("mapping", {"tiers": [
        {"tier": 1, "process_step": "assembly", "company": "Hubei\x00 Anxin",
         "country": "CN"}]}, extra={"mapping_depth": "tier1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422, response.status_code
    assert 'href="#tiers-0-company"' in html and 'id="tiers-0-company-error"' in html
    assert "Ta bort tecknet (U+0000) ur fältet" in html
    assert "tiers" not in stored(site)
    lines = "Artikel 1001\tKN95\r\nArtikel 1002\tförkläde"
    fine = supplier.save("products", {"product_details": lines})
    assert fine.status_code in (200, 303), fine.status_code
    assert stored(site)["product_details"] == lines


def test_a_one_line_answer_refuses_a_tab_by_name(site, supplier):
    """R9: a tab pasted into a one-line field is named as such, in Swedish and English."""
    html = supplier.save("contact", {"company_name": "Hubei\tAnxin"}).get_data(as_text=True)
    assert "(tabb)" in html and 'href="#company_name"' in html
    supplier.get("/supplier/?lang=en")  # the choice of language is kept
    english = supplier.save("contact", {"company_name": "Hubei\tAnxin"}).get_data(as_text=True)
    assert "Remove the character (tab) from “" in english
    assert "company_name" not in stored(site)


def test_a_clarification_reply_with_a_nul_keeps_its_file_and_says_what_to_fix(
        site, supplier):
    """R9: the reply box is named in the summary; the file that came with it is kept;
    no reply text is stored."""
    submitted(site)
    question = next(x for x in site.q.answerable() if x.type in ("text", "textarea")
                    and x.show_if is None and x.rubric)
    ask(site, question.id, file=True)
    section = site.q.section_of[question.id].id
    html = supplier.page(f"/supplier/section/{section}")
    data = {"csrf_token": supplier.csrf(html), "draft_version": supplier.version(html),
            "action": "continue", f"reply-{question.id}": "Se bilagan\x00",
            f"reply-file-{question.id}": (io.BytesIO(PDF), "revision 2026.pdf")}
    response = supplier.post(f"/supplier/section/{section}", data,
                             content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422, response.status_code
    assert f'href="#reply-{question.id}"' in page and REMOVE in page
    with site.sessions()() as session:
        reply = session.scalar(select(ClarificationReply).where(
            ClarificationReply.response_id == site.response_ids[0]))
        names = session.scalars(select(Attachment.original_name).where(
            Attachment.response_id == site.response_ids[0])).all()
    assert reply is not None and reply.text in ("", None) and reply.attachment_id
    assert "revision 2026.pdf" in names


def test_the_new_link_form_refuses_a_nul_in_the_address(site):
    """R9 (and S7: the page says nothing about whether the address is known)."""
    client = site.app.test_client()
    page = client.get("/i/" + "x" * 43).get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/new-link", data={"csrf_token": token,
                                              "email": "kim\x00@leverantor.example"})
    assert response.status_code == 422 and REMOVE in response.get_data(as_text=True)
