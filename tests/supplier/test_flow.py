"""The supplier's flow through the test client: link, sections, errors, submit, receipt."""

from __future__ import annotations

import random
import re
from html import unescape as html_unescape

from sqlalchemy import func, select

from tests.supplier.conftest import SupplierClient
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import visibility
from webapp.store.models import Answer, InvitationLink, Response, Submission


def answers_for(q, seed=7):
    return example_answers(q, random.Random(seed), files_for=lambda _q: [])


def test_link_opens_a_session_and_leaves_the_token_behind(site):
    client = site.app.test_client()
    first = client.get(f"/i/{site.tokens[0]}")
    assert first.status_code == 303
    assert first.headers["Location"].endswith("/supplier/")
    assert site.tokens[0] not in first.headers["Location"]
    start = client.get("/supplier/")
    html = start.get_data(as_text=True)
    assert start.status_code == 200 and site.tokens[0] not in html
    assert "Uppföljning av leveranskedjan" in html  # the questionnaire's Swedish title
    assert "Sista svarsdag" in html and "dagar kvar" in html


def test_without_a_link_there_is_no_supplier_page(site):
    client = site.app.test_client()
    for path in ("/supplier/", "/supplier/section/contact", "/supplier/check"):
        assert client.get(path).status_code == 401


def test_unknown_and_expired_links_look_the_same(site):
    with site.app.app_context():
        with site.sessions()() as session:
            for link in session.scalars(select(InvitationLink).where(
                    InvitationLink.response_id == site.response_ids[1])):
                link.expires_at = link.expires_at.replace(year=2001)
            session.commit()
    client = site.app.test_client()
    unknown = client.get("/i/" + "x" * 43)
    expired = client.get(f"/i/{site.tokens[1]}")
    assert unknown.status_code == expired.status_code == 404
    assert unknown.get_data() == expired.get_data()


def test_guessing_links_is_rate_limited(site):
    client = site.app.test_client()
    codes = [client.get(f"/i/guess-{n:040d}").status_code for n in range(50)]
    assert codes[0] == 404 and 429 in codes
    assert client.get(f"/i/{site.tokens[0]}").status_code == 429  # even a good one, for now


