"""Field types shared by the definition models: ids, bilingual text, conditions.

Each type validates strictly (no YAML 1.1 coercion) and raises coded errors, so the
checker can report `S205 ...` or `E500 ...` at the right line and column.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .expressions import KEYWORDS, Expression, ExpressionError, parse

_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_LANG = re.compile(r"[a-z]{2}")
_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}")


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise PydanticCustomError(
            "S205",
            "'{value}' is not a valid id: use lower-case letters, digits and _, "
            "starting with a letter (at most 63 characters)",
            {"value": value},
        )
    if value in KEYWORDS:
        raise PydanticCustomError(
            "S205", "'{value}' is a word of the condition language and cannot be an id",
            {"value": value},
        )
    return value


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value) or len(value) > 63:
        raise PydanticCustomError(
            "S205", "'{value}' is not a valid questionnaire id: use lower-case letters and "
            "digits in words joined by '-', e.g. 'ppe-masks-aprons'", {"value": value})
    return value


def _check_lang(value: str) -> str:
    if not _LANG.fullmatch(value):
        raise PydanticCustomError(
            "S205", "'{value}' is not a two-letter language code such as 'sv' or 'en'",
            {"value": value})
    return value


def _check_value(value: str) -> str:
    if not _VALUE.fullmatch(value):
        raise PydanticCustomError(
            "S205", "'{value}' is not a valid option value: use letters, digits, '_', '.' "
            "or '-', starting with a letter or digit", {"value": value})
    return value


Id = Annotated[StrictStr, AfterValidator(_check_id),
               WithJsonSchema({"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"})]
Slug = Annotated[StrictStr, AfterValidator(_check_slug),
                 WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"})]
Lang = Annotated[StrictStr, AfterValidator(_check_lang),
                 WithJsonSchema({"type": "string", "pattern": "^[a-z]{2}$"})]
OptionValue = Annotated[StrictStr, AfterValidator(_check_value),
                        WithJsonSchema({"type": "string",
                                        "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,62}$"})]


class TextMarker:
    """Marks a field as translatable text, so the checker can look for translations."""


def _check_text(value: Any) -> str | dict[str, str]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value:
        for key, item in value.items():
            if not isinstance(key, str) or not _LANG.fullmatch(key):
                raise PydanticCustomError(
                    "S205", "'{key}' is not a two-letter language code", {"key": key,
                                                                           "at_key": key})
            if not isinstance(item, str):
                raise PydanticCustomError(
                    "S202", "expected text for language '{key}'", {"key": key, "at": key})
        return dict(value)
    raise PydanticCustomError(
        "S202", "expected text, or a mapping from language code to text (sv: ..., en: ...)")


_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {"type": "object", "minProperties": 1,
         "propertyNames": {"pattern": "^[a-z]{2}$"},
         "additionalProperties": {"type": "string"}},
    ]
}

Text = Annotated[
    str | dict[str, str],
    PlainValidator(_check_text),
    WithJsonSchema(_TEXT_SCHEMA),
    TextMarker(),
]


def _check_condition(value: Any) -> Expression:
    if isinstance(value, Expression):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("S202", "expected a condition written as text")
    try:
        return parse(value)
    except ExpressionError as exc:
        raise PydanticCustomError("E500", "{message}", {"message": exc.message,
                                                        "offset": exc.offset}) from None


Condition = Annotated[
    Expression,
    PlainValidator(_check_condition),
    PlainSerializer(lambda expr: expr.source, return_type=str),
    WithJsonSchema({"type": "string", "description": "A condition, e.g. "
                    "`role == \"manufacturer\" and answered(tiers)`."}),
]

NonNegative = Annotated[float, Field(ge=0, strict=True)]


def text_in(text: str | dict[str, str] | None, lang: str, fallback: str = "") -> str:
    """The text in `lang`, else in `fallback`, else any; '' for no text."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")
