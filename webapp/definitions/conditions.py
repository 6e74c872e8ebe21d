"""Static checks of conditions against the questionnaire they stand in.

For every expression this finds unknown ids, values that are not among a question's
options, comparisons of the wrong kinds, and misused functions, and it returns the
top-level questions the expression depends on (for the cycle check).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from .expressions import FUNCTIONS, Expression
from .questions import (
    AnswerBase,
    CountryQuestion,
    QuestionBase,
    RegionQuestion,
    TableQuestion,
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Kind:
    """The static type of a sub-expression."""

    name: str  # text number date bool list table files null any
    question: QuestionBase | None = None
    literal: Any = None
    is_literal: bool = False


@dataclass
class Finding:
    code: str
    message: str
    offset: int | None


@dataclass
class Scope:
    """What names mean where an expression stands."""

    questions: dict[str, QuestionBase]
    table: TableQuestion | None = None
    unknown: frozenset[str] = frozenset()  # ids whose definition could not be read

    def lookup(self, name: str) -> tuple[QuestionBase | None, bool]:
        """The question a name refers to, and whether it is a column of the row."""
        if self.table is not None:
            column = self.table.column(name)
            if column is not None:
                return column, True
        return self.questions.get(name), False

    def names(self) -> list[str]:
        names = list(self.questions)
        if self.table is not None:
            names += [c.id for c in self.table.columns]
        return names


@dataclass
class Checker:
    expression: Expression
    findings: list[Finding] = field(default_factory=list)
    depends_on: set[str] = field(default_factory=set)

    def error(self, code: str, message: str, node: dict) -> None:
        self.findings.append(Finding(code, message, self.expression.offset_of(node)))

    def run(self, scope: Scope) -> None:
        kind = self.kind(self.expression.ast, scope)
        if kind.name not in ("bool", "any"):
            hint = ""
            if kind.question is not None and not kind.is_literal:
                hint = f"; did you mean answered({kind.question.id})?"
            self.error("E503", "a condition must be true or false, not "
                       f"{_describe(kind)}{hint}", self.expression.ast)

    # ---------------------------------------------------------------- kinds

    def kind(self, node: dict, scope: Scope) -> Kind:
        if "lit" in node:
            return _literal_kind(node["lit"])
        if "ref" in node:
            return self.ref(node, scope)
        if "call" in node:
            return self.call(node, scope)
        op, args = node["op"], node["args"]
        if op in ("and", "or", "not"):
            for arg in args:
                kind = self.kind(arg, scope)
                if kind.name not in ("bool", "any"):
                    self.error("E503", f"'{op}' needs true or false on each side, not "
                               f"{_describe(kind)}", arg)
            return Kind("bool")
        left, right = (self.kind(a, scope) for a in args)
        if op in ("in", "not in"):
            self.membership(node, left, right)
        elif op in ("==", "!="):
            self.equality(node, left, right)
        else:
            self.ordering(node, op, left, right)
        return Kind("bool")

    def ref(self, node: dict, scope: Scope) -> Kind:
        name = node["ref"]
        question, is_column = scope.lookup(name)
        if name in scope.unknown and not is_column:
            self.depends_on.add(name)
            return Kind("any")
        if question is None:
            close = difflib.get_close_matches(name, scope.names(), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.error("E501", f"unknown question id '{name}'{hint}", node)
            return Kind("any")
        if not is_column:
            self.depends_on.add(name)
        if not question.answerable:
            self.error("E503", f"'{name}' is a note and has no answer", node)
            return Kind("any")
        return Kind(question.kind, question)

    def call(self, node: dict, scope: Scope) -> Kind:
        name, args = node["call"], node["args"]
        if name not in FUNCTIONS:
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.error("E505", f"unknown function '{name}'{hint}", node)
            return Kind("any")
        if len(args) != FUNCTIONS[name]:
            self.error("E505", f"{name}() takes {FUNCTIONS[name]} argument"
                       f"{'s' if FUNCTIONS[name] > 1 else ''}, not {len(args)}", node)
            return Kind("bool" if name != "count" else "number")
        if "ref" not in args[0]:
            self.error("E505", f"the first argument of {name}() must be a question id", node)
            return Kind("bool" if name != "count" else "number")
        target = self.ref(args[0], scope)
        if name == "answered":
            return Kind("bool")
        if name == "count":
            if target.name not in ("list", "table", "files", "any"):
                self.error("E503", f"count() counts selected options, table rows or files; "
                           f"'{args[0]['ref']}' is {_word(target)}", args[0])
            return Kind("number")
        if target.name not in ("table", "any"):
            self.error("E503", f"{name}() needs a table question; '{args[0]['ref']}' is "
                       f"{_word(target)}", args[0])
            self.kind(args[1], scope)
            return Kind("bool")
        if not isinstance(target.question, TableQuestion):
            return Kind("bool")  # the table could not be read: its rows are judged later
        inner = self.kind(args[1], Scope(scope.questions, target.question, scope.unknown))
        if inner.name not in ("bool", "any"):
            self.error("E503", f"the condition in {name}() must be true or false, not "
                       f"{_describe(inner)}", args[1])
        return Kind("bool")

    # ---------------------------------------------------------------- operators

    def equality(self, node: dict, left: Kind, right: Kind) -> None:
        if "null" in (left.name, right.name) or "any" in (left.name, right.name):
            return
        lit, other = (left, right) if left.is_literal else (right, left)
        if other.name == "date" and lit.is_literal and lit.name == "text":
            if not _valid_date(lit.literal):
                self.error("E503", f"'{lit.literal}' is not a date (YYYY-MM-DD)", node)
            return
        if left.name != right.name:
            if left.name in ("list", "table", "files") or right.name in ("list", "table",
                                                                         "files"):
                self.error("E503", f"cannot compare {_describe(left)} with "
                           f"{_describe(right)} using '{node['op']}'; use 'in', count() "
                           "or any()", node)
            else:
                self.error("E503", f"cannot compare {_describe(left)} with "
                           f"{_describe(right)}", node)
            return
        for a, b, b_node in ((left, right, node["args"][1]), (right, left, node["args"][0])):
            if b.is_literal and a.question is not None and not a.is_literal:
                self.value_allowed(a.question, b.literal, b_node)

    def ordering(self, node: dict, op: str, left: Kind, right: Kind) -> None:
        kinds = {left.name, right.name}
        if "any" in kinds:
            return
        if kinds == {"number"}:
            return
        text_side = right if left.name == "date" else left
        if kinds == {"date"} or (kinds == {"date", "text"} and text_side.is_literal):
            for k in (left, right):
                if k.is_literal and not _valid_date(k.literal):
                    self.error("E503", f"'{k.literal}' is not a date (YYYY-MM-DD)", node)
            return
        self.error("E503", f"'{op}' compares numbers or dates, not {_describe(left)} and "
                   f"{_describe(right)}", node)

    def membership(self, node: dict, left: Kind, right: Kind) -> None:
        if "any" in (left.name, right.name):
            return
        if right.is_literal and isinstance(right.literal, list):
            if left.question is not None and not left.is_literal:
                if left.name in ("list", "table", "files"):
                    self.error("E503", f"'{node['op']}' needs a single value on the left, "
                               f"not {_describe(left)}", node)
                    return
                for item in right.literal:
                    self.value_allowed(left.question, item, node["args"][1])
            return
        if right.name == "list":
            if left.is_literal:
                if not isinstance(left.literal, str):
                    self.error("E503", f"options are text; {_describe(left)} is never "
                               "selected", node)
                elif right.question is not None:
                    self.value_allowed(right.question, left.literal, node["args"][0])
            return
        self.error("E503", f"'{node['op']}' needs a list or a multichoice question on the "
                   f"right, not {_describe(right)}", node)

    def value_allowed(self, question: QuestionBase, value: Any, node: dict) -> None:
        allowed = question.option_values()
        if allowed is not None:
            if value not in allowed:
                shown = ", ".join(f'"{v}"' for v in allowed)
                self.error("E502", f"{_show(value)} is not an option of '{question.id}'; "
                           f"the options are {shown}", node)
            return
        if isinstance(question, CountryQuestion):
            found = pycountry.countries.get(alpha_2=value) if isinstance(value, str) else None
            if found is None or found.alpha_2 != value:
                self.error("E502", f"{_show(value)} is not an ISO 3166-1 country code "
                           "(e.g. \"CN\")", node)
        elif isinstance(question, RegionQuestion):
            found = pycountry.subdivisions.get(code=value) if isinstance(value, str) else None
            if found is None or found.code != value:
                self.error("E502", f"{_show(value)} is not an ISO 3166-2 subdivision code "
                           "(e.g. \"CN-XJ\")", node)
        elif question.kind == "number" and not isinstance(value, int | float):
            self.error("E503", f"'{question.id}' is a number; {_show(value)} is not", node)
        elif question.kind == "text" and not isinstance(value, str):
            self.error("E503", f"'{question.id}' is text; {_show(value)} is not", node)


def _literal_kind(value: Any) -> Kind:
    if value is None:
        name = "null"
    elif isinstance(value, bool):
        name = "bool"
    elif isinstance(value, int | float):
        name = "number"
    elif isinstance(value, list):
        name = "literal list"
    else:
        name = "text"
    return Kind(name, literal=value, is_literal=True)


def _word(kind: Kind) -> str:
    names = {"text": "text", "number": "a number", "date": "a date", "bool": "true/false",
             "list": "a multichoice answer", "table": "a table", "files": "files"}
    return names.get(kind.name, "a value")


def _describe(kind: Kind) -> str:
    if kind.is_literal:
        names = {"bool": "value", "null": "value", "literal list": "list"}
        return f"the {names.get(kind.name, kind.name)} {_show(kind.literal)}"
    names = {"text": "text", "number": "a number", "date": "a date", "bool": "true/false",
             "list": "a multichoice answer", "table": "a table", "files": "files",
             "null": "null", "any": "a value"}
    described = names.get(kind.name, kind.name)
    if kind.question is not None and isinstance(kind.question, AnswerBase):
        return f"'{kind.question.id}' ({described})"
    return described


def _show(value: Any) -> str:
    """A literal as the condition language writes it: "CN", 12, true, null, [..]."""
    from .expressions import to_source

    return to_source({"lit": value})


def _valid_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_expression(expression: Expression, scope: Scope) -> tuple[list[Finding], set[str]]:
    """Problems in one expression, and the top-level question ids it depends on."""
    checker = Checker(expression)
    checker.run(scope)
    return checker.findings, checker.depends_on
