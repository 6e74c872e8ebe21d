"""The flag rule, as a property of every shipped questionnaire.

Answers are generated from the definition (`examples.example_value`, steered towards
the best answers, towards the base answers of the questionnaire's test cases, and
towards the literals in the flags' conditions, so that good scores meet red flags),
scored as `kedjekoll score` scores them, and the rating must follow
the rule of questionnaires/README.md: a raised red flag without a `rating` of its own
puts the response in the highest-risk band, an amber one keeps it out of the
lowest-risk band, a flag naming a band makes the rating at least that band, and the
rating is never better than the score's band. Counts make sure the rule is exercised.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import SHIPPED
from webapp.definitions import Flag, Questionnaire, load_file
from webapp.definitions.cases import CaseFile, case_file_of
from webapp.definitions.examples import example_value
from webapp.definitions.expressions import holds, references
from webapp.definitions.questions import (
    AnswerBase,
    ChoiceQuestion,
    MultichoiceQuestion,
    NumberQuestion,
    RegionQuestion,
    TableQuestion,
    YesNoQuestion,
)
from webapp.definitions.scoring import score_band, visibility
from webapp.definitions.trial import answer_errors, score_answers
from webapp.definitions.yamlsource import load

EXAMPLES = 50


def flag_literals(node: dict, table: str | None = None) -> list[tuple[str | None, str, Any]]:
    """(table, question or column, value) for every `ref OP literal` in a condition."""
    found: list[tuple[str | None, str, Any]] = []
    if node.get("call") in ("any", "all", "count") and node.get("args"):
        first = node["args"][0]
        table = first.get("ref", table)
        for arg in node["args"][1:]:
            found += flag_literals(arg, table)
        return found
    args = node.get("args", [])
    refs = [a["ref"] for a in args if "ref" in a]
    lits = [a["lit"] for a in args if "lit" in a]
    if "op" in node and refs and lits:
        values = lits[0] if isinstance(lits[0], list) else [lits[0]]
        found += [(table, refs[0], value) for value in values]
    for arg in args:
        found += flag_literals(arg, table)
    return found


def best(question: AnswerBase) -> Any:
    """The answer that earns a choice or yes/no question its most points."""
    if isinstance(question, ChoiceQuestion | YesNoQuestion) and question.max_points():
        return max(question.option_values(), key=question.points_for)
    return None


def nudged(question: AnswerBase, value: Any, number: int) -> Any:
    """`value` from a flag's condition made into an answer (numbers moved by `number`)."""
    if isinstance(question, NumberQuestion) and isinstance(value, int | float):
        return value + number
    if isinstance(question, MultichoiceQuestion):
        return [value]
    return value


def value_for(question: AnswerBase, rng: random.Random, row: dict | None = None) -> Any:
    """An example answer; a multichoice sometimes takes one option, exclusive ones too."""
    if isinstance(question, MultichoiceQuestion) and rng.random() < 0.5:
        return [rng.choice([o.value for o in question.options])]
    return example_value(question, rng, row=row)


def raised_flags(q: Questionnaire, answers: dict[str, Any]) -> list[Flag]:
    """The flags the answers raise (what scoring finds, without the scoring)."""
    shown = visibility(q, answers).answers
    return [flag for flag in q.flags if holds(flag.when, shown)]


def calm(q: Questionnaire, answers: dict[str, Any], rng: random.Random) -> None:
    """Draw again, one at a time, answers behind raised flags, keeping each draw that
    makes the flags no worse (a red weighs three ambers): some end with no flag at all."""
    raised = raised_flags(q, answers)
    for _ in range(40):
        if not raised:
            return
        refs = set().union(*(references(f.when.ast) for f in q.flags
                             if f.id in {h.id for h in raised}))
        spots = []
        for ref in sorted(refs):
            question = q.questions.get(ref)
            if isinstance(question, TableQuestion) and isinstance(answers.get(ref), list):
                spots += [(ref, row, column) for row in range(len(answers[ref]))
                          for column in question.columns if column.id in refs]
            elif isinstance(question, AnswerBase):
                spots.append((ref, None, question))
        if not spots:
            return
        ref, row, question = rng.choice(spots)
        before = copy.deepcopy(answers[ref]) if ref in answers else None
        if row is None:
            answers[ref] = value_for(question, rng)
        else:
            answers[ref][row][question.id] = value_for(question, rng, answers[ref][row])
        now = raised_flags(q, answers)
        if _weight(now) <= _weight(raised):
            raised = now
        elif before is None:
            answers.pop(ref, None)
        else:
            answers[ref] = before


def _weight(flags) -> int:
    return sum(3 if f.severity == "red" else 1 for f in flags)


def base_answers(path: Path) -> dict[str, Any] | None:
    """The base answers of the questionnaire's test cases, if it has any (a green case)."""
    cases = case_file_of(path)
    if cases is None:
        return None
    data, _ = load(cases.read_text(encoding="utf-8"))
    return CaseFile.model_validate(data).base.answers or None


