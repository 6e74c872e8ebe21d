"""The question types: one class per type, registered by its `type` name.

Each class knows its YAML keys (the pydantic fields), the kind of value its answer is
in conditions (`kind`), which constraints may carry an author-written message, how
its answer earns points, how a chosen value reads in each language (`option_text`, for
pages and the workbook), and its export columns (`export_columns`, `export_cells`).
Adding a type means adding one class here and listing it in `QUESTION_TYPES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictInt, Tag

from .fields import Condition, Id, NonNegative, OptionValue, Text, text_in

OTHER = "other"  # the option value reserved for "other, please specify"
JOIN = "; "  # joins several values in one exported cell (multichoice, files)
#: the fixed columns of the tables export; a table's own are `<table>.<column>`, so a
#: table and column must not spell one of these (checker code Q308)
TABLE_EXPORT_FIXED = ("response.id", "supplier.name", "question", "row")
#: the answers of a yes/no question as a reader sees them, by language
YESNO_LABELS = {"sv": {"yes": "Ja", "no": "Nej", "dont_know": "Vet inte"},
                "en": {"yes": "Yes", "no": "No", "dont_know": "Don't know"}}
OTHER_LABELS = {"sv": "Annat", "en": "Other"}  # the "other" option, unless the author names it
EVIDENCE_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt",
                  "jpg", "jpeg", "png")


class Definition(BaseModel):
    """Base of every definition model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Option(Definition):
    """One answer option of a choice or multichoice question."""

    value: OptionValue
    """The stored value, used in conditions: `role == "distributor"`."""
    label: Text
    """What the supplier sees."""
    points: float | None = Field(default=None, strict=True, ge=0)
    """Points earned by choosing this option (auto-scoring); 0 or more."""
    exclusive: StrictBool = False
    """Multichoice only: choosing it clears the others (e.g. "none of these")."""


class YesNoPoints(Definition):
    """Points for each answer of a yes/no question."""

    yes: float | None = Field(default=None, strict=True, ge=0)
    no: float | None = Field(default=None, strict=True, ge=0)
    dont_know: float | None = Field(default=None, strict=True, ge=0)


class QuestionBase(Definition):
    """Keys every question has."""

    id: Id
    """Unique in the questionnaire and stable across versions: answers are stored by it."""
    show_if: Condition | None = None
    """Ask the question only when this condition holds."""

    kind: ClassVar[str] = "text"  # the value's kind in conditions
    constraints: ClassVar[tuple[str, ...]] = ()
    answerable: ClassVar[bool] = True

    def option_values(self) -> tuple[str, ...] | None:
        """The values an answer may take, where the type has a fixed set."""
        return None

    def option_text(self, value: Any, lang: str, fallback: str = "sv") -> str:
        """A chosen value as the reader sees it in `lang` (types without options: as is)."""
        return str(value)

    def max_points(self) -> float | None:
        """The most points an answer can earn automatically; None if not auto-scored."""
        return None

    def points_for(self, answer: Any) -> float:
        """Points the answer earns automatically."""
        return 0.0

    def export_columns(self) -> tuple[str, ...]:
        """Column headers of this question in the main export sheet (none by default)."""
        return ()

    def export_cells(self, values: Mapping[str, Any], files: Mapping[str, str] | None = None,
                     lang: str | None = None) -> tuple[Any, ...]:
        """The cells of `export_columns` for the answers in `values` (a response or a
        table row); `files` maps attachment ids to their original names. With `lang`,
        a chosen option is its label in that language (the workbook), else its code."""
        return ()


