"""The condition language: parsing, printing, evaluation (shared vectors and properties)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from webapp.definitions.expressions import (
    KEYWORDS,
    ExpressionError,
    evaluate,
    holds,
    parse,
    references,
    to_source,
)

VECTORS = json.loads((ROOT / "tests" / "expression_vectors.json").read_text("utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["expr"] for v in VECTORS])
def test_shared_vectors(vector):
    assert holds(parse(vector["expr"]), vector["answers"], vector.get("row")) \
        is vector["expected"]


def test_ast_is_plain_json():
    ast = parse('any(tiers, country == "CN" and region == "CN-XJ") or hours > 60.5').ast
    assert ast == {"op": "or", "args": [
        {"call": "any", "args": [
            {"ref": "tiers"},
            {"op": "and", "args": [
                {"op": "==", "args": [{"ref": "country"}, {"lit": "CN"}]},
                {"op": "==", "args": [{"ref": "region"}, {"lit": "CN-XJ"}]},
            ]},
        ]},
        {"op": ">", "args": [{"ref": "hours"}, {"lit": 60.5}]},
    ]}
    assert json.loads(json.dumps(ast)) == ast


def test_precedence_and_lists():
    assert parse("not a == 1 and b in [1, 'x', null]").ast == {"op": "and", "args": [
        {"op": "not", "args": [{"op": "==", "args": [{"ref": "a"}, {"lit": 1}]}]},
        {"op": "in", "args": [{"ref": "b"}, {"lit": [1, "x", None]}]},
    ]}
    assert parse("x not in [1]").ast["op"] == "not in"
    assert parse("(a == 1 and b == 2) and c == 3").ast == parse(
        "a == 1 and b == 2 and c == 3").ast


@pytest.mark.parametrize(("source", "offset", "words"), [
    ("a = 1", 2, "use =="),
    ("a == ", 5, "expected a value"),
    ("(a == 1", 7, "expected ')'"),
    ("a == 1 == 2", 7, "cannot be chained"),
    ("a == 'x", 5, "matching quotes"),
    ("a == 1 b", 7, "unexpected 'b'"),
    ("b in [a]", 6, "literal values"),
    ("", 0, "empty"),
    ("a == 1e999", 5, "too large"),
    ("(" * 60 + "a" + ")" * 60, 40, "nested too deeply"),
])
def test_syntax_errors_say_where(source, offset, words):
    with pytest.raises(ExpressionError) as info:
        parse(source)
    assert info.value.offset == offset
    assert words in info.value.message


def test_references_include_row_columns():
    assert references(parse('any(tiers, country == home) and answered(x)').ast) == {
        "tiers", "country", "home", "x"}


# ------------------------------------------------------------- properties

names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: n not in KEYWORDS)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)
literals = st.one_of(scalars, st.lists(scalars, max_size=4)).map(lambda v: {"lit": v})
refs = names.map(lambda n: {"ref": n})
operands = st.one_of(literals, refs)


def _nodes(children):
    def nary(op):
        return st.lists(children, min_size=2, max_size=4).map(
            lambda args: {"op": op, "args": [a for a in args]}).filter(
            lambda node: all(a.get("op") != op for a in node["args"]))

    return st.one_of(
        nary("and"), nary("or"),
        children.map(lambda a: {"op": "not", "args": [a]}),
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in"]),
                  children, children).map(lambda t: {"op": t[0], "args": [t[1], t[2]]}),
        refs.map(lambda r: {"call": "answered", "args": [r]}),
        refs.map(lambda r: {"call": "count", "args": [r]}),
        st.tuples(st.sampled_from(["any", "all"]), refs, children).map(
            lambda t: {"call": t[0], "args": [t[1], t[2]]}),
    )


trees = st.recursive(operands, _nodes, max_leaves=10)


def _same(a, b) -> bool:
    """Equal ASTs, treating -0.0 as 0.0 and 1.0 as 1.0 (JSON numbers)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(trees)
def test_printing_and_reparsing_round_trips(tree):
    source = to_source(tree)
    assert _same(parse(source).ast, tree), source


json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(names, children, max_size=4)),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(trees, st.dictionaries(names, json_values, max_size=6))
def test_evaluation_never_raises(tree, answers):
    evaluate(tree, answers)
    assert holds(tree, answers) in (True, False)


@settings(max_examples=200, deadline=None)
@given(json_values, json_values)
def test_evaluation_of_malformed_trees_never_raises(tree, answers):
    evaluate(tree, answers if isinstance(answers, dict) else {})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_parsing_arbitrary_text_raises_only_expression_errors(text):
    try:
        parse(text)
    except ExpressionError as exc:
        assert 0 <= exc.offset <= len(text)
