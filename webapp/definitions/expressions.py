"""The condition language of `show_if` and flag rules.

An expression is parsed once into an AST made only of JSON values, so the browser can
evaluate the very same tree. Node forms:

* ``{"lit": value}``: a string, number, true/false, null, or a list of those;
* ``{"ref": "id"}``: the answer to a question, or inside ``any``/``all`` a row's column;
* ``{"op": name, "args": [...]}``: ``and``/``or`` (two or more args), ``not`` (one),
  ``== != < <= > >= in`` and ``not in`` (two);
* ``{"call": name, "args": [...]}``: ``answered(q)``, ``count(q)``, ``any(table, cond)``,
  ``all(table, cond)``. A list item with no value (a blank table row, null, "") is not
  counted by ``count`` and skipped by ``any`` and ``all`` (see `is_given`).

Evaluation is total: any answers, of any shape, give a value and never an exception.
Nothing here uses Python's ``eval``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
FUNCTIONS = {"answered": 1, "count": 1, "any": 2, "all": 2}
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
MAX_LENGTH = 2000
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
  | (?P<dstring>"(?:[^"\\\n]|\\.)*")
  | (?P<sstring>'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)


class ExpressionError(Exception):
    """A syntax error, with the character offset where it was found."""

    def __init__(self, message: str, offset: int):
        self.message = message
        self.offset = offset
        super().__init__(f"{message} (at character {offset + 1})")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    value: Any
    offset: int


def _tokens(source: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m:
            ch = source[pos]
            hint = " (strings need matching quotes)" if ch in "\"'" else ""
            if source.startswith("=", pos):
                hint = " (use == to compare)"
            raise ExpressionError(f"unexpected character {ch!r}{hint}", pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "number":
            value: Any = float(text) if any(c in text for c in ".eE") else int(text)
            if isinstance(value, float) and not math.isfinite(value):
                raise ExpressionError(f"number {text} is too large", pos)
            out.append(_Token("lit", text, value, pos))
        elif kind == "dstring":
            try:
                out.append(_Token("lit", text, json.loads(text), pos))
            except ValueError:
                raise ExpressionError("invalid escape in string", pos) from None
        elif kind == "sstring":
            out.append(_Token("lit", text, re.sub(r"\\(.)", r"\1", text[1:-1]), pos))
        elif kind == "name":
            if text in ("true", "false", "null"):
                out.append(_Token("lit", text, {"true": True, "false": False}.get(text), pos))
            elif text in ("and", "or", "not", "in"):
                out.append(_Token("op", text, None, pos))
            else:
                out.append(_Token("name", text, None, pos))
        elif kind == "op":
            out.append(_Token("op", text, None, pos))
        pos = m.end()
    out.append(_Token("end", "", None, len(source)))
    return out


class _Parser:
    def __init__(self, source: str):
        self.tokens = _tokens(source)
        self.i = 0
        self.offsets: dict[int, int] = {}
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> _Token:
        tok = self.peek()
        if tok.kind != "op" or tok.text != text:
            found = tok.text or "the end"
            raise ExpressionError(f"expected '{text}' but found {found!r}", tok.offset)
        return self.take()

    def node(self, node: dict, offset: int) -> dict:
        self.offsets[id(node)] = offset
        return node

    def parse(self) -> dict:
        tree = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"unexpected {tok.text!r} after a complete expression",
                                  tok.offset)
        return tree

    def _nary(self, name: str, sub) -> dict:
        start = self.peek().offset
        args = [sub()]
        while self.peek().kind == "op" and self.peek().text == name:
            self.take()
            args.append(sub())
        if len(args) == 1:
            return args[0]
        flat: list[dict] = []
        for arg in args:  # (a and b) and c is the same tree as a and b and c
            flat.extend(arg["args"] if arg.get("op") == name else [arg])
        return self.node({"op": name, "args": flat}, start)

    def or_(self) -> dict:
        return self._nary("or", self.and_)

    def and_(self) -> dict:
        return self._nary("and", self.not_)

    def not_(self) -> dict:
        tok = self.peek()
        if tok.kind == "op" and tok.text == "not":
            self.take()
            self.enter(tok)
            inner = self.not_()
            self.depth -= 1
            return self.node({"op": "not", "args": [inner]}, tok.offset)
        return self.comparison()

    def comparison(self) -> dict:
        left = self.primary()
        tok = self.peek()
        op = None
        if tok.kind == "op" and tok.text in (*COMPARISONS, "in"):
            op = self.take().text
        elif tok.kind == "op" and tok.text == "not" and self.peek(1).text == "in":
            self.take()
            self.take()
            op = "not in"
        if op is None:
            return left
        right = self.primary()
        nxt = self.peek()
        if nxt.kind == "op" and nxt.text in (*COMPARISONS, "in"):
            raise ExpressionError("comparisons cannot be chained; join them with 'and'",
                                  nxt.offset)
        return self.node({"op": op, "args": [left, right]}, tok.offset)

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expression is nested too deeply", tok.offset)

    def primary(self) -> dict:
        tok = self.peek()
        if tok.kind == "lit":
            self.take()
            return self.node({"lit": tok.value}, tok.offset)
        if tok.kind == "name":
            self.take()
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(tok)
            return self.node({"ref": tok.text}, tok.offset)
        if tok.kind == "op" and tok.text == "(":
            self.take()
            self.enter(tok)
            inner = self.or_()
            self.depth -= 1
            self.expect(")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            return self.list_(tok)
        found = "the end of the expression" if tok.kind == "end" else repr(tok.text)
        raise ExpressionError(f"expected a value, a question id or '(' but found {found}",
                              tok.offset)

    def call(self, name: _Token) -> dict:
        self.take()  # (
        self.enter(name)
        args: list[dict] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.or_())
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.or_())
        self.expect(")")
        self.depth -= 1
        return self.node({"call": name.text, "args": args}, name.offset)

    def list_(self, start: _Token) -> dict:
        self.take()
        items: list[Any] = []
        if not (self.peek().kind == "op" and self.peek().text == "]"):
            while True:
                tok = self.peek()
                if tok.kind != "lit":
                    raise ExpressionError("a list may only hold literal values", tok.offset)
                items.append(self.take().value)
                if self.peek().kind == "op" and self.peek().text == ",":
                    self.take()
                    continue
                break
        self.expect("]")
        return self.node({"lit": items}, start.offset)


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed expression: its source text, its JSON AST and where each node began."""

    source: str
    ast: dict
    offsets: dict[int, int] = field(repr=False)

    def offset_of(self, node: dict) -> int | None:
        return self.offsets.get(id(node))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.ast == self.ast

    def __hash__(self) -> int:
        return hash(to_source(self.ast))


