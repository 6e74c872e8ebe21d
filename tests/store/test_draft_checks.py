"""Saving a draft catches what submitting would, and never conflicts with its own twin
(issue 10), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.store.conftest import make_campaign
from webapp.store.responses import DraftConflict, draft_answers, save_draft

SUPPLIER = "kim@leverantor.example"


def test_a_filled_row_is_checked_for_its_required_cells_and_still_stored(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    rows = [{"tier": 1, "company": "Hubei Anxin Medical", "country": "CN",
             "process_step": "assembly"},
            {"tier": 2, "country": "MY"}]
    saved = save_draft(session, response, {"tiers": rows}, 0, SUPPLIER)
    assert sorted((e.row, e.column, e.code) for e in saved.errors) == [
        (1, "company", "required"), (1, "process_step", "required")]
    assert draft_answers(session, response)["tiers"] == rows  # kept as typed


def test_a_blank_row_and_a_blank_optional_cell_are_no_error(session, masks):
    _, [(response, _)] = make_campaign(session, masks)
    rows = [{"tier": 1, "company": "A", "country": "CN", "process_step": "assembly"},
            {"tier": None, "company": None}]
    assert save_draft(session, response, {"tiers": rows}, 0, SUPPLIER).errors == []


def test_a_stale_save_that_changes_nothing_is_no_conflict(session, masks):
    """The autosave stored exactly what the page's button then sends with the version
    the page was loaded at: nothing would be overwritten."""
    _, [(response, _)] = make_campaign(session, masks)
    save_draft(session, response, {"contact_name": "Kim", "org_number": None}, 0, SUPPLIER)
    again = save_draft(session, response, {"contact_name": "Kim", "org_number": ""}, 0,
                       SUPPLIER)
    assert again.version == 2
    with pytest.raises(DraftConflict):  # a real change on a stale version still is one
        save_draft(session, response, {"contact_name": "Someone else"}, 0, SUPPLIER)
    assert draft_answers(session, response) == {"contact_name": "Kim"}
