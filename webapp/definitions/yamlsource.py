"""Reading questionnaire YAML safely, with the place of every value kept.

PyYAML (with libyaml's parser where installed) only composes the node tree here;
nothing is ever constructed from tags, so no Python object can be created from the
file. Anchors, aliases, explicit tags and
duplicate keys are coded errors. Plain scalars are resolved by a small, strict rule
set close to YAML 1.2's core schema, so YAML 1.1's surprises cannot change meaning:

* only ``true``/``false`` (any case of those words) are booleans: ``yes``, ``no``,
  ``on``, ``off``, ``NO`` stay text;
* only decimal integers without a leading zero are integers: ``012`` stays text;
* ``1.5``, ``-0.25``, ``1e3`` are decimals; ``~``, ``null`` and an empty value are null;
* everything else, dates and times included, is text.

Where a text value is expected but the rules above read a number or boolean (an
option value written ``1.10``), the checker reports Y105 and quotes the source text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .characters import character_name, control_character
from .problems import Path, PathProblem, Problem

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+([eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True)
class Place:
    """Where a value stands in the file (0-based line/column as PyYAML counts)."""

    line: int
    column: int
    end_line: int
    end_column: int
    style: str | None  # None for plain scalars, '"' / "'" / '|' / '>' otherwise
    source: str  # the scalar's value (empty for collections)
    raw: str = ""  # the scalar as written in the file, quotes and escapes included


@dataclass
class SourceMap:
    """Places of values and keys, by their path in the loaded data."""

    values: dict[Path, Place]
    keys: dict[Path, Place]

    def place(self, path: Path, *, at_key: bool = False) -> Place | None:
        """The place of the value at `path`, or of the nearest enclosing value."""
        if at_key and path in self.keys:
            return self.keys[path]
        probe = tuple(path)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get(())


class YamlError(Exception):
    """The file could not be read; carries coded problems with their places."""

    def __init__(self, problems: list[tuple[str, str, int, int]]):
        self.problems = problems  # (code, message, line0, col0)
        super().__init__("; ".join(p[1] for p in problems))


class _StrictComposer(Composer):
    """A composer that refuses anchors, aliases and explicit tags."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # noqa: D401
        event = self.peek_event()
        mark = event.start_mark
        if isinstance(event, AliasEvent):
            raise YamlError([("Y102", f"alias '*{event.anchor}' is not allowed; "
                                      "write the value out in full", mark.line, mark.column)])
        if isinstance(event, ScalarEvent | SequenceStartEvent | MappingStartEvent):
            if event.anchor is not None:
                raise YamlError([("Y102", f"anchor '&{event.anchor}' is not allowed; "
                                          "write each value out in full",
                                  mark.line, mark.column)])
            if event.tag not in (None, "!"):
                raise YamlError([("Y103", f"tag '{event.tag}' is not allowed; questionnaire "
                                          "files hold plain text, numbers, lists and mappings",
                                  mark.line, mark.column)])
        return super().compose_node(parent, index)


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser

    class _Loader(CParser, _StrictComposer, Resolver):
        """libyaml scans and parses (about ten times faster); composing stays in Python."""

        def __init__(self, text: str):
            CParser.__init__(self, text)
            _StrictComposer.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(Reader, Scanner, Parser, _StrictComposer, Resolver):  # type: ignore[no-redef]
        def __init__(self, text: str):
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)
            _StrictComposer.__init__(self)
            Resolver.__init__(self)


def resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar under Kedjekoll's strict rules (see module doc).

    Numbers too long to be meant (over 18 digits) or too large for a float stay text,
    so a number field reports them instead of storing infinity.
    """
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text) and len(text.lstrip("+-")) <= 18:
        return int(text)
    if _FLOAT.fullmatch(text) and len(text) <= 40:
        value = float(text)
        return value if math.isfinite(value) else text
    return text


def load(text: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain Python data and the places of its values.

    Raises YamlError with every duplicate key found, or with the first syntax error.
    """
    if "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise YamlError([("Y100", "the file holds characters that are not text", 0, 0)])
    loader = _Loader(text)
    try:
        try:
            node = _StrictComposer.get_single_node(loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            code = "Y104" if "single document" in f"{exc.problem} {exc.context}" else "Y100"
            problem = (exc.problem or "invalid YAML").strip()
            if code == "Y104":
                problem = "a second document starts here; a file holds one questionnaire"
            elif exc.context:
                problem = f"{problem} ({exc.context.strip()})"
            raise YamlError([(code, problem, mark.line if mark else 0,
                              mark.column if mark else 0)]) from None
        except yaml.YAMLError as exc:
            raise YamlError([("Y100", str(exc), 0, 0)]) from None
        except RecursionError:
            raise YamlError([("Y100", "lists or mappings are nested too deeply", 0, 0)]) \
                from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlError([("Y104", "the file is empty", 0, 0)])
    smap = SourceMap({}, {})
    duplicates: list[tuple[str, str, int, int]] = []
    data = _build(node, (), smap, duplicates, text)
    if duplicates:
        raise YamlError(duplicates)
    return data, smap


MAX_DEPTH = 40


def _place(node: Node, text: str = "") -> Place:
    source = node.value if isinstance(node, ScalarNode) else ""
    style = node.style if isinstance(node, ScalarNode) else None
    raw = text[node.start_mark.index:node.end_mark.index] if isinstance(node, ScalarNode) \
        and node.start_mark.line == node.end_mark.line else ""
    return Place(node.start_mark.line, node.start_mark.column, node.end_mark.line,
                 node.end_mark.column, style or None, source, raw)


def _build(node: Node, path: Path, smap: SourceMap, dups: list, text: str) -> Any:
    if len(path) > MAX_DEPTH:
        mark = node.start_mark
        raise YamlError([("Y100", "lists or mappings are nested too deeply", mark.line,
                          mark.column)])
    smap.values[path] = _place(node, text)
    if isinstance(node, ScalarNode):
        found = control_character(node.value, multiline=True) if node.style else None
        if found:  # an escape such as "\u0000": PostgreSQL could not store the text
            mark = node.start_mark
            name = character_name(found, "en")
            dups.append(("S205", f"the text holds a control character ({name}) written as "
                                 "an escape; remove it", mark.line, mark.column))
            return ""
        return resolve_plain(node.value) if not node.style else node.value
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, i), smap, dups, text) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[Any, Any] = {}
    first_seen: dict[Any, Place] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            mark = key_node.start_mark
            dups.append(("S202", "a key must be plain text, not a list or mapping",
                         mark.line, mark.column))
            continue
        key = key_node.value if key_node.style else resolve_plain(key_node.value)
        if not isinstance(key, str):
            key = key_node.value  # `1:` or `true:` as keys: keep as written; pydantic judges
        kplace = _place(key_node, text)
        if key in first_seen:
            dups.append(("Y101", f"duplicate key '{key}' (first at line "
                                 f"{first_seen[key].line + 1}); YAML would silently keep "
                                 "only the last one", kplace.line, kplace.column))
            continue
        first_seen[key] = kplace
        smap.keys[(*path, key)] = kplace
        result[key] = _build(value_node, (*path, key), smap, dups, text)
    return result


def place_problem(problem: PathProblem, smap: SourceMap) -> tuple[int, int]:
    """1-based line and column for a problem found on loaded data."""
    place = smap.place(problem.path, at_key=problem.at_key)
    if place is None:
        return 1, 1
    line, col = place.line, place.column
    if problem.offset is not None and not problem.at_key and place.line == place.end_line:
        col += raw_offset(place, problem.offset)
    return line + 1, col + 1


def raw_offset(place: Place, offset: int) -> int:
    """Where the `offset`-th character of a scalar's value stands in its written form."""
    if place.style not in ('"', "'") or not place.raw:
        return offset
    raw, position, produced = place.raw, 1, 0  # past the opening quote
    escape_lengths = {"x": 4, "u": 6, "U": 10}
    while produced < offset and position < len(raw) - 1:
        if place.style == '"' and raw[position] == "\\":
            position += escape_lengths.get(raw[position + 1], 2)
        elif place.style == "'" and raw[position:position + 2] == "''":
            position += 2
        else:
            position += 1
        produced += 1
    return position


def placed_problems(found: list[PathProblem], smap: SourceMap, file: str) -> list[Problem]:
    """Problems found on loaded data, each at its line and column in `file`, sorted."""
    problems = []
    for item in found:
        line, col = place_problem(item, smap)
        problems.append(Problem(line, col, item.code, item.message, file))
    return sorted(set(problems))
