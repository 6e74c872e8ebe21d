"""Structure errors: pydantic's validation errors, translated into coded problems.

Pydantic's locations include union tags; they are followed through the loaded data so
that each problem points at the key or value the author wrote.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from .models import Questionnaire
from .problems import Path as DataPath
from .problems import PathProblem
from .questions import TYPE_NAMES
from .yamlsource import SourceMap

_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "bool_type": "true or false",
    "float_type": "a number", "list_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
}


def data_path(loc: tuple, data: Any) -> tuple[DataPath, list]:
    """Follow pydantic's location through the data, skipping union tags."""
    path: list = []
    rest: list = []
    current = data
    tag_skipped = False
    for part in loc:
        if isinstance(current, dict) and current.get("type") == part and part in TYPE_NAMES \
                and not tag_skipped:
            tag_skipped = True  # the union tag pydantic puts before a question's keys
            continue
        if isinstance(current, dict) and part in current and not rest:
            path.append(part)
            current = current[part]
            tag_skipped = False
        elif isinstance(current, list) and isinstance(part, int) and not rest \
                and 0 <= part < len(current):
            path.append(part)
            current = current[part]
            tag_skipped = False
        else:
            rest.append(part)
    return tuple(path), rest


def _allowed_keys(loc: tuple, root: type[BaseModel] = Questionnaire) -> list[str]:
    """The keys a mapping at this pydantic location of a `root` file may have."""
    annotation: Any = root
    for part in loc:
        annotation = _unwrap(annotation, part)
        if annotation is None:
            return []
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if isinstance(part, str) and part in annotation.model_fields:
                annotation = annotation.model_fields[part].annotation
            elif isinstance(part, str) and part in TYPE_NAMES:
                annotation = TYPE_NAMES[part]
        elif get_origin(annotation) in (list, dict):
            args = get_args(annotation)
            annotation = args[-1]
    annotation = _unwrap(annotation, None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any, part: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is not None and getattr(annotation, "__metadata__", None) is not None:
            annotation = get_args(annotation)[0]
        elif origin is Union or str(origin) == "types.UnionType":
            args = [a for a in get_args(annotation) if a is not type(None)]
            models = [_unwrap(a, None) for a in args]
            match = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)
                     and isinstance(part, str) and _type_of(m) == part]
            if match:
                return match[0]
            if len(args) == 1:
                annotation = args[0]
            else:
                return annotation
        else:
            return annotation


def _type_of(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("type")
    return get_args(field.annotation)[0] if field is not None else None


def from_pydantic(err: dict, data: Any, smap: SourceMap,
                  root: type[BaseModel] = Questionnaire) -> PathProblem:
    """One coded problem for one pydantic error in a file read as `root`."""
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    path, rest = data_path(loc, data)
    ctx = err.get("ctx") or {}
    if re.fullmatch(r"[A-Z]\d{3}", kind):
        if kind == "S203" and "question type" in err["msg"]:
            return _bad_type(value, path, ctx)
        if kind == "S202" and _looks_scalar(value):
            place = smap.place(path)
            return _text_expected(path, value, place.source if place else str(value))
        if "at_key" in ctx:
            return PathProblem(kind, err["msg"], (*path, ctx["at_key"]), at_key=True)
        if "at" in ctx:
            return PathProblem(kind, err["msg"], (*path, ctx["at"]))
        return PathProblem(kind, err["msg"], path, offset=ctx.get("offset"))
    if kind == "extra_forbidden":
        key = path[-1] if path else (rest[-1] if rest else "?")
        allowed = _allowed_keys(loc[:-1], root)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return PathProblem("S200", f"unknown key '{key}'{hint}", path, at_key=True)
    if kind == "missing":
        key = rest[-1] if rest else loc[-1]
        return PathProblem("S201", f"missing required key '{key}'", path)
    if kind in _EXPECTED:
        if kind == "string_type" and _looks_scalar(value):
            place = smap.place(path)
            return _text_expected(path, value, place.source if place else str(value))
        hint = ""
        if kind == "bool_type" and str(value).lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = " (yes/no/on/off are text here, not booleans)"
        return PathProblem("S202", f"expected {_EXPECTED[kind]}, not {_show(value)}{hint}",
                           path)
    if kind == "literal_error":
        return PathProblem("S203", f"{_show(value)} is not allowed; use "
                           f"{ctx.get('expected', '')}", path)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}
        bound = next(iter(ctx.values()), "")
        return PathProblem("S204", f"{_show(value)} is out of range: must be "
                           f"{words[kind]} {bound}", path)
    if kind in ("too_short", "too_long"):
        words = "at least" if kind == "too_short" else "at most"
        count = ctx.get("min_length", ctx.get("max_length"))
        return PathProblem("S204", f"needs {words} {count} item{'s' if count != 1 else ''}",
                           path)
    if kind == "string_pattern_mismatch":
        return PathProblem("S205", f"{_show(value)} does not match {ctx.get('pattern')}", path)
    return PathProblem("S202", err["msg"], path)


def _bad_type(value: Any, path: DataPath, ctx: dict) -> PathProblem:
    if not isinstance(value, dict):
        return PathProblem("S202", f"expected a question (a mapping with id, type, label...), "
                           f"not {_show(value)}", path)
    if "type" not in value:
        return PathProblem("S201", "missing required key 'type' (the question type)", path)
    if value["type"] in ("table", "note") and "columns" in path:
        return PathProblem("S203", f"a table column cannot be a {value['type']}",
                           (*path, "type"))
    if not isinstance(value["type"], str):
        return PathProblem("S202", f"the question type must be text, not {_show(value['type'])}",
                           (*path, "type"))
    close = difflib.get_close_matches(str(value["type"]), list(TYPE_NAMES), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return PathProblem("S203", f"unknown question type {_show(value['type'])}; {hint}"
                       f"use one of: {', '.join(TYPE_NAMES)}", (*path, "type"))


def _looks_scalar(value: Any) -> bool:
    return isinstance(value, bool | int | float)


def _text_expected(path: DataPath, value: Any, raw: str) -> PathProblem:
    what = "a boolean" if isinstance(value, bool) else "a number"
    return PathProblem("Y105", f"text expected, but unquoted {raw} is read as {what}; "
                       f"write it in quotes (\"{raw}\") to keep it as text", path)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return repr(value).lower() if isinstance(value, bool) else repr(value)