class AnswerBase(QuestionBase):
    """Keys of every question that takes an answer."""

    label: Text
    """The question as the supplier reads it."""
    help: Text | None = None
    """Guidance shown under the label (plain text)."""
    required: StrictBool = False
    """Must be answered before the response can be submitted."""
    weight: NonNegative = 1.0
    """Weight of this question's score within its section."""
    rubric: Id | None = None
    """Name of a rubric in `rubrics`: a reviewer grades this answer by hand."""
    messages: dict[str, Text] = Field(default_factory=dict)
    """Author-written error messages, keyed by constraint name (`required`, `max_length`...)."""

    def export_columns(self) -> tuple[str, ...]:
        """One column named by the question id."""
        return (self.id,)

    def export_cells(self, values: Mapping[str, Any], files: Mapping[str, str] | None = None,
                     lang: str | None = None) -> tuple[Any, ...]:
        """The stored value as it is: text, a number, an option value, an ISO date or code;
        with `lang`, an option (yes/no) as its label."""
        value = values.get(self.id)
        if lang is not None and isinstance(value, str) and self.option_values():
            return (self.option_text(value, lang),)
        return (_plain(value),)


class TextQuestion(AnswerBase):
    """A single line of text."""

    type: Literal["text"]
    min_length: StrictInt | None = Field(default=None, ge=0)
    max_length: StrictInt | None = Field(default=None, ge=1)
    pattern: str | None = Field(default=None, strict=True)
    """A regular expression the whole answer must match."""
    constraints: ClassVar = ("required", "min_length", "max_length", "pattern")


class TextareaQuestion(AnswerBase):
    """Several lines of free text."""

    type: Literal["textarea"]
    min_length: StrictInt | None = Field(default=None, ge=0)
    max_length: StrictInt | None = Field(default=None, ge=1)
    constraints: ClassVar = ("required", "min_length", "max_length")


class NumberQuestion(AnswerBase):
    """A number, whole or decimal, optionally with a unit."""

    type: Literal["number"]
    integer: StrictBool = False
    """Only whole numbers."""
    min: float | None = Field(default=None, strict=True)
    max: float | None = Field(default=None, strict=True)
    unit: Text | None = None
    """Shown after the field, e.g. "%" or "hours per week"."""
    kind: ClassVar = "number"
    constraints: ClassVar = ("required", "integer", "min", "max")


class DateQuestion(AnswerBase):
    """A calendar date (YYYY-MM-DD)."""

    type: Literal["date"]
    min: str | None = Field(default=None, strict=True)
    """Earliest date: YYYY-MM-DD or "today"."""
    max: str | None = Field(default=None, strict=True)
    """Latest date: YYYY-MM-DD or "today"."""
    kind: ClassVar = "date"
    constraints: ClassVar = ("required", "min", "max")


class _WithOptions(AnswerBase):
    options: list[Option] = Field(min_length=1)
    other: StrictBool = False
    """Offer "other" with a free-text box; its value is "other"."""
    other_label: Text | None = None
    """Label of the "other" option, if not the default."""

    def option_values(self) -> tuple[str, ...]:
        values = tuple(o.value for o in self.options)
        return (*values, OTHER) if self.other else values

    def export_columns(self) -> tuple[str, ...]:
        """The option value(s), and `<id>.other` for the "other" text if offered."""
        return (self.id, f"{self.id}.{OTHER}") if self.other else (self.id,)

    def option_text(self, value: Any, lang: str, fallback: str = "sv") -> str:
        if value == OTHER:
            return text_in(self.other_label, lang, fallback) if self.other_label \
                else OTHER_LABELS.get(lang, OTHER_LABELS["en"])
        for option in self.options:
            if option.value == value:
                return text_in(option.label, lang, fallback)
        return str(value)

    def export_cells(self, values: Mapping[str, Any], files: Mapping[str, str] | None = None,
                     lang: str | None = None) -> tuple[Any, ...]:
        value = values.get(self.id)

        def shown(v: Any) -> Any:
            return self.option_text(v, lang) if lang is not None else str(v)

        chosen = JOIN.join(shown(v) for v in value) if isinstance(value, list) else \
            shown(value) if lang is not None and isinstance(value, str) else _plain(value)
        if self.other:
            return (chosen, _plain(values.get(f"{self.id}.{OTHER}")))
        return (chosen,)


