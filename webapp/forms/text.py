"""Control characters in what people type into the web forms (shared/security.md R9).

The rule itself lives in `definitions/characters.py`, shared with the answer validation
and the stores; this module applies it to what arrives from a browser, in the reader's
language, so that every form refuses the same characters with the same words:

* `TextForm` is the base of forms that WTForms validates: every text field of it (one
  line, or several for a textarea) gets the check as one more validator, so the error
  shows at the field and everything typed stays in the form;
* `form_problems` gives the same check as (field id, message) pairs for pages that list
  problems in an error summary, and `text_problem` for a single posted value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import ValidationError

from ..definitions.characters import control_character, control_in, control_message
from ..rendering import current_language


def text_problem(value: Any, *, multiline: bool = False, field: str | None = None
                 ) -> str | None:
    """What to fix in a posted text (or the texts of a list), naming the field by its
    label (`field`) where the message is read away from it; None when it may be kept."""
    found = control_character(value, multiline=multiline) if isinstance(value, str) \
        else control_in(value)
    return control_message(found, current_language(), field) if found else None


def refuse_control(form: FlaskForm, field: Field) -> None:
    """A WTForms validator: a text field's value holds no refused character (the error
    is shown at the field, so it need not name it)."""
    problem = text_problem(field.data, multiline=isinstance(field, TextAreaField))
    if problem:
        raise ValidationError(problem)


def form_problems(form: FlaskForm, labels: Mapping[str, str] | None = None
                  ) -> list[tuple[str, str]]:
    """(field id, message) for every text field of the form holding a refused character,
    for an error summary; `labels` are the fields' labels as the page shows them."""
    found = []
    for field in form:
        if isinstance(field, StringField):
            problem = text_problem(field.data, multiline=isinstance(field, TextAreaField),
                                   field=(labels or {}).get(field.id))
            if problem:
                found.append((field.id, problem))
    return found


class TextForm(FlaskForm):
    """A FlaskForm whose text fields refuse control characters when validated."""

    def validate(self, extra_validators: dict[str, list[Any]] | None = None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField):
                extra.setdefault(name, []).append(refuse_control)
        return super().validate(extra)
