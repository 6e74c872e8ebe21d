"""The JSON Schemas generated from the pydantic models, and the files that hold them.

* `schemas/questionnaire.schema.json`, for questionnaire files: editors use it (through
  the `# yaml-language-server: $schema=...` line at the top of each file) for
  completion and help.
* `schemas/response.schema.json`, for the JSON export of a campaign's responses.
* `schemas/cases.schema.json`, for questionnaire test cases (`<stem>.cases.yaml`).

`kedjekoll schema --check` keeps them current.
"""

from __future__ import annotations

import json

from .cases import CaseFile
from .exported import RESPONSE_SCHEMA_ID, CampaignExport
from .models import Questionnaire

SCHEMA_FILE = "schemas/questionnaire.schema.json"
SCHEMA_ID = "https://kedjekoll.invalid/schemas/questionnaire.schema.json"
RESPONSE_SCHEMA_FILE = "schemas/response.schema.json"
CASES_SCHEMA_FILE = "schemas/cases.schema.json"
CASES_SCHEMA_ID = "https://kedjekoll.invalid/schemas/cases.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def questionnaire_schema() -> dict:
    schema = Questionnaire.model_json_schema(mode="validation")
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        **schema,
        "title": "Kedjekoll questionnaire",
        "description": "A supply-chain due-diligence questionnaire. The format is "
        "documented in questionnaires/README.md; `kedjekoll check` reports every mistake.",
    }


def response_schema() -> dict:
    schema = CampaignExport.model_json_schema(mode="serialization", by_alias=True)
    return {
        "$schema": DRAFT,
        "$id": RESPONSE_SCHEMA_ID,
        **schema,
        "title": "Kedjekoll campaign export",
        "description": "Every response of one campaign: the latest submitted answers, "
        "score, flags and reviewer grades, as written by `kedjekoll export --format json`.",
    }


def cases_schema() -> dict:
    schema = CaseFile.model_json_schema(mode="validation")
    return {
        "$schema": DRAFT,
        "$id": CASES_SCHEMA_ID,
        **schema,
        "title": "Kedjekoll questionnaire test cases",
        "description": "Test cases of the questionnaire <stem>.yaml, kept beside it as "
        "<stem>.cases.yaml: answers, grades and the rating and flags expected. "
        "Documented in questionnaires/README.md; `kedjekoll check` runs them.",
    }


def _render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def render_schema() -> str:
    """The questionnaire schema file's exact text (stable key order, trailing newline)."""
    return _render(questionnaire_schema())


def render_response_schema() -> str:
    """The export schema file's exact text."""
    return _render(response_schema())


def render_cases_schema() -> str:
    """The case-file schema's exact text."""
    return _render(cases_schema())


#: every generated schema file: (path relative to the project, its text)
SCHEMA_FILES = ((SCHEMA_FILE, render_schema), (RESPONSE_SCHEMA_FILE, render_response_schema),
                (CASES_SCHEMA_FILE, render_cases_schema))
