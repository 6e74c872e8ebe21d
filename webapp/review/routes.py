"""Staff pages: tracking every campaign, and downloading evidence (the audit log: audit.py)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from ..access import audience
from ..database import db, writes
from ..evidence import download as evidence_download
from ..store.audit import record
from ..store.models import Attachment, Campaign
from ..store.status import LABELS, STATUSES
from ..store.tracking import (
    SORTS,
    by_contract,
    campaign_figures,
    campaign_lines,
    count_lines,
    overview,
)
from ..store.versions import definition
from . import bp
from .verdict_text import campaign_rating_labels, overridden


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
        rating_labels=campaign_rating_labels(db()),
    )


CAMPAIGN_PAGE = 200  # suppliers per page of a campaign


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
    figures = campaign_figures(db(), found)
    total = count_lines(figures, status)
    pages = max(1, -(-total // CAMPAIGN_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    lines = campaign_lines(db(), found, status, sort, descending,
                           limit=CAMPAIGN_PAGE, offset=(page - 1) * CAMPAIGN_PAGE)
    return render_template(
        "review/campaign.html",
        campaign=found,
        q=q,
        figures=figures,
        lines=lines,
        total=total,
        page=page,
        pages=pages,
        status=status,
        sort=sort,
        descending=descending,
        statuses=STATUSES,
        labels=LABELS,
        ratings={r.id: r.label for r in q.ratings},
        overridden=overridden(db(), (line.response_id for line in lines)),
    )


@bp.get("/files/<int:attachment_id>")
@audience("staff")
@writes
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
    return evidence_download(attachment)
