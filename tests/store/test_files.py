"""Evidence files: atomic writes by content hash, and answers naming only own files."""

from __future__ import annotations

import io

import pytest

from tests.store.conftest import make_campaign
from webapp.store.files import attach, file_path, store_bytes
from webapp.store.responses import draft_answers, save_draft

SUPPLIER = "kim@leverantor.example"


def test_bytes_are_stored_under_their_hash(tmp_path):
    sha, size = store_bytes(tmp_path, io.BytesIO(b"%PDF-1.7 code of conduct"), 1000)
    assert size == 24 and file_path(tmp_path, sha).read_bytes() == b"%PDF-1.7 code of conduct"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [sha]


def test_too_large_leaves_nothing_behind(tmp_path):
    with pytest.raises(ValueError, match="larger than 10 bytes"):
        store_bytes(tmp_path, io.BytesIO(b"x" * 11), 10)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_same_content_twice_is_one_file(tmp_path):
    first = store_bytes(tmp_path, io.BytesIO(b"same"), 100)
    second = store_bytes(tmp_path, io.BytesIO(b"same"), 100)
    assert first == second
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_a_file_answer_may_only_name_own_attachments(session, masks, tmp_path):
    _, [(mine, _), (theirs, _)] = make_campaign(session, masks, suppliers=2)
    sha, size = store_bytes(tmp_path, io.BytesIO(b"%PDF-1.4 theirs"), 1000)
    their_file = attach(session, theirs, "code_file", sha, size, "application/pdf",
                        "uppförandekod.pdf", SUPPLIER)
    my_file = attach(session, mine, "code_file", sha, size, "application/pdf", "kod.pdf",
                     SUPPLIER)
    saved = save_draft(session, mine, {"code_file": [str(their_file.id)]}, 0, SUPPLIER)
    assert [(e.question_id, e.code) for e in saved.errors] == [("code_file", "file")]
    assert "code_file" not in draft_answers(session, mine)
    saved = save_draft(session, mine, {"code_file": [str(my_file.id)]}, 1, SUPPLIER)
    assert saved.errors == [] and draft_answers(session, mine)["code_file"] == [str(my_file.id)]
