"""The browser's evaluator (static/conditions.js) runs the shared vectors too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

SCRIPT = """
const c = require(process.argv[1]);
const vectors = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')).vectors;
const extra = JSON.parse(process.argv[3]);
const results = vectors.map(v => c.holds(v.tree, v.answers, v.row));
const malformed = extra.map(t => { try { c.evaluate(t, {a: 1}); return true; }
                                   catch (e) { return String(e); } });
console.log(JSON.stringify({results, malformed}));
"""


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("KEDJEKOLL_STRICT") == "1":
            pytest.fail("node is needed to test static/conditions.js")
        pytest.skip("node is not installed")
    return found


def test_javascript_evaluator_agrees_with_the_vectors(tmp_path, node):
    from webapp.definitions.expressions import parse

    vectors = json.loads((ROOT / "tests" / "expression_vectors.json").read_text("utf-8"))
    trees = [dict(v, tree=parse(v["expr"]).ast) for v in vectors["vectors"]]
    file = tmp_path / "vectors.json"
    file.write_text(json.dumps({"vectors": trees}), encoding="utf-8")
    malformed = [None, 3, {"op": "and"}, {"op": "==", "args": [1]}, {"call": "any", "args": []},
                 {"ref": 5}, {"call": "nope", "args": [{"lit": 1}]}, [], {"lit": [1, [2]]}]
    run = subprocess.run([node, "-e", SCRIPT, str(ROOT / "webapp" / "static" / "conditions.js"),
                          str(file), json.dumps(malformed)],
                         capture_output=True, text=True, timeout=60, check=True)
    out = json.loads(run.stdout)
    assert out["results"] == [v["expected"] for v in vectors["vectors"]]
    assert out["malformed"] == [True] * len(malformed)


def _random_tree(rng, depth=0):
    names = ["a", "b", "role", "tiers", "hours", "country"]
    scalars = [None, True, False, 0, 1, -2.5, 60, 1e6, "", "CN", "CN-XJ", "yes", "Å", "a"]
    leaf = rng.random() < 0.3 or depth > 3
    if leaf:
        if rng.random() < 0.5:
            return {"ref": rng.choice(names)}
        value = rng.choice(scalars + [[rng.choice(scalars) for _ in range(rng.randint(0, 3))]])
        return {"lit": value}
    kind = rng.randrange(5)
    if kind == 0:
        op = rng.choice(["and", "or"])
        return {"op": op, "args": [_random_tree(rng, depth + 1) for _ in range(rng.randint(2, 3))]}
    if kind == 1:
        return {"op": "not", "args": [_random_tree(rng, depth + 1)]}
    if kind == 2:
        op = rng.choice(["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
        return {"op": op, "args": [_random_tree(rng, depth + 1), _random_tree(rng, depth + 1)]}
    if kind == 3:
        return {"call": rng.choice(["answered", "count"]), "args": [{"ref": rng.choice(names)}]}
    return {"call": rng.choice(["any", "all"]),
            "args": [{"ref": "tiers"}, _random_tree(rng, depth + 1)]}


def _random_answers(rng):
    values = [None, "CN", "yes", 72, 12.5, "", ["a", "CN"], True,
              [{"country": "CN", "region": "CN-XJ"}, {"country": None}, 3]]
    return {name: rng.choice(values) for name in ["a", "b", "role", "tiers", "hours", "country"]
            if rng.random() < 0.8}


def test_javascript_and_python_agree_on_random_trees(tmp_path, node):
    import random

    from webapp.definitions.expressions import holds

    rng = random.Random(2026)
    cases = [(_random_tree(rng), _random_answers(rng)) for _ in range(1500)]
    file = tmp_path / "cases.json"
    file.write_text(json.dumps({"vectors": [{"tree": t, "answers": a} for t, a in cases]}),
                    encoding="utf-8")
    run = subprocess.run([node, "-e", SCRIPT, str(ROOT / "webapp" / "static" / "conditions.js"),
                          str(file), "[]"], capture_output=True, text=True, timeout=60, check=True)
    results = json.loads(run.stdout)["results"]
    expected = [holds(tree, answers) for tree, answers in cases]
    mismatches = [(cases[i], results[i]) for i in range(len(cases)) if results[i] != expected[i]]
    assert mismatches == []
    assert any(expected) and not all(expected)
