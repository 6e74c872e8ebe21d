"""How each question type appears in a WTForms form and turns back into an answer.

One adapter per question type (the registry `ADAPTERS`): the fields it adds, how it
reads the submitted form into the JSON answer the store validates, how an answer
fills the form again, and the template macro that renders it. WTForms keeps what the
user typed (`raw_data`), so a page shown again after an error loses nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms import (
    FieldList,
    FormField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form

from ..definitions.fields import text_in
from ..definitions.questions import OTHER, AnswerBase, QuestionBase, TableQuestion
from ..formats import number_input, parse_number
from .places import countries

OTHER_SUFFIX = "__other"
KEEP_SUFFIX = "__keep"


class Conversion(Exception):
    """A typed value that is not of the question's kind (e.g. letters in a number)."""

    def __init__(self, code: str):
        self.code = code


def options(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _t(text: Any, lang: str) -> str:
    return text_in(text, lang, "sv")


class Adapter:
    macro = "text"

    def fields(self, question: AnswerBase, lang: str) -> dict[str, Any]:
        return {question.id: StringField()}

    def read(self, form: Form, question: AnswerBase) -> Any:
        value = form[question.id].data
        return value if isinstance(value, str) and value.strip() else None

    def data(self, question: AnswerBase, value: Any, answers: dict[str, Any]) -> dict[str, Any]:
        return {question.id: value}


class TextAdapter(Adapter):
    pass


class TextareaAdapter(Adapter):
    macro = "textarea"

    def fields(self, question, lang):
        return {question.id: TextAreaField()}


class NumberField(StringField):
    """A number typed and shown the reader's way: "40,5" in Swedish, "40.5" in English.

    The form is filled with the stored number and shows it with the language's
    decimal sign; what was typed is shown again as typed (also when it is not a
    number), so a page shown after an error loses nothing.
    """

    def __init__(self, *args: Any, lang: str = "sv", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, int | float | Decimal) and not isinstance(self.data, bool):
            return number_input(self.data, self.lang)
        return self.data or ""


class NumberAdapter(Adapter):
    macro = "number"

    def fields(self, question, lang):
        return {question.id: NumberField(lang=lang)}

    def read(self, form, question):
        field = form[question.id]
        raw = field.data
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw  # not posted: the stored number
        if not isinstance(raw, str) or not raw.strip():
            return None
        try:
            number = parse_number(raw, getattr(field, "lang", "sv"))
        except ValueError:
            raise Conversion("number") from None
        return int(number) if number == number.to_integral_value() and \
            number.as_tuple().exponent == 0 else float(number)

    def data(self, question, value, answers):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return {question.id: value}


class DateAdapter(Adapter):
    macro = "date"


class ChoiceAdapter(Adapter):
    macro = "choice"

    def choices(self, question, lang) -> list[tuple[str, str]]:
        pairs = [(o.value, _t(o.label, lang)) for o in question.options]
        if question.other:
            label = _t(question.other_label, lang) if question.other_label else \
                ("Annat" if lang == "sv" else "Other")
            pairs.append((OTHER, label))
        return pairs

    def fields(self, question, lang):
        field_class = SelectField if question.display == "dropdown" else RadioField
        choices = self.choices(question, lang)
        if field_class is SelectField:
            choices = [("", "—")] + choices
        found = {question.id: field_class(choices=options(choices), validate_choice=False)}
        if question.other:
            found[question.id + OTHER_SUFFIX] = StringField()
        return found

    def read(self, form, question):
        value = form[question.id].data
        return value or None

    def data(self, question, value, answers):
        found = {question.id: value}
        if getattr(question, "other", False):
            found[question.id + OTHER_SUFFIX] = answers.get(f"{question.id}.{OTHER}")
        return found


class YesNoAdapter(ChoiceAdapter):
    def choices(self, question, lang):
        words = {"sv": ("Ja", "Nej", "Vet inte"), "en": ("Yes", "No", "Don't know")}
        yes, no, dont_know = words.get(lang, words["en"])
        pairs = [("yes", yes), ("no", no)]
        return pairs + [("dont_know", dont_know)] if question.dont_know else pairs

    def fields(self, question, lang):
        return {question.id: RadioField(choices=options(self.choices(question, lang)),
                                        validate_choice=False)}


class MultichoiceAdapter(ChoiceAdapter):
    macro = "multichoice"

    def fields(self, question, lang):
        found = {question.id: SelectMultipleField(
            choices=options(self.choices(question, lang)), validate_choice=False)}
        if question.other:
            found[question.id + OTHER_SUFFIX] = StringField()
        return found

    def read(self, form, question):
        value = form[question.id].data or []
        return list(dict.fromkeys(v for v in value if v)) or None


class CountryAdapter(Adapter):
    macro = "select"

    def fields(self, question, lang):
        return {question.id: SelectField(choices=options([("", "—"), *countries(lang)]),
                                         validate_choice=False)}

    def read(self, form, question):
        return form[question.id].data or None


class RegionAdapter(Adapter):
    """Choices are set per request from the chosen country (see `sections.fill_regions`)."""

    macro = "region"

    def fields(self, question, lang):
        return {question.id: SelectField(choices=options([("", "—")]), validate_choice=False)}

    def read(self, form, question):
        return form[question.id].data or None


class FileAdapter(Adapter):
    """Uploads are stored by the view; this keeps the files already attached."""

    macro = "file"

    def fields(self, question, lang):
        return {question.id: MultipleFileField(),
                question.id + KEEP_SUFFIX: SelectMultipleField(choices=[],
                                                               validate_choice=False)}

    def read(self, form, question):
        return list(form[question.id + KEEP_SUFFIX].data or [])

    def data(self, question, value, answers):
        return {question.id + KEEP_SUFFIX: list(value or [])}


class TableAdapter(Adapter):
    macro = "table"

    def row_form(self, question: TableQuestion, lang: str) -> type[Form]:
        attrs: dict[str, Any] = {}
        for column in question.columns:
            attrs.update(ADAPTERS[column.type].fields(column, lang))
        return type(f"Row_{question.id}", (Form,), attrs)

    def fields(self, question, lang):
        return {question.id: FieldList(FormField(self.row_form(question, lang)),
                                       min_entries=0)}

    def read(self, form, question):
        rows = []
        for entry in form[question.id].entries:
            row: dict[str, Any] = {}
            problems: dict[str, str] = {}
            for column in question.columns:
                try:
                    row[column.id] = ADAPTERS[column.type].read(entry.form, column)
                except Conversion as exc:
                    row[column.id] = None
                    problems[column.id] = exc.code
                other = entry.form._fields.get(column.id + OTHER_SUFFIX)
                if other is not None and other.data and other.data.strip():
                    row[f"{column.id}.{OTHER}"] = other.data
            rows.append((row, problems))
        return rows

    def data(self, question, value, answers):
        rows = []
        for row in value or []:
            cells: dict[str, Any] = {}
            for column in question.columns:
                cells.update(ADAPTERS[column.type].data(column, row.get(column.id), {
                    f"{column.id}.{OTHER}": row.get(f"{column.id}.{OTHER}")}))
            rows.append(cells)
        return {question.id: rows}


ADAPTERS: dict[str, Adapter] = {
    "text": TextAdapter(), "textarea": TextareaAdapter(), "number": NumberAdapter(),
    "date": DateAdapter(), "choice": ChoiceAdapter(), "multichoice": MultichoiceAdapter(),
    "yesno": YesNoAdapter(), "country": CountryAdapter(), "region": RegionAdapter(),
    "email": TextAdapter(), "url": TextAdapter(), "file": FileAdapter(),
    "table": TableAdapter(),
}


def adapter(question: QuestionBase) -> Adapter:
    return ADAPTERS[question.type]


__all__ = ["ADAPTERS", "Conversion", "KEEP_SUFFIX", "OTHER_SUFFIX", "adapter"]
