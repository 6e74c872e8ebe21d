"""Every question type loads with all its keys; definitions are frozen and hashed."""

from __future__ import annotations

import pydantic
import pytest

from tests.conftest import questionnaire_yaml
from webapp.definitions import check_text
from webapp.definitions.questions import TYPE_NAMES

ALL_TYPES = questionnaire_yaml("""\
    - id: intro_note
      type: note
      label: {sv: Om formuläret, en: About the form}
      text: {sv: "**Läs** först.", en: "**Read** first."}
    - id: company
      type: text
      label: {sv: Företag, en: Company}
      help: {sv: Juridiskt namn, en: Legal name}
      required: true
      min_length: 2
      max_length: 120
      pattern: "[^<>]+"
      messages:
        pattern: {sv: Inga vinkelparenteser, en: No angle brackets}
    - id: story
      type: textarea
      label: {sv: Beskriv, en: Describe}
      max_length: 4000
      rubric: process
      weight: 2
    - id: hours
      type: number
      label: {sv: Timmar, en: Hours}
      integer: true
      min: 0
      max: 168
      unit: {sv: timmar per vecka, en: hours per week}
    - id: share
      type: number
      label: {sv: Andel, en: Share}
      min: 0
      max: 100.0
      unit: "%"
    - id: revised
      type: date
      label: {sv: Reviderad, en: Revised}
      min: "2015-01-01"
      max: today
    - id: role
      type: choice
      display: dropdown
      other: true
      other_label: {sv: Annan roll, en: Another role}
      label: {sv: Roll, en: Role}
      options:
        - {value: maker, label: {sv: Tillverkare, en: Maker}, points: 2}
        - {value: seller, label: {sv: Säljare, en: Seller}, points: 1}
    - id: inputs
      type: multichoice
      label: {sv: Insatsvaror, en: Inputs}
      min_selected: 1
      max_selected: 2
      options:
        - {value: cotton, label: {sv: Bomull, en: Cotton}, points: 1}
        - {value: pvc, label: PVC, points: 3}
        - {value: resin, label: {sv: Plast, en: Resin}, points: 2}
        - {value: none, label: {sv: Inga, en: None}, exclusive: true}
    - id: audits_allowed
      type: yesno
      dont_know: true
      label: {sv: Revisioner, en: Audits}
      points: {yes: 2, no: 0, dont_know: 1}
    - id: hq
      type: country
      label: {sv: Land, en: Country}
    - id: hq_region
      type: region
      country: hq
      label: {sv: Region, en: Region}
      show_if: hq == "CN"
    - id: contact
      type: email
      label: {sv: E-post, en: E-mail}
    - id: site
      type: url
      label: {sv: Webbplats, en: Website}
    - id: code_file
      type: file
      label: {sv: Kod, en: Code}
      accept: [pdf, docx]
      max_size_mb: 20
      multiple: true
      max_files: 3
    - id: tiers
      type: table
      label: {sv: Led, en: Tiers}
      min_rows: 1
      max_rows: 40
      rubric: process
      columns:
        - {id: tier, type: number, integer: true, label: {sv: Led, en: Tier}}
        - {id: country, type: country, label: {sv: Land, en: Country}}
        - {id: region, type: region, country: country, label: {sv: Region, en: Region}}
        - id: proof
          type: file
          label: {sv: Bevis, en: Proof}
          show_if: answered(country)
    """, tail="""\
    rubrics:
      process:
        levels:
          - {points: 0, label: {sv: Saknas, en: Missing}}
          - {points: 3, label: {sv: Bra, en: Good}}
    ratings:
      - {id: low, label: {sv: Låg, en: Low}, min_score: 70}
      - {id: high, label: {sv: Hög, en: High}, min_score: 0}
    flags:
      - id: xinjiang
        severity: red
        when: any(tiers, region == "CN-XJ") or hq_region == "CN-XJ"
        message: {sv: Xinjiang, en: Xinjiang}
        rating: high
    """)


@pytest.fixture(scope="module")
def q():
    result = check_text(ALL_TYPES)
    assert result.problems == []
    return result.questionnaire


def test_every_type_is_covered(q):
    types = {x.type for x in q.questions.values()}
    types |= {c.type for c in q.questions["tiers"].columns}
    assert types == set(TYPE_NAMES)


def test_keys_are_read(q):
    assert q.questions["company"].pattern == "[^<>]+"
    assert q.questions["company"].messages["pattern"]["en"] == "No angle brackets"
    assert q.questions["hours"].integer and q.questions["hours"].max == 168
    assert q.questions["revised"].max == "today"
    assert q.questions["role"].option_values() == ("maker", "seller", "other")
    assert q.questions["role"].display == "dropdown"
    assert q.questions["audits_allowed"].option_values() == ("yes", "no", "dont_know")
    assert q.questions["code_file"].accept == ["pdf", "docx"]
    assert q.questions["hq_region"].country == "hq"
    assert q.questions["tiers"].column("region").country == "country"
    assert q.questions["tiers"].column("proof").show_if.source == "answered(country)"
    assert q.default_language == "sv"


def test_points(q):
    assert q.questions["role"].max_points() == 2
    assert q.questions["role"].points_for("seller") == 1
    assert q.questions["role"].points_for("other") == 0
    assert q.questions["inputs"].max_points() == 5  # the best two of max_selected=2
    assert q.questions["inputs"].points_for(["cotton", "pvc"]) == 4
    assert q.questions["audits_allowed"].points_for("dont_know") == 1
    assert q.questions["audits_allowed"].max_points() == 2
    assert q.questions["story"].max_points() is None


def test_definitions_are_frozen(q):
    with pytest.raises(pydantic.ValidationError):
        q.version = 2
    with pytest.raises(pydantic.ValidationError):
        q.questions["company"].required = False


def test_content_hash_identifies_content(q):
    again = check_text(ALL_TYPES).questionnaire
    assert again.content_hash == q.content_hash and len(q.content_hash) == 64
    changed = check_text(ALL_TYPES.replace("max: 168", "max: 120")).questionnaire
    assert changed.content_hash != q.content_hash
    reformatted = check_text(ALL_TYPES.replace("min_length: 2", "min_length:   2 # two")
                             ).questionnaire
    assert reformatted.content_hash == q.content_hash
    assert '"show_if":"hq == \\"CN\\""' in q.canonical_json
