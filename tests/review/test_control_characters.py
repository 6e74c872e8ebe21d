"""Control characters from a staff member's browser (issue 13, item 6), on SQLite and on
PostgreSQL: review comments, clarification requests and decisions, a supplier CSV cell,
audit-log filters, a new campaign, a new account and the sign-in form. Before, each
could answer 500 on PostgreSQL (a NUL cannot be stored or even compared there) while
SQLite stored it. Now each is named at its field, with what to remove, and nothing of
that form is stored."""

from __future__ import annotations

import io
import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import signed_in
from tests.factories import make_campaign
from tests.store.conftest import pg_server, postgresql_proc  # noqa: F401
from tests.support.either_database import app_on_either
from webapp.definitions.examples import example_answers
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign, Grade, Response, StaffUser, Supplier
from webapp.store.responses import save_draft, submit
from webapp.supplier.limits import limiter

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
REMOVE_SV = "Ta bort tecknet (U+0000) ur ”"
REMOVE_EN = "Remove the character (U+0000) from “"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    """The app on a database of either kind, once per module and kind."""
    yield from app_on_either(request, tmp_path_factory)


def sessions(app):
    return app.extensions["kedjekoll.sessions"]


def token(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def submitted(app, masks):
    """A campaign of masks whose first response is submitted; returns the response id."""
    limiter.reset()
    with unit_of_work(sessions(app)) as session:
        _, [(response, _)] = make_campaign(session, masks)
        answers = example_answers(masks, random.Random(3), files_for=lambda _q: [])
        save_draft(session, response, answers, 0, "kim")
        submit(session, response, f"ctl-{response.id}", "kim")
        return response.id


@pytest.mark.parametrize("field", ["comment", "ask", "justification"])
def test_review_texts_with_a_nul_are_named_and_nothing_is_saved(app, masks, submitted, field):
    """R9: a grade comment (one line), a clarification request and a decision's
    justification (several lines): 422 with the field linked from the summary, what was
    typed kept, and no grade, request or decision stored."""
    reviewer = signed_in(app)
    path = f"/staff/responses/{submitted}"
    html = reviewer.get(path).get_data(as_text=True)
    question = next(x for x in masks.answerable() if x.rubric and f'name="grade-{x.id}"' in html)
    data = {"csrf_token": CSRF.search(html).group(1), "action": "grade",
            f"grade-{question.id}": "1", f"comment-{question.id}": "Tydligt",
            f"ask-{question.id}": "", "justification": ""}
    name = {"comment": f"comment-{question.id}", "ask": f"ask-{question.id}",
            "justification": "justification"}[field]
    data[name] = "Visa\x00 revisionen"
    data["action"] = {"comment": "grade", "ask": "clarify", "justification": "rejected"}[field]
    refused = reviewer.post(path, data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'<a href="#{name}">{REMOVE_SV}' in page
    assert "revisionen" in page  # what was typed stays
    assert field == "comment" or 'value="Tydligt"' in page
    with sessions(app)() as session:
        assert session.get(Response, submitted).status == "submitted"
        assert session.scalar(select(func.count()).select_from(Grade).where(
            Grade.comment.is_not(None))) == 0


def test_a_supplier_csv_cell_with_a_control_character_is_a_line_problem(app):
    """R9: the line is reported with the value (without the character) and its code, and
    left out; the other lines import."""
    staff = signed_in(app)
    raw = ("org nr;namn;kontaktperson;e-post\r\n"
           "556700-0001;Hubei\x00 Anxin AB;Kim;kim@anxin.example\r\n"
           "556700-0002;Björk Skydd AB;Li\x1bWei;li@bjork.example\r\n"
           "556700-0003;Cederlund AB;Anna;anna@cederlund.example\r\n").encode()
    response = staff.post("/staff/suppliers/import?lang=sv", data={
        "csrf_token": token(staff, "/staff/suppliers/import"), "action": "preview",
        "file": (io.BytesIO(raw), "leverantorer.csv")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    problems = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td><code>([^<]+)</code>", html)
    text = ("Värdet innehåller ett osynligt styrtecken (dess kod inom parentes); ta bort "
            "det i filen")
    assert problems == [("2", text, "Hubei Anxin AB (U+0000)"),
                        ("3", text, "LiWei (U+001B)")]
    carried = re.search(r'name="carried" value="([^"]*)"', html).group(1)
    done = staff.post("/staff/suppliers/import", data={
        "csrf_token": token(staff, "/staff/suppliers/import"), "action": "import",
        "carried": carried, "encoding": "UTF-8"})
    assert done.status_code == 303
    with sessions(app)() as session:
        names = set(session.scalars(select(Supplier.name)))
    assert "Cederlund AB" in names and not {"Hubei Anxin AB", "Björk Skydd AB"} & names
    assert not any("\x00" in n or "\x1b" in n for n in names)


@pytest.mark.parametrize("key", ["actor", "action"])
def test_an_audit_filter_with_a_nul_is_said_at_its_field(app, key):
    """R9: the page shows the error at the filter and the log unfiltered by it; the CSV
    answers 400 with the same page; neither is a 500 on PostgreSQL."""
    admin = signed_in(app, "admin")
    page = admin.get(f"/staff/audit?lang=en&{key}=kim%00%40a.example")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'id="f-{key}-error">{REMOVE_EN}' in html
    assert f'aria-describedby="f-{key}-error"' in html
    assert admin.get(f"/staff/audit.csv?{key}=x%00").status_code == 400


def test_a_new_campaign_named_with_a_nul_is_refused_at_the_name(app, masks):
    """R9: the name is linked in the error summary and the campaign is not created."""
    with unit_of_work(sessions(app)) as session:
        campaign, _ = make_campaign(session, masks, suppliers=1)
        contract, suppliers = campaign.contract_id, [str(s.id) for s in
                                                     campaign.contract.suppliers]
    staff = signed_in(app)
    data = {"csrf_token": token(staff, "/staff/campaigns/new"), "name": "Våren\x00 2027",
            "questionnaire": masks.id, "contract": str(contract),
            "shown_contract": str(contract), "suppliers": suppliers, "action": "create",
            "deadline": (date.today() + timedelta(30)).isoformat(),
            "contact_name": "Anna Svensson", "contact_email": "anna@region.example",
            "contact_phone": ""}
    refused = staff.post("/staff/campaigns/new?lang=sv", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200  # the page with its problems, as for any mistake
    assert f'<a href="#name">{REMOVE_SV}' in html
    assert 'value="Anna Svensson"' in html
    with sessions(app)() as session:
        assert session.scalar(select(func.count()).select_from(Campaign).where(
            Campaign.name.like("Våren%"))) == 0


def test_an_account_and_a_sign_in_with_a_nul_give_no_500(app):
    """R9 (and S7 at sign-in: the same answer as a wrong password)."""
    admin = signed_in(app, "admin")
    refused = admin.post("/staff/accounts?lang=sv", data={
        "csrf_token": token(admin, "/staff/accounts"), "name": "Sara\x00 Lind",
        "email": "sara@region.example", "role": "reviewer", "language": "sv"})
    assert refused.status_code == 422, refused.status_code
    assert REMOVE_SV in refused.get_data(as_text=True)
    with sessions(app)() as session:
        assert session.scalar(select(StaffUser).where(
            StaffUser.email == "sara@region.example")) is None
    stranger = app.test_client()
    for email in ("kim\x00@region.example", "kim@region.example"):
        answer = stranger.post("/staff/login", data={
            "csrf_token": token(stranger, "/staff/login"), "email": email,
            "password": "fel\x00lösenord"})
        assert answer.status_code == 401
