"""The JSON Schema of questionnaire files, generated from the definition models.

Editors use it (through the `# yaml-language-server: $schema=...` line at the top of
each file) for completion and help; `kedjekoll schema --check` keeps it current.
"""

from __future__ import annotations

import json

from .models import Questionnaire

SCHEMA_FILE = "schemas/questionnaire.schema.json"
SCHEMA_ID = "https://kedjekoll.invalid/schemas/questionnaire.schema.json"


def questionnaire_schema() -> dict:
    schema = Questionnaire.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Kedjekoll questionnaire",
        "description": "A supply-chain due-diligence questionnaire. The format is "
        "documented in questionnaires/README.md; `kedjekoll check` reports every mistake.",
    }


def render_schema() -> str:
    """The schema file's exact text (stable key order, trailing newline)."""
    return json.dumps(questionnaire_schema(), indent=2, ensure_ascii=False) + "\n"
