"""Tables without JavaScript: rows as cards, added and removed by buttons, answers kept.

What the server renders must already be right for each row: the controls name their
row, a column's condition hides its cell in the rows that do not ask for it, the
"other" box is there in every row, and a cell's error names its row and column.
"""

from __future__ import annotations

import re

from webapp.definitions.expressions import holds
from webapp.store.db import unit_of_work
from webapp.store.models import Response
from webapp.store.responses import draft_answers


def _stored(site, index: int = 0) -> dict:
    with unit_of_work(site.sessions()) as session:
        return draft_answers(session, session.get(Response, site.response_ids[index]))


def _cards(html: str) -> list[str]:
    return re.findall(r'<fieldset class="row-card" id="(tiers-\d+)"', html)


def test_an_empty_table_shows_one_starter_row_that_is_not_an_answer(supplier):
    page = supplier.page("/supplier/section/mapping")
    assert _cards(page) == ["tiers-0"]
    assert '<legend class="row-title">Rad 1</legend>' in page
    saved = supplier.save("mapping", {"mapping_depth": "tier1"})
    assert saved.status_code == 303
    assert "tiers" not in _stored(supplier.site)
    # a blank row does not count: the question asked when no audit is reported is asked
    asked_without_audits = supplier.site.q.questions["no_audit_reason"].show_if
    assert holds(asked_without_audits, {"audits": [{"site": None, "report": []}]})


def test_add_row_on_an_empty_table_gives_two_rows_not_one(supplier):
    added = supplier.save("mapping", {}, action="add:tiers")
    assert added.status_code == 303
    location = added.headers["Location"]
    assert location.count("add=tiers") == 2 and location.endswith("#tiers-1")
    page = supplier.get(location).get_data(as_text=True)
    assert _cards(page) == ["tiers-0", "tiers-1"]
    assert "tiers" not in _stored(supplier.site)


def test_add_and_remove_keep_every_answer(supplier):
    first = {"tier": 1, "company": "Resin Co", "country": "MY"}
    added = supplier.save("mapping", {"mapping_method": "Enkäter", "tiers": [first]},
                          action="add:tiers")
    page = supplier.get(added.headers["Location"]).get_data(as_text=True)
    assert _cards(page) == ["tiers-0", "tiers-1"]
    assert 'value="Resin Co"' in page
    assert re.search(r'<label for="tiers-1-company"><span class="visually-hidden row-prefix">'
                     r'Rad 2: </span>Juridiskt företagsnamn', page)
    rows = [first, {"tier": 2, "company": "Meltblown Ltd"}, {"tier": 3, "company": "Ear Loop Co"}]
    removed = supplier.save("mapping", {"tiers": rows}, action="remove:tiers:1")
    assert removed.status_code == 303 and removed.headers["Location"].endswith("#q-tiers")
    stored = _stored(supplier.site)["tiers"]
    assert [r["company"] for r in stored] == ["Resin Co", "Ear Loop Co"]
    assert stored[0]["country"] == "MY"
    page = supplier.page("/supplier/section/mapping")
    assert _cards(page) == ["tiers-0", "tiers-1"] and "Meltblown Ltd" not in page


def test_a_conditional_cell_is_hidden_only_in_the_rows_that_do_not_ask_for_it(supplier):
    rows = [{"tier": 1, "company": "Without audit", "audit_standard": "none",
             "process_step": "assembly", "country": "CN"},
            {"tier": 2, "company": "With audit", "audit_standard": "smeta",
             "process_step": "assembly", "country": "CN"}]
    assert supplier.save("mapping", {"tiers": rows}).status_code == 303
    page = supplier.page("/supplier/section/mapping")
    cells = re.findall(r'<div class="cell" data-column="audit_date"[^>]*>', page)
    assert len(cells) == 3  # two rows, and the blank row in the <template>
    assert cells[0].endswith(" hidden>") and not cells[1].endswith(" hidden>")
    assert not cells[2].endswith(" hidden>")
    # the blank row the browser copies asks for the date until a standard says "none"
    template = page.split("<template data-row-template=\"tiers\">", 1)[1].split("</template>")[0]
    assert 'name="tiers-__index__-audit_date"' in template
    assert "Rad __n__: " in template


def test_every_row_has_its_other_box_and_keeps_its_text(supplier):
    rows = [{"tier": 1, "company": "A", "process_step": "other", "country": "CN",
             "process_step.other": "Sterilisering med etylenoxid"},
            {"tier": 2, "company": "B", "process_step": "assembly", "country": "CN"}]
    assert supplier.save("mapping", {"tiers": rows}).status_code == 303
    assert _stored(supplier.site)["tiers"][0]["process_step.other"] == \
        "Sterilisering med etylenoxid"
    page = supplier.page("/supplier/section/mapping")
    assert 'name="tiers-0-process_step__other" value="Sterilisering med etylenoxid"' in page
    assert 'name="tiers-1-process_step__other"' in page
    assert "Rad 2: </span>Om annat, ange vad" in page


def test_a_cell_error_names_its_row_and_column(supplier):
    rows = [{"tier": 1, "company": "A"}, {"tier": 2, "company": "B"},
            {"tier": "-1", "company": "C"}]
    response = supplier.save("mapping", {"tiers": rows})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="field-error" id="tiers-2-tier-error">(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", error) == "Fel: Rad 3, Led: Värdet får inte vara lägre än 1."
    assert re.search(r'id="tiers-2-tier" name="tiers-2-tier" value="-1"[^>]*'
                     r'aria-describedby="tiers-2-tier-error" aria-invalid="true"', html)
    assert '<a href="#tiers-2-tier">Rad 3, Led: Värdet får inte vara lägre än 1.</a>' in html


def test_two_rows_or_more_are_listed_above_the_cards(supplier):
    rows = [{"tier": 1, "company": "Hubei Anxin Medical", "country": "CN"},
            {"tier": 2, "company": "Klang Resin", "country": "MY"}]
    supplier.save("mapping", {"tiers": rows})
    page = supplier.page("/supplier/section/mapping")
    listed = page.split('<dl class="row-summary"', 1)[1].split("</dl>", 1)[0]
    assert "Hubei Anxin Medical" in listed and "Malaysia" in listed
    assert '<a href="#tiers-1">Ändra<span class="visually-hidden"> rad 2</span></a>' in listed


def test_in_english_rows_and_errors_say_row(supplier):
    supplier.page("/supplier/section/mapping?lang=en")
    response = supplier.save("mapping", {"tiers": [{"tier": 1, "company": "A"},
                                                   {"tier": "x", "company": "B"}]})
    html = response.get_data(as_text=True)
    assert '<legend class="row-title">Row 2</legend>' in html
    assert re.search(r'<label for="tiers-1-company"><span class="visually-hidden row-prefix">'
                     r'Row 2: </span>Legal company name', html)
    error = re.search(r'id="tiers-1-tier-error">(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", error) == \
        "Error: Row 2, Tier: Enter a number, such as 12 or 12.5."
    assert ">Remove row 2<" in html
