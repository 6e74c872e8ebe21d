"""Checking and submitting: the check page, and a submit that explains itself.

A refused submit (a missing confirmation, or answers that full validation refuses)
is the check page again with status 422: an error summary at the top whose lines name
section, question and table row and column and link to the field (see `problems`),
the confirmation's error by its box, and the box as it was ticked.
"""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, render_template, request, url_for

from ..access import audience
from ..database import db
from ..definitions.scoring import visibility
from ..definitions.validation import validate
from ..store.responses import (
    NotEditable,
    SubmissionInvalid,
    open_questions,
    questionnaire_of,
    submit,
)
from ..store.status import IllegalTransition, may_answer
from . import bp
from .flow import attachments_of, current_answers, section_states
from .problems import problems
from .routes import _actor, _lang


@bp.get("/supplier/check")
@audience("supplier")
def check():
    return _check_page()


def _check_page(submission_id: str | None = None, confirmed: bool = False,
                refused: bool = False, status: int = 200):
    """The check page; after a refused submit (`refused`) its error summary is an alert
    that takes the focus, and the confirmation box keeps its tick."""
    response = g.response
    q = questionnaire_of(response)
    answers = current_answers(db(), response)
    editable = may_answer(response)
    reopened = open_questions(db(), response)
    found = problems(q, validate(q, answers, full=True), _lang()) if editable else []
    confirm_error = refused and not confirmed
    return render_template("supplier/check.html", q=q, response=response,
                           states=section_states(q, answers), seen=visibility(q, answers),
                           attachments=attachments_of(db(), response),
                           submission_id=submission_id or uuid.uuid4().hex,
                           editable=editable, problems=found,
                           changeable=True if reopened is None else reopened,
                           marked={p.field for p in found}, refused=refused,
                           confirmed=confirmed, confirm_error=confirm_error), status


@bp.post("/supplier/submit")
@audience("supplier")
def submit_response():
    """Submit; when something stops it, the check page again (422) saying what and where."""
    response = g.response
    submission_id = request.form.get("submission_id", "")[:64] or uuid.uuid4().hex
    confirmed = request.form.get("confirm") == "yes"
    if not confirmed:
        return _check_page(submission_id, False, refused=True, status=422)
    try:
        submission = submit(db(), response, submission_id, _actor())
    except SubmissionInvalid:
        return _check_page(submission_id, True, refused=True, status=422)
    except (NotEditable, ValueError, IllegalTransition):
        abort(409)
    return redirect(url_for("supplier.receipt", round_number=submission.round), 303)
