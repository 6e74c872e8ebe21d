"""Staff pages: tracking every campaign, reviewing a response, evidence and the audit log."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..access import audience
from ..database import db
from ..definitions.scoring import visibility
from ..store import reviews
from ..store.audit import record
from ..store.files import file_path
from ..store.models import Attachment, AuditEvent, Campaign, Response
from ..store.responses import questionnaire_of, submissions
from ..store.reviews import current_review
from ..store.status import LABELS, STATUSES, SUBMITTED
from ..store.tracking import SORTS, by_contract, campaign_lines, overview
from ..store.versions import definition
from ..supplier.flow import attachments_of
from . import bp


@bp.get("/")
@audience("staff")
def dashboard():
    lines = overview(db())
    return render_template(
        "review/overview.html",
        lines=lines,
        contracts=by_contract(lines),
        statuses=STATUSES,
        labels=LABELS,
    )


@bp.get("/campaigns/<int:campaign_id>")
@audience("staff")
def campaign(campaign_id: int):
    found = db().get(Campaign, campaign_id)
    if found is None:
        abort(404)
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "supplier"
    descending = request.args.get("order") == "desc"
    q = definition(found.questionnaire_version)
    lines = campaign_lines(db(), found, status, sort, descending)
    return render_template(
        "review/campaign.html",
        campaign=found,
        q=q,
        lines=lines,
        status=status,
        sort=sort,
        descending=descending,
        statuses=STATUSES,
        labels=LABELS,
        ratings={r.id: r.label for r in q.ratings},
    )


PAGE_SIZE = 100


@bp.get("/audit")
@audience("admin")
def audit_log():
    """The audit trail, newest first, a page at a time; filtered by action if asked."""

    action = request.args.get("action", "").strip()[:60]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = select(AuditEvent)
    counter = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        counter = counter.where(AuditEvent.action == action)
    events = (
        db()
        .scalars(
            query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        )
        .all()
    )
    total = db().scalar(counter)
    actions = db().scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "review/audit.html",
        events=events,
        page=page,
        action=action,
        actions=list(actions),
        total=total,
        size=PAGE_SIZE,
    )


@bp.get("/files/<int:attachment_id>")
@audience("staff")
def download(attachment_id: int):
    """Evidence for reviewers: always a download with the checked type; each one audited."""

    attachment = db().get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    record(
        db(),
        current_user.email,
        "attachment.downloaded",
        attachment,
        response=attachment.response_id,
    )
    path = file_path(Path(current_app.config["RESPONSES_DIR"]) / "files", attachment.sha256)
    return send_file(
        path,
        mimetype=attachment.media_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )


def _response_or_404(response_id: int):

    found = db().get(Response, response_id)
    if found is None:
        abort(404)
    return found


@bp.get("/responses/<int:response_id>")
@audience("staff")
def response_page(response_id: int):
    """A response for review: flags first, then the answers with points, grades and asks."""

    response = _response_or_404(response_id)
    q = questionnaire_of(response)
    rounds = submissions(db(), response)
    latest = rounds[-1] if rounds else None
    review = current_review(db(), response)
    grades = {g.question_id: g for g in review.grades} if review else {}
    score = review.score if review and review.score else latest.score if latest else None
    seen = visibility(q, latest.answers) if latest else None
    return render_template(
        "review/response.html",
        response=response,
        q=q,
        rounds=rounds,
        latest=latest,
        review=review,
        grades=grades,
        score=score,
        seen=seen,
        attachments=attachments_of(db(), response),
        labels=LABELS,
        flags={f.id: f for f in q.flags},
    )


@bp.post("/responses/<int:response_id>")
@audience("staff")
def review_action(response_id: int):
    """Save grades, ask for clarification, or decide: one form, one unit of work."""

    response = _response_or_404(response_id)
    q = questionnaire_of(response)
    reviewer = current_user.user
    action = request.form.get("action", "grade")
    expected = request.form.get("review_version", type=int)
    try:
        if response.status == SUBMITTED:
            reviews.start_review(db(), response, reviewer)
            expected = None
        if action == "grade":
            for question in q.answerable():
                if not question.rubric:
                    continue
                raw = request.form.get(f"grade-{question.id}")
                comment = request.form.get(f"comment-{question.id}", "").strip() or None
                if raw is None and comment is None:
                    continue
                points = float(raw) if raw not in (None, "") else None
                review = reviews.grade(
                    db(), response, question.id, points, comment, reviewer, expected
                )
                expected = review.version
            flash(_("Grades saved."), "saved")
        elif action == "clarify":
            asks = {x.id: request.form.get(f"ask-{x.id}", "") for x in q.answerable()}
            reviews.request_clarification(db(), response, asks, reviewer, expected)
            flash(_("The supplier has been asked to clarify."), "saved")
        elif action in ("accepted", "action_plan", "rejected"):
            reviews.decide(
                db(), response, action, request.form.get("justification", ""), reviewer, expected
            )
            flash(_("Decision saved."), "saved")
        else:
            abort(400)
    except reviews.ReviewConflict:
        db().rollback()
        flash(
            _(
                "Someone else changed this review. Your changes were not saved; look again "
                "and repeat them."
            ),
            "error",
        )
        return redirect(url_for("review.response_page", response_id=response_id), 303)
    except ValueError as exc:  # a justification or question missing, a bad grade
        db().rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.response_page", response_id=response_id), 303)
    return redirect(url_for("review.response_page", response_id=response_id), 303)
