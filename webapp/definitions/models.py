"""The questionnaire definition: sections, rubrics, rating bands and flags.

A `Questionnaire` is immutable; (`id`, `version`) names it, and `content_hash` (the
SHA-256 of its canonical JSON) identifies its content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import Field, StrictInt

from .fields import Condition, Id, Lang, NonNegative, Slug, Text
from .questions import AnswerBase, Definition, Question, QuestionBase, TableQuestion


class Section(Definition):
    """A page of the form: a titled group of questions."""

    id: Id
    """Unique in the questionnaire."""
    title: Text
    intro: Text | None = None
    """Markdown shown above the questions."""
    show_if: Condition | None = None
    """Show the whole section only when this condition holds."""
    weight: NonNegative = 1.0
    """Weight of this section's score in the total."""
    questions: list[Question] = Field(min_length=1)


class RubricLevel(Definition):
    """One level of a grading rubric."""

    points: NonNegative
    label: Text
    description: Text | None = None
    """What an answer at this level looks like."""


class Rubric(Definition):
    """A scale a reviewer uses to grade free-text or evidence answers by hand."""

    label: Text | None = None
    levels: list[RubricLevel] = Field(min_length=2)


class Rating(Definition):
    """A risk rating band: a due-diligence score of at least `min_score` earns it.

    The band with the lowest `min_score` is the highest risk; flags can make the
    rating worse than the score's band, never better.
    """

    id: Id
    label: Text
    min_score: float = Field(ge=0, le=100, strict=True)
    description: Text | None = None


class Flag(Definition):
    """A named rule that raises a red or amber flag on a response."""

    id: Id
    severity: Literal["red", "amber"]
    when: Condition
    """The condition that raises the flag."""
    message: Text
    """What the reviewer reads."""
    rating: Id | None = None
    """What the flag does to the risk rating, when not the default: `none` leaves the
    rating to the score, a band id makes the rating at least that band. By default a red
    flag puts the response in the highest-risk band and an amber flag keeps it out of
    the lowest-risk band."""
    force_rating: Id | None = None
    """The older name of `rating` (a band id), read in versions recorded before it."""

    @property
    def rating_rule(self) -> str | None:
        """The band this flag asks for ("none" for no effect), or None for the default."""
        return self.rating if self.rating is not None else self.force_rating


class Questionnaire(Definition):
    """One questionnaire, as written in one YAML file."""

    id: Slug
    """Stable name of the questionnaire, e.g. `ppe-masks-aprons`."""
    version: StrictInt = Field(ge=1, le=1_000_000)
    """Bump it whenever the content changes after use."""
    languages: list[Lang] = Field(min_length=1)
    """Languages of the texts; the first is the default."""
    title: Text
    intro: Text | None = None
    """Markdown shown on the start page."""
    rubrics: dict[Id, Rubric] = Field(default_factory=dict)
    """Named grading scales, referred to by questions' `rubric`."""
    ratings: list[Rating] = Field(default_factory=list)
    """Risk rating bands by due-diligence score, e.g. low, medium and high risk."""
    flags: list[Flag] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)

    # ------------------------------------------------------------ lookups

    def iter_questions(self) -> Iterator[tuple[Section, QuestionBase]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    @cached_property
    def questions(self) -> dict[str, QuestionBase]:
        """Top-level questions by id (the first one, if an id is duplicated)."""
        found: dict[str, QuestionBase] = {}
        for _, question in self.iter_questions():
            found.setdefault(question.id, question)
        return found

    @cached_property
    def section_of(self) -> dict[str, Section]:
        found: dict[str, Section] = {}
        for section, question in self.iter_questions():
            found.setdefault(question.id, section)
        return found

    def answerable(self) -> Iterator[AnswerBase]:
        for _, question in self.iter_questions():
            if isinstance(question, AnswerBase):
                yield question

    def tables(self) -> Iterator[TableQuestion]:
        for _, question in self.iter_questions():
            if isinstance(question, TableQuestion):
                yield question

    @cached_property
    def risk_bands(self) -> list[str]:
        """Rating band ids from the lowest risk (highest `min_score`) to the highest."""
        return [b.id for b in sorted(self.ratings, key=lambda b: b.min_score, reverse=True)]

    def flag_band(self, flag: Flag) -> str | None:
        """The band a raised flag puts the rating in at least; None: it leaves it alone.

        Red flags default to the highest-risk band; amber flags to the band after the
        lowest-risk one (so never "low"); a flag's own `rating` says otherwise.
        """
        bands = self.risk_bands
        rule = flag.rating_rule
        if not bands or rule == "none":
            return None
        if rule is not None:
            return rule if rule in bands else None
        if flag.severity == "red":
            return bands[-1]
        return bands[1] if len(bands) > 1 else None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    # ------------------------------------------------------------ identity

    @cached_property
    def canonical_json(self) -> str:
        """The content as sorted, compact JSON, without keys left at their defaults."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.canonical_json.encode("utf-8")).hexdigest()

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)
