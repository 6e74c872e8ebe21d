"""Questionnaire versions: the definition a campaign uses, frozen the first time it is used.

(`id`, `version`) names one immutable definition (shared/security.md R5). Recording a
definition whose content differs from the stored one under the same name is refused.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions import Questionnaire
from .audit import record
from .models import QuestionnaireVersion


class ChangedDefinition(Exception):
    """The same id and version, with other content."""

    def __init__(self, questionnaire_id: str, version: int):
        super().__init__(
            f"questionnaire '{questionnaire_id}' version {version} is already in use with "
            f"other content; bump the version in the YAML file to publish the change")


def record_version(session: Session, questionnaire: Questionnaire,
                   actor: str = "system") -> QuestionnaireVersion:
    """The stored version of this definition, recording it if new."""
    row = session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id,
        QuestionnaireVersion.version == questionnaire.version))
    if row is not None:
        if row.content_hash != questionnaire.content_hash:
            raise ChangedDefinition(questionnaire.id, questionnaire.version)
        return row
    row = QuestionnaireVersion(
        questionnaire_id=questionnaire.id, version=questionnaire.version,
        content_hash=questionnaire.content_hash,
        definition=json.loads(questionnaire.canonical_json))
    session.add(row)
    session.flush()
    record(session, actor, "questionnaire_version.recorded", row,
           questionnaire=questionnaire.id, version=questionnaire.version,
           content_hash=questionnaire.content_hash)
    return row


_parsed: dict[str, Questionnaire] = {}


def definition(row: QuestionnaireVersion) -> Questionnaire:
    """The pinned definition of a stored version, parsed once per content hash.

    The `definition` column is deferred: it is read from the database only the first
    time a process meets a version.
    """
    found = _parsed.get(row.content_hash)
    if found is None:
        found = Questionnaire.model_validate(row.definition)
        if found.content_hash != row.content_hash:  # pragma: no cover - a corrupted row
            raise ValueError(f"stored definition does not match its hash {row.content_hash}")
        _parsed[row.content_hash] = found
    return found
