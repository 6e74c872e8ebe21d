"""Visibility, scores, flags and ratings, on a small questionnaire and the shipped ones."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, questionnaire_yaml
from webapp.definitions import check_text, load_file
from webapp.definitions.scoring import score, visibility

SMALL = questionnaire_yaml("""\
    - id: role
      type: choice
      label: {sv: Roll, en: Role}
      options:
        - {value: maker, label: {sv: T, en: M}, points: 4}
        - {value: seller, label: {sv: S, en: S}, points: 1}
    - id: in_china
      type: yesno
      dont_know: true
      label: {sv: Kina, en: China}
      points: {yes: 0, no: 2, dont_know: 0}
    - id: followup
      type: textarea
      label: {sv: Uppföljning, en: Follow-up}
      show_if: in_china == "yes"
      rubric: process
      weight: 2
    - id: tiers
      type: table
      label: {sv: Led, en: Tiers}
      columns:
        - {id: country, type: country, label: {sv: Land, en: Country}}
        - {id: region, type: region, country: country, label: {sv: Region, en: Region}}
        - id: note
          type: text
          label: {sv: Not, en: Note}
          show_if: country == "CN"
    """, tail="""\
    rubrics:
      process:
        levels:
          - {points: 0, label: {sv: Saknas, en: Missing}}
          - {points: 1, label: {sv: Allmänt, en: Generic}}
          - {points: 3, label: {sv: Belagt, en: Evidenced}}
    ratings:
      - {id: low, label: {sv: Låg, en: Low}, min_score: 75}
      - {id: medium, label: {sv: Medel, en: Medium}, min_score: 40}
      - {id: high, label: {sv: Hög, en: High}, min_score: 0}
    flags:
      - id: xinjiang
        severity: red
        when: any(tiers, region == "CN-XJ")
        message: {sv: Xinjiang, en: Xinjiang}
        rating: high
      - id: unsure
        severity: amber
        when: in_china == "dont_know"
        message: {sv: Vet inte, en: Unsure}
      - id: hidden_followup
        severity: amber
        when: answered(followup)
        message: {sv: Svar, en: Answer}
    """)


@pytest.fixture(scope="module")
def q():
    result = check_text(SMALL)
    assert result.problems == []
    return result.questionnaire


def test_auto_points_and_weighted_total(q):
    result = score(q, {"role": "maker", "in_china": "no"})
    assert [(s.id, s.score) for s in result.sections] == [("s", 100.0)]
    assert result.total == 100.0 and result.rating == "low" and not result.provisional
    result = score(q, {"role": "seller", "in_china": "no"})
    assert result.total == 62.5  # (1/4 + 2/2) / 2
    assert result.rating == "medium"


def test_rubric_pending_then_graded(q):
    answers = {"role": "maker", "in_china": "yes", "followup": "We audit."}
    pending = score(q, answers)
    assert pending.provisional and pending.total == 50.0  # (4/4 + 0/2) / 2
    graded = score(q, answers, {"followup": 1})
    assert not graded.provisional
    assert graded.total == pytest.approx(round(100 * (1 + 0 + 2 * 1 / 3) / 4, 1))
    assert score(q, answers, {"followup": 3}).total == 75.0


def test_hidden_answers_do_not_count(q):
    answers = {"role": "maker", "in_china": "no", "followup": "Left from an earlier draft"}
    seen = visibility(q, answers)
    assert "followup" not in seen.questions and "followup" not in seen.answers
    result = score(q, answers, {"followup": 0})
    assert result.total == 100.0
    assert [f.id for f in result.flags] == []  # answered(followup) sees it as unanswered


def test_hidden_table_cells_are_cleared(q):
    rows = [{"country": "SE", "region": None, "note": "kept out"},
            {"country": "CN", "region": "CN-GD", "note": "kept"}]
    seen = visibility(q, {"tiers": rows})
    assert [r["note"] for r in seen.answers["tiers"]] == [None, "kept"]


def test_red_flag_forces_rating(q):
    answers = {"role": "maker", "in_china": "no",
               "tiers": [{"country": "CN", "region": "CN-XJ"}]}
    result = score(q, answers)
    assert result.total == 100.0 and result.rating == "high"
    assert [(f.id, f.severity, f.questions) for f in result.flags] == [
        ("xinjiang", "red", ("tiers",))]
    assert result.red_flags == 1 and result.amber_flags == 0


def test_amber_flag_and_no_score(q):
    result = score(q, {"in_china": "dont_know"})
    assert [f.id for f in result.flags] == ["unsure"]
    assert result.total == 0.0 and result.rating == "high"
    empty = check_text(SMALL.replace("points: 4", "points: 0")).questionnaire
    assert score(empty, {}).rating is not None


def test_score_is_a_pure_function(q):
    answers = {"role": "seller", "in_china": "yes", "followup": "x",
               "tiers": [{"country": "CN", "region": "CN-XJ"}]}
    assert score(q, answers, {"followup": 1}) == score(q, dict(answers), {"followup": 1})


def test_masks_and_aprons_supplier_with_a_tier_in_xinjiang():
    q = load_file(ROOT / "questionnaires" / "ppe-masks-aprons.yaml")
    table = q.questions["tiers"]
    row = {c.id: None for c in table.columns}
    answers = {"tiers": [dict(row, tier=1, country="CN", region="CN-XJ"),
                         dict(row, tier=2, country="MY", region="MY-10")]}
    result = score(q, answers)
    red = {f.id for f in result.flags if f.severity == "red"}
    assert "tier_in_xinjiang" in red
    assert result.rating == "high"
    answers["tiers"] = [dict(row, tier=1, country="SE", region="SE-AB")]
    assert "tier_in_xinjiang" not in {f.id for f in score(q, answers).flags}


@pytest.mark.parametrize("name", ["ppe-masks-aprons", "gloves", "it-hardware"])
def test_shipped_questionnaires_score_an_empty_and_a_dont_know_response(name):
    q = load_file(ROOT / "questionnaires" / f"{name}.yaml")
    empty = score(q, {})
    assert empty.total is not None and 0 <= empty.total <= 100
    dont_know = {x.id: "dont_know" for x in q.questions.values()
                 if x.type == "yesno" and x.dont_know}
    assert dont_know
    result = score(q, dont_know)
    assert any(f.severity == "amber" for f in result.flags)
