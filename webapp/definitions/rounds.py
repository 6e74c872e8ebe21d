"""What changed between two submitted rounds of one response, question by question."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .expressions import is_answered
from .models import Questionnaire


def _normal(value: Any) -> Any:
    """Blank, null and empty answers are all "not answered"; text compares trimmed."""
    if not is_answered(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_normal(v) if not isinstance(v, Mapping) else
                {k: _normal(x) for k, x in v.items() if is_answered(x)} for v in value]
    return value


def changed_questions(q: Questionnaire, earlier: Mapping[str, Any],
                      later: Mapping[str, Any]) -> list[str]:
    """Ids of the answerable questions whose answer differs, in questionnaire order.

    A question's "other" text (`<id>.other`) belongs to the question.
    """
    changed = []
    for question in q.answerable():
        for key in (question.id, f"{question.id}.other"):
            if _normal(earlier.get(key)) != _normal(later.get(key)):
                changed.append(question.id)
                break
    return changed
