"""The supplier's side of an action plan: the deviations, and reports on what was done.

The supplier sees only its own response's deviations (the queries go through
`g.response`), reports progress with a note and, if it has one, an evidence file; a
reviewer closes each deviation after checking. A report that cannot be saved is shown
again with the note as typed.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import audience
from ..database import db
from ..evidence import evidence
from ..forms.text import text_problem
from ..rendering import local_today
from ..store import action_plans
from ..store.files import attach
from ..store.status import LABELS
from . import bp
from .flow import attachments_of
from .routes import _actor, _lang
from .uploads import UploadRefused, check_upload, message

EVIDENCE_TYPES = ["pdf", "png", "jpg", "docx", "xlsx", "odt", "ods"]
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def _page(errors: dict[int, str] | None = None, typed: dict[int, str] | None = None,
          status: int = 200):
    response = g.response
    deviations = action_plans.deviations_of(db(), response)
    if not deviations:
        abort(404)
    return render_template(
        "supplier/action_plan.html",
        response=response,
        deviations=deviations,
        plan=action_plans.summary(deviations),
        plan_open=response.status == action_plans.ACTION_PLAN,
        status_label=LABELS[response.status],
        attachments=attachments_of(db(), response),
        today=local_today(),
        errors=errors or {},
        typed=typed or {},
        accept=", ".join(f".{t}" for t in EVIDENCE_TYPES),
        max_mb=EVIDENCE_MAX_BYTES // (1024 * 1024),
    ), status


@bp.get("/supplier/action-plan")
@audience("supplier")
def action_plan():
    return _page()


@bp.post("/supplier/action-plan/<int:deviation_id>")
@audience("supplier")
def report(deviation_id: int):
    """Report progress on one deviation of the supplier's own action plan."""
    response = g.response
    note = request.form.get("note", "")
    if not any(d.id == deviation_id for d in action_plans.deviations_of(db(), response)):
        abort(404)
    if not note.strip():
        return _page({deviation_id: _("Describe what you have done.")}, {deviation_id: note}, 422)
    problem = text_problem(note, multiline=True, field=_("What have you done?"))
    if problem:
        return _page({deviation_id: problem}, {deviation_id: note}, 422)
    upload = request.files.get("evidence")
    attachment = None
    if upload is not None and upload.filename:
        try:
            media_type = check_upload(upload.filename, upload.stream, EVIDENCE_TYPES,
                                      EVIDENCE_MAX_BYTES)
            sha256, size = evidence().store(db(), upload.stream, EVIDENCE_MAX_BYTES)
        except UploadRefused as exc:
            return _page({deviation_id: message(exc, _lang())}, {deviation_id: note}, 422)
        attachment = attach(db(), response, f"deviation:{deviation_id}", sha256, size,
                            media_type, upload.filename.replace("\\", "/").rsplit("/", 1)[-1],
                            _actor())
    try:
        action_plans.report_progress(db(), response, deviation_id, note, _actor(), attachment)
    except action_plans.PlanClosed:
        db().rollback()
        flash(_("The action plan is closed, so nothing was saved."), "error")
        return redirect(url_for("supplier.action_plan"), 303)
    except ValueError:  # closed by the reviewer meanwhile, or a note over the limit
        db().rollback()
        return _page({deviation_id: _("This deviation is closed or the report is too long; "
                                      "nothing was saved.")}, {deviation_id: note}, 422)
    flash(_("Your report has been sent to the reviewer."), "saved")
    return redirect(url_for("supplier.action_plan") + f"#dev-{deviation_id}", 303)