class ChoiceQuestion(_WithOptions):
    """One option out of several."""

    type: Literal["choice"]
    display: Literal["radio", "dropdown"] = "radio"
    constraints: ClassVar = ("required",)

    def max_points(self) -> float | None:
        points = [o.points for o in self.options if o.points is not None]
        return max(points) if points else None

    def points_for(self, answer: Any) -> float:
        for option in self.options:
            if option.value == answer:
                return option.points or 0.0
        return 0.0


class MultichoiceQuestion(_WithOptions):
    """Any number of options (check boxes)."""

    type: Literal["multichoice"]
    min_selected: StrictInt | None = Field(default=None, ge=0)
    max_selected: StrictInt | None = Field(default=None, ge=1)
    kind: ClassVar = "list"
    constraints: ClassVar = ("required", "min_selected", "max_selected")

    def max_points(self) -> float | None:
        """The best answer: the top plain options (up to max_selected), or one exclusive."""
        if all(o.points is None for o in self.options):
            return None
        plain = sorted((o.points or 0.0 for o in self.options if not o.exclusive),
                       reverse=True)
        combined = sum(p for p in plain[: self.max_selected or len(plain)] if p > 0)
        alone = [o.points or 0.0 for o in self.options if o.exclusive]
        return max([combined, *alone])

    def points_for(self, answer: Any) -> float:
        chosen = set(answer) if isinstance(answer, list) else set()
        return sum(o.points or 0.0 for o in self.options if o.value in chosen)


class YesNoQuestion(AnswerBase):
    """Yes or no, optionally with "don't know"; answers are "yes", "no", "dont_know"."""

    type: Literal["yesno"]
    dont_know: StrictBool = False
    """Offer "don't know" as a third answer."""
    points: YesNoPoints | None = None
    constraints: ClassVar = ("required",)

    def option_values(self) -> tuple[str, ...]:
        return ("yes", "no", "dont_know") if self.dont_know else ("yes", "no")

    def option_text(self, value: Any, lang: str, fallback: str = "sv") -> str:
        return YESNO_LABELS.get(lang, YESNO_LABELS["en"]).get(value, str(value))

    def max_points(self) -> float | None:
        if self.points is None:
            return None
        return max(getattr(self.points, v) or 0.0 for v in self.option_values())

    def points_for(self, answer: Any) -> float:
        if self.points is None or answer not in self.option_values():
            return 0.0
        return getattr(self.points, answer) or 0.0


class CountryQuestion(AnswerBase):
    """A country, stored as its ISO 3166-1 alpha-2 code (e.g. "CN")."""

    type: Literal["country"]
    constraints: ClassVar = ("required",)


class RegionQuestion(AnswerBase):
    """A subdivision of a country, stored as its ISO 3166-2 code (e.g. "CN-XJ")."""

    type: Literal["region"]
    country: Id
    """Id of the country question (in a table: the country column) that filters the list."""
    constraints: ClassVar = ("required",)


class EmailQuestion(AnswerBase):
    """An e-mail address."""

    type: Literal["email"]
    constraints: ClassVar = ("required", "format")


class UrlQuestion(AnswerBase):
    """A web address (http or https)."""

    type: Literal["url"]
    constraints: ClassVar = ("required", "format")


class FileQuestion(AnswerBase):
    """Evidence files: code of conduct, audit reports, certificates."""

    type: Literal["file"]
    accept: list[str] = Field(default_factory=lambda: ["pdf", "docx", "xlsx", "jpg", "png"])
    """Allowed file types, by extension."""
    max_size_mb: float = Field(default=10.0, gt=0, le=50, strict=True)
    """Largest file accepted, in megabytes."""
    multiple: StrictBool = False
    """Allow several files."""
    max_files: StrictInt | None = Field(default=None, ge=1)
    kind: ClassVar = "files"
    constraints: ClassVar = ("required", "accept", "max_size_mb", "max_files")

    def export_cells(self, values: Mapping[str, Any], files: Mapping[str, str] | None = None,
                     lang: str | None = None) -> tuple[Any, ...]:
        """The files' original names (never their stored ids), joined."""
        value = values.get(self.id)
        if not isinstance(value, list):
            return (None,)
        names = [(files or {}).get(str(v), str(v)) for v in value]
        return (JOIN.join(names) if names else None,)


