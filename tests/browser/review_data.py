"""A submitted response to a shipped questionnaire with a demo supplier's answers.

The review page tests need what a reviewer really meets: every answer of a realistic
supplier (the demo personas' stories), evidence files attached, flags raised.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from tests.factories import make_campaign
from webapp.store.db import unit_of_work
from webapp.store.demo import DEMO_PDF
from webapp.store.demo_answers import answers_for
from webapp.store.demo_personas import PERSONAS
from webapp.store.files import attach, store_bytes
from webapp.store.responses import save_draft, submit

SHIPPED_IDS = ("ppe-masks-aprons", "gloves", "it-hardware")


def persona_of(questionnaire_id: str, verdict: str = "red"):
    """The first demo persona answering `questionnaire_id` whose story ends `verdict`."""
    return next(p for p in PERSONAS
                if p.questionnaire == questionnaire_id and p.verdict == verdict)


def demo_response(live, questionnaire_id: str, verdict: str = "red") -> int:
    """A campaign on the live server with one submitted response; returns its id."""
    q = live.app.extensions["kedjekoll.catalogue"].get(questionnaire_id)
    persona = persona_of(questionnaire_id, verdict)
    files_dir = Path(live.app.config["RESPONSES_DIR"]) / "files"
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        _campaign, [(response, _token)] = make_campaign(session, q)
        sha, size = store_bytes(files_dir, io.BytesIO(DEMO_PDF), len(DEMO_PDF))

        def files(question_id: str, name: str) -> list[str]:
            row = attach(session, response, question_id, sha, size, "application/pdf",
                         name, persona.email)
            session.flush()
            return [str(row.id)]

        answers = answers_for(q, persona, date.today(), files)
        save_draft(session, response, answers, response.draft_version, persona.email)
        submit(session, response, f"page-{response.id}", persona.email)
        return response.id
