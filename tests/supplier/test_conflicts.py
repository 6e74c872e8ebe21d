"""Two windows on one draft: only differing answers, labelled, and a choice for each."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from webapp.definitions.fields import text_in
from webapp.store.models import Response
from webapp.store.responses import draft_answers

FIRST = {"company_name": "Nordisk Skydd AB", "role": "manufacturer",
         "agreements": ["hos_2018"], "contact_email": "anna@nordisk.example"}


def stored(supplier) -> dict:
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        return draft_answers(session, session.get(Response, supplier.site.response_ids[0]))


def label(q, question_id, lang, value=None) -> str:
    question = q.questions[question_id]
    if value is None:
        return text_in(question.label, lang, "sv")
    return next(text_in(o.label, lang, "sv") for o in question.options if o.value == value)


def conflicting_save(supplier, lang: str, mine: dict):
    """Window one saves FIRST; window two, opened before, saves `mine` over it."""
    supplier.get(f"/supplier/section/contact?lang={lang}")
    stale = supplier.version(supplier.last.get_data(as_text=True))
    assert supplier.save("contact", FIRST).status_code == 303
    return supplier.save("contact", mine, version=stale)


def choose(supplier, body: str, choices: dict[str, str]):
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    data = {name: htmllib.unescape(value) for name, value in fields.items()}
    data.update({f"keep-{qid}": choice for qid, choice in choices.items()})
    return supplier.post("/supplier/section/contact/resolve", data)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_conflict_page_lists_only_the_answers_that_differ_in_words(supplier, lang):
    q = supplier.site.q
    mine = dict(FIRST, role="brand_owner", agreements=["hos_2018", "bristvaror_2020"])
    second = conflicting_save(supplier, lang, mine)
    body = second.get_data(as_text=True)
    text = htmllib.unescape(body)
    assert second.status_code == 409
    headings = re.findall(r'<h2 class="conflict-question">([^<]*)</h2>', text)
    assert headings == [label(q, "agreements", lang), label(q, "role", lang)]
    assert label(q, "company_name", lang) not in text  # the same in both windows
    assert label(q, "role", lang, "brand_owner") in text  # this window's
    assert label(q, "role", lang, "manufacturer") in text  # the saved one
    assert "brand_owner" not in re.sub(r'name="mine" value="[^"]*"', "", body)
    assert "['" not in text and "hos_2018" not in re.sub(r'name="mine" value="[^"]*"', "",
                                                            body)
    words = {"sv": ("ändrades i ett annat fönster", "Behåll mitt", "Behåll det sparade"),
             "en": ("changed in another window", "Keep mine", "Keep the saved one")}[lang]
    assert all(w in text for w in words)
    assert stored(supplier)["role"] == "manufacturer"  # nothing overwritten yet


def test_each_answer_keeps_the_version_chosen_with_one_post(supplier):
    mine = dict(FIRST, role="brand_owner", agreements=["bristvaror_2020"])
    second = conflicting_save(supplier, "sv", mine)
    done = choose(supplier, second.get_data(as_text=True),
                  {"role": "mine", "agreements": "saved"})
    assert done.status_code == 303 and done.headers["Location"].endswith(
        "/supplier/section/contact")
    answers = stored(supplier)
    assert answers["role"] == "brand_owner" and answers["agreements"] == ["hos_2018"]
    assert answers["company_name"] == "Nordisk Skydd AB"
    assert "Sparat kl." in supplier.page("/supplier/section/contact")


def test_a_missing_choice_is_named_and_nothing_is_saved(supplier):
    mine = dict(FIRST, role="distributor", agreements=["bristvaror_2020"])
    second = conflicting_save(supplier, "sv", mine)
    refused = choose(supplier, second.get_data(as_text=True), {"role": "mine"})
    text = htmllib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert f"Välj vilket svar som ska behållas för ”{label(supplier.site.q, 'agreements', 'sv')}”" \
        in text
    assert 'href="#keep-agreements-mine"' in text and 'id="keep-role-mine" name="keep-role"' \
        ' value="mine" checked' in text
    assert stored(supplier)["role"] == "manufacturer"
    done = choose(supplier, refused.get_data(as_text=True),
                  {"role": "mine", "agreements": "mine"})
    assert done.status_code == 303
    assert stored(supplier)["agreements"] == ["bristvaror_2020"]


def test_the_same_answers_from_two_windows_are_no_conflict(supplier):
    second = conflicting_save(supplier, "sv", dict(FIRST))
    assert second.status_code == 303
    assert stored(supplier)["company_name"] == "Nordisk Skydd AB"


def test_a_draft_saved_again_meanwhile_asks_anew(supplier):
    mine = dict(FIRST, role="brand_owner")
    second = conflicting_save(supplier, "sv", mine)
    supplier.save("contact", dict(FIRST, role="distributor"))  # a third save elsewhere
    again = choose(supplier, second.get_data(as_text=True), {"role": "mine"})
    text = htmllib.unescape(again.get_data(as_text=True))
    assert again.status_code == 409
    assert label(supplier.site.q, "role", "sv", "distributor") in text
    assert stored(supplier)["role"] == "distributor"


def test_a_table_that_differs_shows_country_names_and_numbers_in_words(supplier):
    row = {"tier": 1, "process_step": "assembly", "company": "Hubei Anxin Medical",
           "country": "CN"}
    base = {"mapping_depth": "tier2_3", "mapped_share": 40.5}
    supplier.get("/supplier/section/mapping")
    stale = supplier.version(supplier.last.get_data(as_text=True))
    assert supplier.save("mapping", dict(base, tiers=[row])).status_code == 303
    moved = dict(row, country="MY")
    second = supplier.save("mapping", dict(base, tiers=[moved]), version=stale)
    body = second.get_data(as_text=True)
    text = htmllib.unescape(re.sub(r'name="mine" value="[^"]*"', "", body))
    assert second.status_code == 409
    q = supplier.site.q
    assert re.findall(r'<h2 class="conflict-question">([^<]*)</h2>', text) == [
        label(q, "tiers", "sv")]
    assert "Kina" in text and "Malaysia" in text
    assert ">CN<" not in text and ">MY<" not in text