class NoteQuestion(QuestionBase):
    """Display-only text (Markdown) between questions; takes no answer."""

    type: Literal["note"]
    label: Text | None = None
    """An optional heading."""
    text: Text
    """The note itself, in Markdown."""
    kind: ClassVar = "none"
    answerable: ClassVar = False


COLUMN_TYPES: tuple[type[AnswerBase], ...] = (
    TextQuestion, TextareaQuestion, NumberQuestion, DateQuestion, ChoiceQuestion,
    MultichoiceQuestion, YesNoQuestion, CountryQuestion, RegionQuestion, EmailQuestion,
    UrlQuestion, FileQuestion,
)


def _type_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("type")
    return getattr(value, "type", None)


def _type_name(cls: type[QuestionBase]) -> str:
    return cls.model_fields["type"].annotation.__args__[0]


def _union(classes: tuple[type[QuestionBase], ...]) -> Any:
    """A union of question classes, chosen by the `type` key."""
    tagged = tuple(Annotated[cls, Tag(_type_name(cls))] for cls in classes)
    names = ", ".join(_type_name(cls) for cls in classes)
    return Annotated[
        Union[tagged],  # noqa: UP007 - built from a tuple
        Discriminator(
            _type_tag,
            custom_error_type="S203",
            custom_error_message=f"unknown or missing question type; use one of: {names}",
        ),
    ]


Column = _union(COLUMN_TYPES)


class TableQuestion(AnswerBase):
    """Repeating rows of typed columns, e.g. the supply-chain tiers."""

    type: Literal["table"]
    columns: list[Column] = Field(min_length=1)
    min_rows: StrictInt | None = Field(default=None, ge=0)
    max_rows: StrictInt | None = Field(default=None, ge=1)
    kind: ClassVar = "table"
    constraints: ClassVar = ("required", "min_rows", "max_rows")

    def column(self, column_id: str) -> AnswerBase | None:
        return next((c for c in self.columns if c.id == column_id), None)

    def export_columns(self) -> tuple[str, ...]:
        """None in the main sheet: a table's rows are exported separately."""
        return ()

    def export_cells(self, values: Mapping[str, Any], files: Mapping[str, str] | None = None,
                     lang: str | None = None) -> tuple[Any, ...]:
        return ()

    def row_columns(self) -> tuple[str, ...]:
        """Headers of this table's own export: its columns' export columns."""
        return tuple(name for column in self.columns for name in column.export_columns())

    def export_rows(self, values: Mapping[str, Any], files: Mapping[str, str] | None = None,
                    lang: str | None = None) -> list[tuple[Any, ...]]:
        """The cells of each non-blank row of the answer, in `row_columns` order."""
        rows = values.get(self.id)
        if not isinstance(rows, list):
            return []
        return [tuple(cell for column in self.columns
                      for cell in column.export_cells(row, files, lang))
                for row in rows if isinstance(row, Mapping) and any(
                    v not in (None, "", []) for v in row.values())]


def _plain(value: Any) -> Any:
    """A cell value: numbers and text as they are, lists joined, anything else as text."""
    if value is None or isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, list):
        return JOIN.join(str(v) for v in value)
    return str(value)


QUESTION_TYPES: tuple[type[QuestionBase], ...] = (*COLUMN_TYPES, TableQuestion, NoteQuestion)
Question = _union(QUESTION_TYPES)
TYPE_NAMES: dict[str, type[QuestionBase]] = {_type_name(cls): cls for cls in QUESTION_TYPES}
