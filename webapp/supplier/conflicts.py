"""Two windows, one draft: the answers that differ, side by side, and a choice for each.

When a section is saved from a page loaded before another window saved the same
draft, the store refuses (DraftConflict). If every answer on the page equals the
saved one, nothing was lost and the page is simply saved again. Otherwise the
supplier gets a page listing only the answers that differ, each with both versions
shown the way the check page shows answers, and chooses per answer which to keep;
the choices are posted once, with this window's answers carried in the form (they
are the supplier's own, validated again like any save). Works without JavaScript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import audience
from ..database import db
from ..definitions import Questionnaire, Section
from ..definitions.fields import text_in
from ..definitions.questions import OTHER, AnswerBase
from ..store.responses import DraftConflict, NotEditable, draft_answers, save_draft
from ..store.status import may_answer
from . import bp
from . import routes as pages
from .flow import SectionConflict, attachments_of, unsaved_changes

MINE, SAVED = "mine", "saved"


@dataclass(frozen=True)
class Difference:
    """One question whose answer in this window is not the saved one."""

    question: AnswerBase
    mine: dict[str, Any]  # the question's keys (`id`, `id.other`) as this window has them
    saved: dict[str, Any]  # the same keys as the draft holds them


def _keys(question: AnswerBase) -> tuple[str, str]:
    return question.id, f"{question.id}.{OTHER}"


def differences(q: Questionnaire, mine: dict[str, Any], saved: dict[str, Any]
                ) -> list[Difference]:
    """This window's answers that differ from the saved draft, in questionnaire order."""
    found = []
    for qid in unsaved_changes(q, mine, saved):
        question = q.questions[qid]
        keys = [k for k in _keys(question) if k in mine]
        found.append(Difference(question, {k: mine.get(k) for k in keys},
                                {k: saved.get(k) for k in keys}))
    return found


def conflict_page(q: Questionnaire, section: Section, conflict: SectionConflict):
    """The page that shows a section's conflict: the differing answers to choose from."""
    return show(q, section, differences(q, conflict.answers, draft_answers(db(), g.response)),
                conflict.version)


def show(q: Questionnaire, section: Section, found: list[Difference], version: int,
         missing: set[str] | None = None, status: int = 409):
    """The choice page (409: the draft moved on; 422: a choice is missing)."""
    carried = {k: v for d in found for k, v in d.mine.items()}
    return render_template(
        "supplier/conflict.html", q=q, section=section, differences=found,
        mine=json.dumps(carried, ensure_ascii=False), version=version,
        missing=missing or set(), attachments=attachments_of(db(), g.response),
        MINE=MINE, SAVED=SAVED), status


def _carried(section: Section) -> dict[str, Any]:
    """This window's answers as posted back by the choice page: only this section's keys."""
    try:
        posted = json.loads(request.form.get("mine") or "{}")
    except ValueError:
        abort(400)
    if not isinstance(posted, dict):
        abort(400)
    allowed = {k for x in section.questions if isinstance(x, AnswerBase) for k in _keys(x)}
    return {k: v for k, v in posted.items() if k in allowed}


@bp.post("/supplier/section/<section_id>/resolve")
@audience("supplier")
def resolve(section_id: str):
    """Keep, per answer, this window's version or the saved one; one save for all."""
    q, section = pages._section(section_id)
    response = g.response
    if not may_answer(response):
        abort(409)
    mine = _carried(section)
    session = db()
    found = differences(q, mine, draft_answers(session, response))
    try:
        expected = int(request.form.get("draft_version") or -1)
    except ValueError:
        expected = -1
    if expected != response.draft_version:  # saved yet again meanwhile: choose anew
        return show(q, section, found, response.draft_version)
    choices = {d.question.id: request.form.get(f"keep-{d.question.id}") for d in found}
    missing = {qid for qid, choice in choices.items() if choice not in (MINE, SAVED)}
    if missing:
        return show(q, section, found, expected, missing, status=422)
    keep = {k: v for d in found if choices[d.question.id] == MINE for k, v in d.mine.items()}
    try:
        if keep:
            outcome = save_draft(session, response, keep, expected, pages._actor())
            refused = sorted({text_in(q.questions[e.question_id].label, pages._lang(), "sv")
                              for e in outcome.errors if e.question_id in q.questions})
            if refused:
                flash(_("These answers were not saved, as they need attention: %(questions)s. "
                        "Enter them again.", questions=", ".join(refused)), "error")
    except DraftConflict as conflict:
        return show(q, section, differences(q, mine, draft_answers(session, response)),
                    conflict.current_version)
    except NotEditable as exc:
        flash(str(exc), "error")
    else:
        flash(_("Saved at %(time)s.", time=pages._now_label()), "saved")
    return redirect(url_for("supplier.section", section_id=section.id), 303)
