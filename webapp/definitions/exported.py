"""The shape of a campaign's JSON export, as pydantic models.

`schemas/response.schema.json` is generated from `CampaignExport` (`kedjekoll schema`),
so the file that tells other systems what an export holds cannot drift from the code
that writes it. Answers keep their stored JSON shape (see `questions.py`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RESPONSE_SCHEMA_ID = "https://kedjekoll.invalid/schemas/response.schema.json"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True,
                              populate_by_name=True)


class ExportedCampaign(_Part):
    id: int
    name: str
    deadline: date
    status: str
    """open or closed."""
    contract: str | None = None
    """The framework agreement's reference, if the campaign belongs to one."""


class ExportedQuestionnaire(_Part):
    id: str
    version: int
    content_hash: str
    """SHA-256 of the definition's canonical JSON: which exact questions were asked."""


class ExportedSupplier(_Part):
    name: str
    org_number: str | None = None


class ExportedFlag(_Part):
    id: str
    severity: Literal["red", "amber"]
    questions: list[str]
    """Ids of the questions whose answers raised the flag."""


class ExportedGrade(_Part):
    question: str
    points: float | None = None
    """The rubric level the reviewer chose, in points."""
    comment: str | None = None
    clarification: str | None = None
    """What the supplier was asked to clarify, if anything."""


class ExportedAttachment(_Part):
    id: int
    question: str
    name: str
    """The file's original name, as uploaded."""


class ExportedOverride(_Part):
    """A risk rating set by a reviewer instead of the rules' one."""

    rating: str
    rules_rating: str | None = None
    justification: str
    by: str
    at: datetime | None = None


class ExportedResponse(_Part):
    """One supplier's response: its latest submitted round, with score, flags and grades.

    A response never submitted has `submitted_at` null and no answers."""

    response_id: int
    supplier: ExportedSupplier
    status: str
    round: int
    """The round the response is in now."""
    submitted_round: int | None = None
    """The round the answers come from (the latest submitted one)."""
    submitted_at: datetime | None = None
    answers: dict[str, Any]
    """Answers by question id; `<id>.other` holds the text of an "other" option; file
    answers hold attachment ids (see `attachments`)."""
    score: float | None = None
    """The due-diligence score, 0-100, with the rubric grades in force."""
    rating: str | None = None
    """The risk rating in force: the rules' band, or the reviewer's (see
    `rating_override`)."""
    rating_override: ExportedOverride | None = None
    """Set when a reviewer chose the rating by hand, with the written reason."""
    provisional: bool | None = None
    """True while a manually graded question has no grade yet."""
    red_flags: int = 0
    amber_flags: int = 0
    flags: list[ExportedFlag]
    decision: str | None = None
    """accepted, action_plan or rejected, once decided."""
    justification: str | None = None
    grades: list[ExportedGrade]
    attachments: list[ExportedAttachment]


class CampaignExport(_Part):
    """Every response of one campaign."""

    schema_id: Literal[RESPONSE_SCHEMA_ID] = Field(RESPONSE_SCHEMA_ID, alias="$schema")
    """The schema this document follows."""
    format: Literal["kedjekoll-campaign-export"] = "kedjekoll-campaign-export"
    exported_at: datetime
    campaign: ExportedCampaign
    questionnaire: ExportedQuestionnaire
    responses: list[ExportedResponse]