def test_errors_keep_every_typed_value_and_save_the_rest(supplier):
    response = supplier.save("contact", {"company_name": "Acme AB", "contact_email": "not mail",
                                         "contact_name": "Kim Berg"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'href="#contact_email"' in html
    assert 'value="not mail"' in html and 'value="Acme AB"' in html
    assert 'aria-invalid="true"' in html and 'id="contact_email-error"' in html
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        saved = dict(session.execute(select(Answer.question_id, Answer.value)).all())
    assert saved == {"company_name": "Acme AB", "contact_name": "Kim Berg"}


def test_letters_in_a_number_field_are_kept_and_explained(supplier):
    response = supplier.save("mapping", {}, extra={"mapped_share": "about half"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="about half"' in html
    assert "Skriv ett tal" in html


def test_whole_questionnaire_submit_and_receipt(supplier):
    q = supplier.site.q
    answers = answers_for(q)
    shown = visibility(q, answers)
    for section in q.sections:
        if section.id in shown.sections:
            result = supplier.save(section.id, answers, action="continue")
            assert result.status_code == 303, (section.id, result.get_data(as_text=True)[:2000])
    check = supplier.page("/supplier/check")
    assert "Svar saknas" not in check
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', check).group(1)
    data = {"csrf_token": supplier.csrf(check), "submission_id": submission_id,
            "confirm": "yes"}
    done = supplier.post("/supplier/submit", data)
    assert done.status_code == 303 and done.headers["Location"].endswith("/supplier/receipt/1")
    receipt = supplier.page("/supplier/receipt/1")
    number = re.search(r'class="receipt">([^<]+)<', receipt).group(1)
    again = supplier.post("/supplier/submit", data)  # a double click, the same form
    assert again.status_code == 303
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        rows = session.scalars(select(Submission)).all()
        assert [r.receipt for r in rows] == [number]
        assert session.get(Response, supplier.site.response_ids[0]).status == "submitted"
    readonly = supplier.page("/supplier/section/contact")
    assert "skrivskyddade" in readonly and "Spara och fortsätt" not in readonly
    blocked = supplier.save("contact", {"company_name": "Changed"})
    assert blocked.status_code == 409


def test_submit_needs_the_confirmation_and_every_required_answer(supplier):
    check = supplier.page("/supplier/check")
    assert "Svar saknas" in check
    data = {"csrf_token": supplier.csrf(check), "submission_id": "s1"}
    unticked = supplier.post("/supplier/submit", data)
    assert unticked.status_code == 422 and 'id="confirm-box-error"' in unticked.text
    data["confirm"] = "yes"
    refused = supplier.post("/supplier/submit", data)
    assert refused.status_code == 422 and 'id="error-summary"' in refused.text
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0


def test_two_windows_get_a_conflict_not_an_overwrite(supplier):
    html = supplier.page("/supplier/section/contact")
    stale = supplier.version(html)
    supplier.save("contact", {"company_name": "Window one AB"})
    second = supplier.save("contact", {"company_name": "Window two AB"}, version=stale)
    body = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Window two AB" in body and "Window one AB" in body
    assert "ändrades i ett annat fönster" in body
    mine = re.search(r'name="mine" value="([^"]*)"', body).group(1)
    kept = supplier.post("/supplier/section/contact/resolve", {
        "csrf_token": supplier.csrf(body), "draft_version": supplier.version(body),
        "mine": html_unescape(mine), "keep-company_name": "mine"})
    assert kept.status_code == 303
    assert 'value="Window two AB"' in supplier.page("/supplier/section/contact")


def test_a_shown_question_appears_after_saving_without_javascript(supplier):
    q = supplier.site.q
    conditional = next(x for x in q.sections[2].questions if x.show_if is not None)
    page = supplier.page(f"/supplier/section/{q.sections[2].id}")
    assert re.search(rf'id="q-{conditional.id}"[^>]* hidden', page)


def test_table_rows_are_added_and_removed_without_javascript(supplier):
    page = supplier.page("/supplier/section/mapping")
    assert page.count('name="tiers-0-company"') == 1 and 'name="tiers-1-company"' not in page
    added = supplier.save("mapping", {"tiers": [{"tier": 1, "company": "Resin Co"}]},
                          action="add:tiers")
    assert added.status_code == 303 and "add=tiers" in added.headers["Location"]
    page = supplier.get(added.headers["Location"]).get_data(as_text=True)
    assert 'value="Resin Co"' in page and 'name="tiers-1-company"' in page
    removed = supplier.save("mapping", {"tiers": [{"tier": 1, "company": "Resin Co"},
                                                  {"tier": 2, "company": "Meltblown Ltd"}]},
                            action="remove:tiers:0")
    assert removed.status_code == 303
    page = supplier.page("/supplier/section/mapping")
    assert 'value="Meltblown Ltd"' in page and "Resin Co" not in page


def test_region_list_follows_the_row_country(supplier):
    supplier.save("mapping", {"tiers": [{"tier": 1, "country": "CN", "region": "CN-XJ"}]})
    page = supplier.page("/supplier/section/mapping")
    assert '<option value="CN-XJ" selected>' in page
    assert 'value="SE-AB"' not in page
    regions = supplier.get("/supplier/regions/MY").get_json()
    assert ["MY-01", "Johor"] in regions


def test_cell_errors_point_at_the_cell(supplier):
    response = supplier.save("mapping", {"tiers": [{"tier": 1, "country": "SE",
                                                    "region": "CN-XJ"}]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#tiers-0-region"' in html and 'id="tiers-0-region-error"' in html


def test_language_follows_choice_and_browser(site):
    client = SupplierClient(site, site.tokens[0])
    assert "Sista svarsdag" in client.page("/supplier/")
    english = client.page("/supplier/?lang=en")
    assert "Deadline" in english and 'lang="en"' in english
    assert "Deadline" in client.page("/supplier/")  # the choice is kept
    stranger = site.app.test_client()  # no contact known: the browser's language
    page = stranger.get("/i/" + "q" * 43, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "The link does not work" in page.get_data(as_text=True)


def test_the_contacts_language_is_the_default(site):
    with site.app.app_context(), site.sessions()() as session:
        response = session.get(Response, site.response_ids[1])
        response.supplier.contacts[0].language = "en"
        session.commit()
    english = SupplierClient(site, site.tokens[1])
    assert "Deadline" in english.page("/supplier/")
    assert "Supply-chain follow-up of masks and aprons" in english.page("/supplier/")
    assert "Sista svarsdag" in SupplierClient(site, site.tokens[0]).page("/supplier/")
