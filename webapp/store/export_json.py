"""The JSON export of a campaign: one document, streamed a response at a time.

The document follows `CampaignExport` (`definitions/exported.py`), from which
`schemas/response.schema.json` is generated. Answers are kept as stored: JSON is for
other systems, so no spreadsheet escaping here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ..definitions.exported import (
    CampaignExport,
    ExportedAttachment,
    ExportedCampaign,
    ExportedFlag,
    ExportedGrade,
    ExportedOverride,
    ExportedQuestionnaire,
    ExportedResponse,
    ExportedSupplier,
)
from .exports import ExportRow, export_rows
from .models import Campaign, Contract


def _override(row: ExportRow) -> ExportedOverride | None:
    if not row.override:
        return None
    return ExportedOverride(rating=row.override["rating"], rules_rating=row.rules_rating,
                            justification=row.override["justification"],
                            by=row.override["by"], at=row.override.get("at") or None)


def exported_response(row: ExportRow) -> ExportedResponse:
    return ExportedResponse(
        response_id=row.response_id,
        supplier=ExportedSupplier(name=row.supplier, org_number=row.org_number),
        status=row.status, round=row.round, submitted_round=row.submitted_round,
        submitted_at=row.submitted_at, answers=row.answers, score=row.score,
        rating=row.rating, rating_override=_override(row), provisional=row.provisional,
        red_flags=row.red_flags,
        amber_flags=row.amber_flags,
        flags=[ExportedFlag(id=f["id"], severity=f["severity"],
                            questions=list(f.get("questions", []))) for f in row.flags],
        decision=row.decision, justification=row.justification,
        grades=[ExportedGrade(question=qid, points=points, comment=comment,
                              clarification=ask) for qid, points, comment, ask in row.grades],
        attachments=[ExportedAttachment(id=int(key), question=question, name=name)
                     for key, (question, name) in row.files.items()])


def campaign_json(session: Session, campaign: Campaign) -> Iterator[str]:
    """The JSON export in chunks: one document, valid against schemas/response.schema.json."""
    version = campaign.questionnaire_version
    contract = session.get(Contract, campaign.contract_id) if campaign.contract_id else None
    head = CampaignExport(
        exported_at=datetime.now(UTC),
        campaign=ExportedCampaign(id=campaign.id, name=campaign.name, deadline=campaign.deadline,
                                  status=campaign.status,
                                  contract=contract.reference if contract else None),
        questionnaire=ExportedQuestionnaire(id=version.questionnaire_id, version=version.version,
                                            content_hash=version.content_hash),
        responses=[]).model_dump(mode="json", by_alias=True)
    del head["responses"]
    opening = json.dumps(head, ensure_ascii=False)
    yield opening[:-1] + ', "responses": ['
    for count, row in enumerate(export_rows(session, campaign)):
        yield ("," if count else "") + "\n" + exported_response(row).model_dump_json()
    yield "\n]}\n"
