"""Control characters in answers (issue 13, item 6): refused the same way on SQLite and
PostgreSQL, with the question or cell named, nothing of that answer stored and every
other answer kept. Before, PostgreSQL answered 500 (UntranslatableCharacter) where
SQLite stored the NUL."""

from __future__ import annotations

import pytest

from tests.store.conftest import make_campaign
from webapp.definitions import check_text
from webapp.definitions.validation import validate
from webapp.store.responses import draft_answers, save_draft

SUPPLIER = "kim@leverantor.example"
FORM = """\
id: control
version: 1
languages: [sv, en]
title: Styrtecken
sections:
  - id: s
    title: S
    questions:
      - {id: name, type: text, label: {sv: Företagsnamn, en: Company name}}
      - {id: story, type: textarea, label: {sv: Beskrivning, en: Description}}
      - {id: workers, type: number, label: {sv: Anställda, en: Workers}}
      - id: role
        type: choice
        other: true
        label: {sv: Roll, en: Role}
        options: [{value: maker, label: {sv: Tillverkare, en: Maker}}]
      - {id: mail, type: email, label: {sv: E-post, en: E-mail}}
      - {id: site, type: url, label: {sv: Webbplats, en: Website}}
      - id: tiers
        type: table
        label: {sv: Led, en: Tiers}
        columns:
          - {id: company, type: text, label: {sv: Juridiskt företagsnamn, en: Legal name}}
          - {id: notes, type: textarea, label: {sv: Anteckningar, en: Notes}}
"""
#: C0 but tab and line breaks, DEL, C1, a lone surrogate (possible in JSON)
REFUSED_ANYWHERE = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85",
                    "\x9f", "\ud800"]


@pytest.fixture(scope="module")
def form():
    return check_text(FORM).questionnaire


KEPT = {"workers": 12, "story": "Vi följer upp\n\tvarje led.\r\nOch mer."}


@pytest.mark.parametrize("char", REFUSED_ANYWHERE)
def test_a_control_character_in_an_answer_is_refused_and_the_rest_kept(session, form, char):
    """R9: no 500 on either database; the error names the question and says what to do;
    that answer is not stored; the other answers are; tab and line breaks in a textarea
    are kept as typed."""
    _, [(response, _)] = make_campaign(session, form)
    saved = save_draft(session, response, {"name": f"Hubei{char} Anxin", **KEPT}, 0,
                       SUPPLIER)
    assert [(e.question_id, e.code) for e in saved.errors] == [("name", "control")]
    error = saved.errors[0]
    name = f"U+{ord(char):04X}"
    assert error.message(form, "sv") == (
        f"Ta bort tecknet ({name}) ur ”Företagsnamn”, det kan inte sparas. Det hjälper "
        "ofta att skriva in texten i stället för att klistra in den.")
    assert error.message(form, "en").startswith(f"Remove the character ({name}) from "
                                                "“Company name”; it cannot be saved.")
    session.flush()
    assert draft_answers(session, response) == KEPT


@pytest.mark.parametrize("field,value", [
    ("story", "Rad ett\x00"), ("role.other", "Agent\tför"), ("mail", "kim\x00@a.se"),
    ("site", "https://a.se/\x00"), ("name", "Två\nrader"), ("name", "Tab\tbar")])
def test_every_kind_of_text_answer_is_checked(session, form, field, value):
    """R9: a textarea, an "other" text, an e-mail, a web address; a tab or line break in
    a one-line answer is refused too, and named so a supplier knows what to remove."""
    _, [(response, _)] = make_campaign(session, form)
    answers = {"role": "other", "role.other": "Agent"} if field == "role.other" else {}
    saved = save_draft(session, response, {**answers, field: value, "workers": 3}, 0,
                       SUPPLIER)
    base = field.split(".")[0]
    assert [(e.question_id, e.code) for e in saved.errors] == [(base, "control")]
    if "\n" in value:
        assert "(radbrytning)" in saved.errors[0].message(form, "sv")
        assert "(line break)" in saved.errors[0].message(form, "en")
    if "\t" in value:
        assert "(tabb)" in saved.errors[0].message(form, "sv")
    assert draft_answers(session, response) == {"workers": 3}


def test_a_control_character_in_a_table_cell_names_its_row_and_column(session, form):
    """R9: the cell's place in words, in both languages; the table is not stored, the
    other answers are; a line break in a textarea cell is no error."""
    _, [(response, _)] = make_campaign(session, form)
    rows = [{"company": "Plain Ltd", "notes": "Rad ett\nRad två"},
            {"company": "Hubei\x00 Anxin", "notes": "ok"}]
    saved = save_draft(session, response, {"tiers": rows, "name": "Kim AB"}, 0, SUPPLIER)
    assert [(e.question_id, e.row, e.column, e.code) for e in saved.errors] == [
        ("tiers", 1, "company", "control")]
    assert saved.errors[0].place(form, "sv") == "Rad 2, Juridiskt företagsnamn"
    assert saved.errors[0].place(form, "en") == "Row 2, Legal name"
    assert saved.errors[0].message(form, "sv").startswith("Ta bort tecknet (U+0000) ur fältet")
    assert draft_answers(session, response) == {"name": "Kim AB"}
    fixed = save_draft(session, response, {"tiers": [rows[0], {"company": "Hubei Anxin"}]},
                       saved.version, SUPPLIER)
    assert fixed.errors == []
    assert draft_answers(session, response)["tiers"][0]["notes"] == "Rad ett\nRad två"


def test_a_control_character_in_a_key_or_a_hidden_cell_is_never_stored(session, form):
    """R9, for answers that come as JSON: a key beside a question, or a cell of a column
    the table does not have, cannot slip a NUL into the database."""
    _, [(response, _)] = make_campaign(session, form)
    saved = save_draft(session, response, {
        "name.x\x00": "a", "story.note": "b\x00", "tiers": [{"company": "A", "x\x00": "b"}],
        "workers": 1}, 0, SUPPLIER)
    assert sorted((e.question_id, e.code) for e in saved.errors) == [
        ("name", "control"), ("story", "control"), ("tiers", "control")]
    assert draft_answers(session, response) == {"workers": 1}


def test_a_stored_control_character_stops_the_submission_at_its_question(form):
    """R9: a NUL kept from before the check (SQLite stored them) is named at submit,
    which validates the whole draft the same way."""
    errors = validate(form, {"story": "Gammal\x00", "workers": 1}, full=True)
    assert [(e.question_id, e.code) for e in errors] == [("story", "control")]