@st.composite
def responses(draw, q: Questionnaire, green: dict[str, Any] | None = None
              ) -> tuple[dict[str, Any], dict[str, float | None]]:
    """Valid answers and grades, from one of two starts.

    Either every question answered at random, with a share `care` of best answers so
    that scores vary, and half of them calmed (answers behind flags drawn again); or,
    when the questionnaire has test cases, their base answers (a green supplier) with
    a few answers drawn again. Then up to two literals of the flags' conditions are
    written into the answers: good scores meet single flags, and some raise none.
    """
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))  # a seed: fast, and reproducible
    answers: dict[str, Any] = {}
    if green is not None and draw(st.booleans()):
        answers = copy.deepcopy(green)
        questions = list(q.answerable())
        for question in rng.sample(questions, draw(st.integers(0, 3))):
            answers[question.id] = value_for(question, rng)
    else:
        care = draw(st.sampled_from([0.0, 0.6, 0.9, 1.0]))
        blank = draw(st.sampled_from([0.0, 0.0, 0.1]))
        for question in q.answerable():
            if rng.random() < blank:
                continue
            good = best(question) if rng.random() < care else None
            value = good if good is not None else value_for(question, rng)
            if value is not None:
                answers[question.id] = value
        if draw(st.booleans()):
            calm(q, answers, rng)
    literals = sorted({(t, r, repr(v)): (t, r, v) for f in q.flags
                       for t, r, v in flag_literals(f.when.ast)}.values(), key=repr)
    chosen = draw(st.lists(st.sampled_from(literals), max_size=2, unique_by=repr)) \
        if literals else []
    for table, ref, value in chosen:
        shift = draw(st.sampled_from([-1, 0, 1]))
        host = q.questions.get(table) if table else None
        if isinstance(host, TableQuestion) and isinstance(answers.get(table), list) \
                and answers[table] and host.column(ref) is not None:
            column = host.column(ref)
            row = answers[table][rng.randrange(len(answers[table]))]
            row[ref] = nudged(column, value, shift)
            if isinstance(column, RegionQuestion) and isinstance(value, str):
                row[column.country] = value.split("-")[0]
        elif isinstance(q.questions.get(ref), AnswerBase):
            answers[ref] = nudged(q.questions[ref], value, shift)
    for error in answer_errors(q, answers):  # a nudge a question cannot take: left out
        answers.pop(error.key, None)
    grades = {x.id: draw(st.sampled_from([None, *(lv.points for lv in q.rubrics[x.rubric]
                                                  .levels)]))
              for x in q.answerable() if x.rubric in q.rubrics}
    return answers, grades


def check_rule(q: Questionnaire, answers: dict[str, Any], grades: dict[str, Any],
               seen: Counter) -> None:
    result = score_answers(q, answers, grades)
    said = (result.total, result.rating, [f.id for f in result.flags])
    bands = q.risk_bands
    rank = {band: i for i, band in enumerate(bands)}  # 0: lowest risk
    own = score_band(q, result.total)
    flags = {f.id: f for f in q.flags}
    worst = -1 if own is None else rank[own]
    for hit in result.flags:
        rule = flags[hit.id].rating_rule
        if rule is None and hit.severity == "red":
            assert result.rating == bands[-1], (hit.id, said)
            worst = len(bands) - 1
            seen["red, default"] += 1
        elif rule is None:
            assert result.rating != bands[0], (hit.id, said)
            worst = max(worst, 1)
            seen["amber, default"] += 1
        elif rule != "none":
            assert rank[result.rating] >= rank[rule], (hit.id, said)
            worst = max(worst, rank[rule])
    if own is not None:
        assert rank[result.rating] >= rank[own], said  # never better than the score's
    assert result.rating == (bands[worst] if worst >= 0 else None), said  # nor worse
    seen["examples"] += 1
    seen["red raised"] += any(h.severity == "red" for h in result.flags)
    seen["amber alone"] += bool(result.flags) and all(h.severity == "amber"
                                                      for h in result.flags)
    seen["rated worse than the score"] += own is not None and rank[result.rating] > rank[own]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_flags_decide_the_rating(path):
    q = load_file(path)
    green = base_answers(path)
    seen: Counter = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow], report_multiple_bugs=False,
              phases=[Phase.explicit, Phase.generate])  # shrinking random answers takes
    # minutes and gains little: the assertion names the flag and the score
    @given(responses(q, green))
    def rule_holds(response):
        check_rule(q, *response, seen)

    rule_holds()
    assert seen["examples"] >= EXAMPLES
    # the rule is exercised: red flags are raised, and flags decide ratings (about half
    # the examples each; a tenth is asked for, so that chance never fails the test)
    assert seen["red raised"] >= EXAMPLES // 10, seen
    assert seen["rated worse than the score"] >= EXAMPLES // 10, seen
    for severity in ("red", "amber"):
        if any(f.severity == severity and f.rating_rule is None for f in q.flags):
            assert seen[f"{severity}, default"] >= 3, seen
