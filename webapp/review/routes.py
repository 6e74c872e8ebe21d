"""Tracking: every campaign at a glance, and one campaign supplier by supplier."""

from __future__ import annotations

from flask import abort, render_template, request

from ..access import audience
from ..database import db
from ..store.models import Campaign
from ..store.status import LABELS, STATUSES
from ..store.tracking import SORTS, by_contract, campaign_lines, overview
from ..store.versions import definition
from . import bp


@bp.get("/")
@audience("staff")
def dashboard():
    lines = overview(db())
    return render_template("review/overview.html", lines=lines, contracts=by_contract(lines),
                           statuses=STATUSES, labels=LABELS)


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
    return render_template("review/campaign.html", campaign=found, q=q, lines=lines,
                           status=status, sort=sort, descending=descending,
                           statuses=STATUSES, labels=LABELS,
                           ratings={r.id: r.label for r in q.ratings})