def parse(source: str) -> Expression:
    """Parse an expression; raises ExpressionError with an offset on a mistake."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters", 0)
    if not source.strip():
        raise ExpressionError("the expression is empty", 0)
    parser = _Parser(source)
    try:
        tree = parser.parse()
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps well below the limit
        raise ExpressionError("expression is nested too deeply", 0) from None
    return Expression(source, tree, parser.offsets)


# ---------------------------------------------------------------- printing

_PRECEDENCE = {"or": 1, "and": 2, "not": 3}


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def to_source(node: dict, parent: int = 0) -> str:
    """Canonical text of an AST: parsing it again gives the same AST."""
    if "lit" in node:
        return _literal(node["lit"])
    if "ref" in node:
        return node["ref"]
    if "call" in node:
        return node["call"] + "(" + ", ".join(to_source(a) for a in node["args"]) + ")"
    op, args = node["op"], node["args"]
    if op in ("and", "or"):
        level = _PRECEDENCE[op]
        text = f" {op} ".join(to_source(a, level) for a in args)
    elif op == "not":
        level = _PRECEDENCE["not"]
        text = "not " + to_source(args[0], level)
    else:
        level = 4
        text = f"{to_source(args[0], 5)} {op} {to_source(args[1], 5)}"
    return f"({text})" if level <= parent else text


# ---------------------------------------------------------------- evaluation


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value (never booleans), lists item by item, no mappings."""
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b) or isinstance(a, dict | list):
        return False
    return bool(a == b)


