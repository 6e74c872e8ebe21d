"""Submitting explains itself, saving catches what submitting would, a file is never lost,
and a supplier never conflicts with its own autosave (issue 10)."""

from __future__ import annotations

import html as htmllib
import io
import random
import re
from pathlib import Path

from sqlalchemy import select

from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import visibility
from webapp.store.models import Answer, Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _stored(supplier) -> dict:
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        return dict(session.execute(select(Answer.question_id, Answer.value)).all())


def _summary(page: str) -> list[tuple[str, str]]:
    """(link target, text) of each line of the page's error summary."""
    box = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    return [(htmllib.unescape(href), " ".join(re.sub(r"<[^>]+>", " ", text).split()))
            for href, text in re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', box, re.S)]


def _fill_all_but_one_cell(supplier):
    """Every section answered, with tier row 3's company name left blank."""
    q = supplier.site.q
    answers = example_answers(q, random.Random(7), files_for=lambda _q: [])
    row = dict(answers["tiers"][0])
    rows = [dict(row, company=f"Företag {n}") for n in (1, 2, 3)]
    del rows[2]["company"]
    answers["tiers"] = rows
    shown = visibility(q, answers)
    for section in q.sections:
        if section.id in shown.sections:
            supplier.save(section.id, answers, action="continue")
    return answers


def test_a_refused_submit_names_section_question_row_and_column(supplier):
    _fill_all_but_one_cell(supplier)
    check = supplier.page("/supplier/check")
    assert "Saknas – obligatorisk" in check  # not "Inte besvarad", like an optional blank
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', check).group(1)
    refused = supplier.post("/supplier/submit", {
        "csrf_token": supplier.csrf(check), "submission_id": submission_id, "confirm": "yes"})
    page = refused.text
    assert refused.status_code == 422
    assert 'role="alert"' in page and "Något behöver rättas" in page
    lines = _summary(page)
    assert lines == [("/supplier/section/mapping#tiers-2-company",
                      "Kartläggning av leveranskedjan › Leveranskedjan led för led "
                      "Rad 3, Juridiskt företagsnamn: Fyll i uppgiften, den är obligatorisk.")]
    # the box keeps its tick and the same submission id (a second click is still one)
    assert re.search(r'id="confirm-box"[^>]* checked', page)
    assert f'value="{submission_id}"' in page
    # the link lands on the field: the section page has a control with that id
    target = supplier.page("/supplier/section/mapping")
    assert 'id="tiers-2-company"' in target


def test_the_confirmation_error_sits_by_the_box(supplier):
    check = supplier.page("/supplier/check")
    refused = supplier.post("/supplier/submit", {"csrf_token": supplier.csrf(check),
                                                 "submission_id": "abc"})
    page = refused.text
    assert refused.status_code == 422
    error = page.index('id="confirm-box-error"')
    assert page.index('<form method="post" action="/supplier/submit"') < error \
        < page.index('id="confirm-box"')
    assert ("#confirm-box", "Kryssa i rutan för att bekräfta att svaren stämmer.") \
        in _summary(page)
    assert 'aria-describedby="confirm-box-error"' in page
    assert "Location" not in refused.headers  # no jump to the bottom of the page


def test_each_summary_link_lands_on_a_control_of_its_section(supplier):
    """Every missing answer of a fresh response links to an id on its section page."""
    check = supplier.page("/supplier/check")
    lines = _summary(check)
    assert lines
    pages: dict[str, str] = {}
    for href, _text in lines:
        path, anchor = href.split("#")
        pages.setdefault(path, supplier.page(path))
        assert f'id="{anchor}"' in pages[path], href


def test_saving_checks_the_required_cells_of_a_filled_row(supplier):
    saved = supplier.save("mapping", {"mapping_depth": "tier1",
                                      "tiers": [{"tier": 1, "country": "CN"}]})
    page = saved.text
    assert saved.status_code == 422
    lines = dict(_summary(page))
    assert lines["#tiers-0-company"] == \
        "Rad 1, Juridiskt företagsnamn: Fyll i uppgiften, den är obligatorisk."
    assert 'id="tiers-0-company-error"' in page
    assert "Rad 1, Juridiskt företagsnamn: Fyll i uppgiften" in \
        page[page.index('id="tiers-0-company-error"'):]
    kept = [{k: v for k, v in row.items() if v not in (None, [])}
            for row in _stored(supplier)["tiers"]]
    assert kept == [{"tier": 1, "country": "CN"}]  # the row is stored as typed
    blank = supplier.save("mapping", {"mapping_depth": "tier1"})  # no row: no row error
    assert blank.status_code == 303


def _upload(name: str, data: bytes = PDF):
    return (io.BytesIO(data), name)


def test_an_upload_is_kept_when_another_field_fails(supplier):
    saved = supplier.save("policy", {"code_of_conduct": "yes"},
                          extra={"code_file": _upload("revisionsrapport.pdf"),
                                 "code_revised": "not a date"},
                          content_type="multipart/form-data")
    page = saved.text
    assert saved.status_code == 422
    assert "Filen revisionsrapport.pdf sparades." in page
    ident = _stored(supplier)["code_file"][0]
    assert f'<input type="hidden" name="code_file__keep" value="{ident}">' in page
    assert f'value="unfile:code_file__keep:{ident}"' in page
    assert re.search(r'>revisionsrapport\.pdf</a>', page)
    # correcting the date with the page as shown keeps the file
    fixed = supplier.save("policy", {"code_of_conduct": "yes", "code_file": [ident],
                                     "code_revised": "2026-01-15"})
    assert fixed.status_code == 303 and _stored(supplier)["code_file"] == [ident]
    page = supplier.page("/supplier/section/policy")
    assert "revisionsrapport.pdf" in page
    removed = supplier.save("policy", {"code_of_conduct": "yes", "code_file": [ident],
                                       "code_revised": "2026-01-15"},
                            action=f"unfile:code_file__keep:{ident}")
    assert removed.status_code == 303
    assert "code_file" not in _stored(supplier)
    assert "revisionsrapport.pdf" not in supplier.page("/supplier/section/policy")


def test_an_upload_in_a_table_cell_is_kept_when_another_cell_fails(supplier):
    row = {"site": "Fabrik 1", "country": "CN", "standard": "amfori_bsci",
           "audit_date": "2026-03-01"}
    q = supplier.site.q
    row["standard"] = q.questions["audits"].column("standard").options[0].value
    saved = supplier.save("verification", {"audits": [row]},
                          extra={"audits-0-report": _upload("granskning.pdf"),
                                 "audits-0-findings_minor": "-1"},
                          content_type="multipart/form-data")
    page = saved.text
    assert saved.status_code == 422
    assert "Filen granskning.pdf sparades." in page
    # stored at once and listed in its row; the next save puts it in the answer
    ident = re.search(r'name="audits-0-report__keep" value="(\d+)"', page).group(1)
    assert f'value="unfile:audits-0-report__keep:{ident}"' in page
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        assert session.get(Attachment, int(ident)).original_name == "granskning.pdf"
    row["findings_minor"] = 0
    fixed = supplier.save("verification", {"audits": [dict(row, report=[ident])]})
    assert fixed.status_code == 303
    assert _stored(supplier)["audits"][0]["report"] == [ident]


def test_autosave_then_save_draft_is_not_a_conflict_but_two_tabs_are(supplier):
    html = supplier.page("/supplier/section/contact")
    loaded = supplier.version(html)
    auto = supplier.save("contact", {"company_name": "Acme AB"}, version=loaded,
                         headers={"X-Kedjekoll-Autosave": "1"})
    assert auto.status_code == 200 and auto.get_json()["version"] == int(loaded) + 1
    # the button's save raced the autosave: it still carries the version the page loaded
    button = supplier.save("contact", {"company_name": "Acme AB"}, version=loaded)
    assert button.status_code == 303
    # another tab, loaded at the same version, that changes an answer: a conflict
    other = supplier.save("contact", {"company_name": "Other AB"}, version=loaded)
    assert other.status_code == 409
    assert _stored(supplier)["company_name"] == "Acme AB"


def test_the_favicon_is_served_and_linked(supplier):
    page = supplier.page("/supplier/")
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    icon = supplier.get(href)
    status, body = icon.status_code, icon.data
    icon.close()
    assert status == 200 and b"<svg" in body


def test_one_word_for_dont_know_in_the_webapp():
    root = Path(__file__).resolve().parents[2] / "webapp"
    for path in root.rglob("*"):
        if path.suffix in (".py", ".html", ".js"):
            assert "Vet ej" not in path.read_text(encoding="utf-8"), path


def test_in_english_the_summary_says_row_and_column_and_marks_required_blanks(supplier):
    _fill_all_but_one_cell(supplier)
    check = supplier.page("/supplier/check?lang=en")
    refused = supplier.post("/supplier/submit", {
        "csrf_token": supplier.csrf(check), "submission_id": "en-1", "confirm": "yes"})
    assert refused.status_code == 422
    assert _summary(refused.text) == [(
        "/supplier/section/mapping#tiers-2-company",
        "Supply-chain mapping › The supply chain tier by tier "
        "Row 3, Legal company name: Enter a value; it is required.")]
    assert "Missing – required" in refused.text
