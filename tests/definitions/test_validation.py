"""Answer validation for every type: partial (draft) and full (submit)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tests.conftest import ROOT
from tests.definitions.test_types import ALL_TYPES
from webapp.definitions import check_text, load_file
from webapp.definitions.examples import example_answers
from webapp.definitions.validation import submitted_answers, validate

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def q():
    return check_text(ALL_TYPES).questionnaire


def codes(q, answers, full=False):
    return [(e.field, e.code) for e in validate(q, answers, full=full, today=TODAY)]


@pytest.mark.parametrize(("answers", "expected"), [
    ({"company": "A"}, [("company", "min_length")]),
    ({"company": "x" * 121}, [("company", "max_length")]),
    ({"company": "<b>"}, [("company", "pattern")]),
    ({"company": 12}, [("company", "type")]),
    ({"story": "x" * 4001}, [("story", "max_length")]),
    ({"hours": 12.5}, [("hours", "integer")]),
    ({"hours": -1}, [("hours", "min")]),
    ({"hours": 169}, [("hours", "max")]),
    ({"hours": "12"}, [("hours", "number")]),
    ({"hours": True}, [("hours", "number")]),
    ({"share": 99.5}, []),
    ({"revised": "2026-13-01"}, [("revised", "date")]),
    ({"revised": "2014-12-31"}, [("revised", "min_date")]),
    ({"revised": "2026-06-02"}, [("revised", "max_date")]),
    ({"revised": "2026-06-01"}, []),
    ({"role": "boss"}, [("role", "option")]),
    ({"role": "other"}, []),
    ({"inputs": ["cotton", "pvc", "resin"]}, [("inputs", "max_selected")]),
    ({"inputs": ["none", "pvc"]}, [("inputs", "exclusive")]),
    ({"inputs": ["pvc", "pvc"]}, [("inputs", "option")]),
    ({"inputs": "pvc"}, [("inputs", "option")]),
    ({"audits_allowed": "maybe"}, [("audits_allowed", "option")]),
    ({"audits_allowed": "dont_know"}, []),
    ({"hq": "XX"}, [("hq", "country")]),
    ({"hq": "CN", "hq_region": "CN-XJ"}, []),
    ({"hq": "CN", "hq_region": "MY-01"}, [("hq_region", "region")]),
    ({"contact": "not an address"}, [("contact", "email")]),
    ({"contact": "kim@leverantor.se"}, []),
    ({"site": "javascript:alert(1)"}, [("site", "url")]),
    ({"site": "https://leverantor.se/csr"}, []),
    ({"code_file": ["1", "2", "3", "4"]}, [("code_file", "max_files")]),
    ({"tiers": [{"tier": 1.5, "country": "CN", "region": "SE-AB"}]},
     [("tiers.0.tier", "integer"), ("tiers.0.region", "region")]),
    ({"tiers": [{"tier": 1}] * 41}, [("tiers", "max_rows")]),
    ({"tiers": "rows"}, [("tiers", "type")]),
    ({"nonsense": 1}, [("nonsense", "unknown")]),
])
def test_partial_validation(q, answers, expected):
    assert codes(q, answers) == expected


def test_partial_does_not_enforce_required_or_minimums(q):
    assert codes(q, {"company": None, "inputs": [], "tiers": []}) == []


def test_full_requires_answers_and_minimums(q):
    result = codes(q, {"inputs": []}, full=True)
    assert ("company", "required") in result
    assert all(code == "required" for _, code in result)
    two = check_text(ALL_TYPES.replace("min_rows: 1", "min_rows: 2")).questionnaire
    rows = [{"tier": 1, "country": "SE"}, {"tier": None}]
    result = codes(two, {"company": "Acme AB", "tiers": rows}, full=True)
    assert result == [("tiers", "min_rows")]  # a blank row does not count
    assert codes(two, {"company": "Acme AB"}, full=True) == []  # not required: may be empty


def test_full_wants_the_other_text(q):
    base = {"company": "Acme AB", "tiers": [{"tier": 1, "country": "SE"}]}
    assert ("role", "other") in codes(q, dict(base, role="other"), full=True)
    assert ("role", "other") not in codes(q, dict(base, role="other",
                                                  **{"role.other": "Agent"}), full=True)


def test_hidden_questions_are_not_checked_and_not_submitted(q):
    answers = {"company": "Acme AB", "hq": "SE", "hq_region": "not even a code",
               "tiers": [{"tier": 1}]}
    assert ("hq_region", "region") not in codes(q, answers, full=True)
    assert "hq_region" not in submitted_answers(q, answers)
    assert ("hq_region", "region") in codes(q, answers)  # a draft check still sees it


def test_hidden_column_in_a_row_is_not_checked(q):
    answers = {"company": "Acme AB", "tiers": [{"tier": 1, "proof": "not a list"}]}
    assert codes(q, answers, full=True) == []
    answers["tiers"][0]["country"] = "SE"
    assert codes(q, answers, full=True) == [("tiers.0.proof", "type")]


def test_author_messages_and_both_languages(q):
    [error] = validate(q, {"company": "<b>"}, full=False)
    assert error.message(q, "sv") == "Inga vinkelparenteser"
    assert error.message(q, "en") == "No angle brackets"
    [error] = validate(q, {"hours": 200}, full=False)
    assert error.message(q, "sv") == "Värdet får inte vara högre än 168."
    assert error.message(q, "en") == "The value must be 168 or less."
    [error] = validate(q, {"inputs": ["none", "pvc"]}, full=False)
    assert error.message(q, "en") == "“None” cannot be combined with other choices."


@pytest.mark.parametrize("name", ["ppe-masks-aprons", "gloves", "it-hardware"])
def test_example_answers_without_files_are_valid_for_submission(name):
    """A "yes" that needs an attached file becomes "no" when the caller gives no files."""
    q = load_file(ROOT / "questionnaires" / f"{name}.yaml")
    bare = [example_answers(q, random.Random(seed), files_for=lambda _q: [])
            for seed in range(8)]
    assert all(validate(q, answers, full=True) == [] for answers in bare)
    assert all(a["code_of_conduct"] == "no" for a in bare)
    with_files = [example_answers(q, random.Random(seed), files_for=lambda _q: ["f"])
                  for seed in range(8)]
    assert any(a["code_of_conduct"] == "yes" and a["code_file"] == ["f"] for a in with_files)