def _order(op: str, a: Any, b: Any) -> bool:
    if not ((_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def is_answered(value: Any, depth: int = 0) -> bool:
    """Whether an answer counts as given: not null, not blank, not an empty list."""
    if value is None or depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list):
        return any(is_answered(v, depth + 1) if not isinstance(v, Mapping) else
                   any(is_answered(x, depth + 1) for x in v.values()) for v in value)
    return True


def is_given(item: Any) -> bool:
    """Whether one item of a list counts: a table row with any value, or a given value.

    A row with no value is not a row (an empty starter row on screen, a row left blank):
    `count`, `any` and `all` skip it, in the browser and on the server alike.
    """
    if isinstance(item, Mapping):
        return any(is_answered(v, 1) for v in item.values())
    return is_answered(item, 1)


def evaluate(node: Any, answers: Mapping[str, Any], row: Mapping[str, Any] | None = None,
             depth: int = 0) -> Any:
    """The value of an AST for the given answers; never raises, whatever their shape."""
    if not isinstance(node, Mapping) or depth > MAX_DEPTH * 3:
        return None
    if "lit" in node:
        return node["lit"]
    if "ref" in node:
        name = node["ref"]
        if not isinstance(name, str):
            return None
        if row is not None and isinstance(row, Mapping) and name in row:
            return row[name]
        return answers.get(name) if isinstance(answers, Mapping) else None
    args = node.get("args")
    if not isinstance(args, list):
        return None
    if "op" in node:
        op = node["op"]
        if op == "and":
            return all(evaluate(a, answers, row, depth + 1) is True for a in args)
        if op == "or":
            return any(evaluate(a, answers, row, depth + 1) is True for a in args)
        if op == "not" and len(args) == 1:
            return evaluate(args[0], answers, row, depth + 1) is not True
        if len(args) != 2:
            return None
        a = evaluate(args[0], answers, row, depth + 1)
        b = evaluate(args[1], answers, row, depth + 1)
        if op == "==":
            return _equal(a, b)
        if op == "!=":
            return not _equal(a, b)
        if op in ("<", "<=", ">", ">="):
            return _order(op, a, b)
        if op in ("in", "not in"):
            items = [] if b is None else b
            if not isinstance(items, list):
                return False
            found = any(_equal(a, item) for item in items)
            return found if op == "in" else not found
        return None
    if "call" in node:
        return _call(node["call"], args, answers, row, depth)
    return None


def _call(name: Any, args: list, answers: Mapping[str, Any], row: Any, depth: int) -> Any:
    if name in ("answered", "count") and len(args) == 1:
        value = evaluate(args[0], answers, row, depth + 1)
        if name == "answered":
            return is_answered(value)
        if isinstance(value, list):
            return sum(1 for item in value if is_given(item))
        return 1 if is_answered(value) else 0
    if name in ("any", "all") and len(args) == 2:
        rows = evaluate(args[0], answers, row, depth + 1)
        if not isinstance(rows, list):
            return name == "all" and rows is None
        results = (
            isinstance(r, Mapping) and evaluate(args[1], answers, r, depth + 1) is True
            for r in rows if is_given(r)
        )
        return any(results) if name == "any" else all(results)
    return None


def holds(expression: Expression | dict | None, answers: Mapping[str, Any],
          row: Mapping[str, Any] | None = None) -> bool:
    """Whether a condition is true; a missing condition always holds."""
    if expression is None:
        return True
    ast = expression.ast if isinstance(expression, Expression) else expression
    return evaluate(ast, answers, row) is True


def references(node: dict) -> set[str]:
    """Every id an AST refers to (columns inside any/all included)."""
    found: set[str] = set()
    if "ref" in node:
        found.add(node["ref"])
    for arg in node.get("args", []):
        found |= references(arg)
    return found
