"""Campaign actions that change what suppliers may do: close, reopen, more time for one.

Each is a page first (GET) that says what will happen, counted from the database, and a
form that does it (POST, with CSRF). Nothing happens on a GET, and nothing without a
confirmation: closing once withdrew eight invitations in one click. Any staff member
may do them, as any staff member may start a campaign; each is audited.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import audience
from ..database import db
from ..forms.text import text_problem
from ..rendering import date_text, local_today
from ..store.campaigns import close_campaign, closing, reopen_campaign, reopening
from ..store.deadlines import MAX_REASON, DeadlineRefused, deadline_for, extend_deadline
from ..store.deadlines import may_extend as may_extend_deadline
from ..store.models import Campaign
from ..store.status import CAMPAIGN_CLOSED, LABELS
from . import bp
from .reviewing import response_or_404


def _campaign_or_404(campaign_id: int) -> Campaign:
    found = db().get(Campaign, campaign_id)
    if found is None:
        abort(404)
    return found


def _campaign_page(campaign: Campaign):
    return redirect(url_for("review.campaign", campaign_id=campaign.id), 303)


@bp.route("/campaigns/<int:campaign_id>/close", methods=["GET", "POST"])
@audience("staff")
def close(campaign_id: int):
    """GET: what closing would do. POST: close; suppliers' drafts and reviews are kept."""
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        if campaign.status == CAMPAIGN_CLOSED:
            return redirect(url_for("review.reopen", campaign_id=campaign.id), 303)
        return render_template("review/close_campaign.html", campaign=campaign,
                               state=closing(db(), campaign))
    if not FlaskForm().validate():
        abort(400)
    was_closed = campaign.status == CAMPAIGN_CLOSED
    state = close_campaign(db(), campaign, current_user.email)
    if was_closed:
        flash(_("The campaign was already closed."), "saved")
    else:
        flash(_("The campaign was closed. Suppliers who can no longer answer: %(waiting)s. "
                "Mails withdrawn: %(mails)s.", waiting=state.waiting, mails=state.mails),
              "saved")
    return _campaign_page(campaign)


@bp.route("/campaigns/<int:campaign_id>/reopen", methods=["GET", "POST"])
@audience("staff")
def reopen(campaign_id: int):
    """GET: what reopening would do. POST: reopen; suppliers carry on where they were."""
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        if campaign.status != CAMPAIGN_CLOSED:
            return _campaign_page(campaign)
        return render_template("review/reopen_campaign.html", campaign=campaign,
                               state=reopening(db(), campaign),
                               passed=campaign.deadline < local_today())
    if not FlaskForm().validate():
        abort(400)
    was_open = campaign.status != CAMPAIGN_CLOSED
    state = reopen_campaign(db(), campaign, current_user.email)
    if was_open:
        flash(_("The campaign was already open."), "saved")
    else:
        flash(_("The campaign is open again. Suppliers who can answer: %(waiting)s. Mails "
                "back in the outbox: %(mails)s.", waiting=state.waiting, mails=state.mails),
              "saved")
    return _campaign_page(campaign)


@bp.route("/responses/<int:response_id>/deadline", methods=["GET", "POST"])
@audience("staff")
def extend(response_id: int):
    """A later deadline for one supplier, with a reason; the supplier is told by mail."""
    response = response_or_404(response_id)
    typed = {"deadline": "", "reason": ""}
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        if not FlaskForm().validate():
            abort(400)
        typed = {"deadline": (request.form.get("deadline") or "").strip()[:40],
                 "reason": (request.form.get("reason") or "").strip()}
        labels = {"deadline": _("New deadline for this supplier"), "reason": _("Reason")}
        refused = [(name, problem) for name, value in typed.items()
                   if (problem := text_problem(value, multiline=name == "reason",
                                               field=labels[name]))]
        problems = refused or _deadline_problems(response, typed)
        if not problems:
            try:
                old = extend_deadline(db(), response, date.fromisoformat(typed["deadline"]),
                                      typed["reason"], current_user.email, local_today())
            except DeadlineRefused:  # pragma: no cover - the checks above come first
                abort(409)
            flash(_("%(supplier)s now has until %(new)s (was %(old)s). A mail to the "
                    "supplier waits in the outbox.", supplier=response.supplier.name,
                    new=date_text(deadline_for(response)), old=date_text(old)), "saved")
            return redirect(url_for("review.response_page", response_id=response.id), 303)
    return render_template(
        "review/extend_deadline.html", response=response, typed=typed, problems=problems,
        messages=dict(reversed(problems)), deadline=deadline_for(response),
        may_extend=may_extend_deadline(response), labels=LABELS,
        max_reason=MAX_REASON), 422 if problems else 200


def _deadline_problems(response, typed: dict[str, str]) -> list[tuple[str, str]]:
    """(field id, message) for each mistake, in the order of the form."""
    found: list[tuple[str, str]] = []
    campaign_deadline = date_text(response.campaign.deadline)
    if not may_extend_deadline(response):
        found.append(("deadline", _("This supplier is not expected to answer now, so its "
                                    "deadline cannot be moved.")))
        return found
    try:
        new = date.fromisoformat(typed["deadline"])
    except ValueError:
        found.append(("deadline", _("Write the new deadline as a date, like 2026-12-31.")))
    else:
        if new <= response.campaign.deadline:
            found.append(("deadline", _("The new deadline must be after the campaign's "
                                        "deadline, %(date)s.", date=campaign_deadline)))
        elif new < local_today():
            found.append(("deadline", _("The new deadline must not be in the past.")))
        elif new == deadline_for(response):
            found.append(("deadline", _("The supplier already has this deadline.")))
    if not typed["reason"]:
        found.append(("reason", _("Say why the supplier gets more time, in a few words.")))
    elif len(typed["reason"]) > MAX_REASON:
        found.append(("reason", _("The reason can be at most %(n)s characters.",
                                  n=MAX_REASON)))
    return found
