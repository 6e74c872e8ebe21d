"""Recovering from structure errors, so the meaning checks can still run.

When some questions or keys are malformed, the author should not have to fix them
before learning that a condition three sections later names an unknown question. This
module patches a copy of the data: a bad optional key is dropped (its default applies),
an item with a bad required key is replaced by a neutral placeholder that keeps its id.
The meaning checks then run on the patched questionnaire; problems inside placeholders
are dropped, and references to replaced questions are not judged.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .models import Flag, Questionnaire, Rating, Rubric, RubricLevel, Section
from .problems import Path as DataPath
from .questions import TYPE_NAMES, Option
from .structure import data_path

_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")
_ITEM_LISTS = {"sections", "questions", "columns", "options", "flags", "ratings", "levels"}


@dataclass
class Recovered:
    questionnaire: Questionnaire
    unknown: set[str] = field(default_factory=set)  # ids whose definition was replaced
    covered: list[DataPath] = field(default_factory=list)  # placeholders: say nothing there
    skip_codes: set[str] = field(default_factory=set)

    def keeps(self, path: DataPath, code: str) -> bool:
        if code in self.skip_codes:
            return False
        return not any(path[: len(c)] == c for c in self.covered)


def recover(data: dict, errors: list[dict]) -> Recovered | None:
    """A questionnaire patched around the structure errors, or None if beyond repair."""
    patched = copy.deepcopy(data)
    result = _Patch(patched)
    for err in errors:
        path, rest = data_path(tuple(err["loc"]), data)
        if not result.apply(path, rest):
            return None
    try:
        questionnaire = Questionnaire.model_validate(patched)
    except ValidationError:
        return None
    return Recovered(questionnaire, result.unknown, result.covered, result.skip_codes)


class _Patch:
    def __init__(self, data: dict):
        self.data = data
        self.unknown: set[str] = set()
        self.covered: list[DataPath] = []
        self.skip_codes: set[str] = set()
        self.count = 0

    def apply(self, path: DataPath, rest: list) -> bool:
        if any(path[: len(c)] == c for c in self.covered):
            return True  # already replaced as a whole
        if "[key]" in rest and path:  # a mapping key that is not a valid id: drop the entry
            parent = _get(self.data, path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
                self.covered.append(path)
                return True
        item_path = _item_path(path)
        item = _get(self.data, item_path)
        key = path[len(item_path)] if len(path) > len(item_path) else (rest[0] if rest else None)
        model = self.model_of(item_path, item)
        if isinstance(item, dict) and model is not None and isinstance(key, str):
            info = model.model_fields.get(key)
            if info is None or not info.is_required():
                item.pop(key, None)  # an unknown or optional key: its default applies
                return True
        if item_path == ():
            return self.patch_top(key)
        if len(item_path) >= 2 and item_path[-2] == "sections" and isinstance(item, dict) \
                and key in ("id", "title"):
            self.count += 1  # a section is never named in conditions: patch, keep its questions
            item[key] = f"removed_{self.count}" if key == "id" else "x"
            return True
        self.replace(item_path, item)
        return True

    def model_of(self, item_path: DataPath, item: Any) -> type[BaseModel] | None:
        if item_path == ():
            return Questionnaire
        kind = item_path[-2] if len(item_path) >= 2 else None
        if kind in ("questions", "columns"):
            tag = item.get("type") if isinstance(item, dict) else None
            return TYPE_NAMES.get(tag) if isinstance(tag, str) else None
        return {"sections": Section, "options": Option, "flags": Flag, "ratings": Rating,
                "levels": RubricLevel, "rubrics": Rubric}.get(kind)

    def patch_top(self, key: Any) -> bool:
        values = {"id": "x", "version": 1, "title": "x"}
        if key in values:
            self.data[key] = values[key]
            return True
        if key == "languages":
            self.data[key] = ["sv", "en"]
            self.skip_codes |= {"T400", "T401"}
            return True
        return False  # no sections, or not a mapping: nothing to check further

    def replace(self, item_path: DataPath, item: Any) -> None:
        self.count += 1
        kind = item_path[-2] if len(item_path) >= 2 else "rubrics"
        old_id = item.get("id") if isinstance(item, dict) else None
        new_id = old_id if isinstance(old_id, str) and _ID.fullmatch(old_id) \
            else f"removed_{self.count}"
        question = {"id": new_id, "type": "text", "label": "x"}
        if kind in ("questions", "columns"):
            self.unknown.add(new_id)
            placeholder: Any = question
        elif kind == "sections":
            placeholder = {"id": new_id, "title": "x", "questions": [
                {"id": f"removed_{self.count}_q", "type": "note", "text": "x"}]}
            questions = item.get("questions") if isinstance(item, dict) else None
            for q in questions if isinstance(questions, list) else []:
                if isinstance(q, dict) and isinstance(q.get("id"), str):
                    self.unknown.add(q["id"])
        elif kind in ("options", "levels"):
            owner = _get(self.data, item_path[:-2])
            if isinstance(owner, dict) and isinstance(owner.get("id"), str):
                self.unknown.add(owner["id"])
            value = item.get("value") if isinstance(item, dict) else None
            placeholder = {"points": 0, "label": "x"} if kind == "levels" else {
                "value": value if isinstance(value, str) else f"removed-{self.count}",
                "label": "x"}
        elif kind == "flags":
            placeholder = {"id": new_id, "severity": "amber", "when": "true", "message": "x"}
        elif kind == "ratings":
            placeholder = {"id": new_id, "label": "x", "min_score": 0}
            self.skip_codes |= {"P602", "P603"}
        else:  # a rubric
            placeholder = {"levels": [{"points": 0, "label": "x"}, {"points": 1, "label": "x"}]}
        _set(self.data, item_path, placeholder)
        self.covered.append(item_path)


def _item_path(path: DataPath) -> DataPath:
    """The path of the innermost item (question, option, flag...) containing `path`."""
    best: DataPath = ()
    for i in range(1, len(path)):
        if isinstance(path[i], int) and path[i - 1] in _ITEM_LISTS:
            best = path[: i + 1]
        elif path[i - 1] == "rubrics" and i == 1:
            best = path[: i + 1]
    return best


def _get(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: DataPath, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value
