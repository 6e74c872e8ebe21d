"""A reviewer's side of an action plan: add deviations, move them on, close the plan."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..access import audience
from ..database import db
from ..forms.fields import options
from ..forms.text import TextForm, text_problem
from ..store import action_plans
from ..store.status import IllegalTransition
from . import bp
from .reviewing import render_review, response_or_404

SEVERITY_LABELS = {"minor": lazy_gettext("Minor"), "major": lazy_gettext("Major"),
                   "critical": lazy_gettext("Critical")}


def _not_past(form, field) -> None:
    if field.data and field.data < date.today():
        raise ValidationError(lazy_gettext("The deadline must be today or later."))


class DeviationForm(TextForm):
    severity = SelectField(
        lazy_gettext("Severity"), choices=options(SEVERITY_LABELS.items()),
        validators=[InputRequired(lazy_gettext("Choose a severity."))])
    description = TextAreaField(
        lazy_gettext("Deviation"),
        validators=[DataRequired(lazy_gettext("Describe the deviation.")),
                    Length(max=action_plans.MAX_NOTE)])
    owner = StringField(
        lazy_gettext("Owner at the supplier"),
        validators=[DataRequired(lazy_gettext("Say who at the supplier owns the correction.")),
                    Length(max=200)])
    deadline = DateField(
        lazy_gettext("Deadline"),
        validators=[InputRequired(lazy_gettext("Give a deadline as a date.")),
                    _not_past])


def _back(response_id: int):
    return redirect(url_for("review.response_page", response_id=response_id) + "#plan", 303)


@bp.post("/responses/<int:response_id>/deviations")
@audience("staff")
def add_deviation(response_id: int):
    response = response_or_404(response_id)
    form = DeviationForm()
    if not form.validate_on_submit():
        return render_review(response, plan_form=form, status=422)
    try:
        action_plans.add_deviation(db(), response, form.severity.data, form.description.data,
                                   form.owner.data, form.deadline.data, current_user.user)
    except action_plans.PlanClosed:
        db().rollback()
        flash(_("The action plan is closed; nothing was added."), "error")
        return _back(response_id)
    flash(_("Deviation added to the action plan."), "saved")
    return _back(response_id)


@bp.post("/responses/<int:response_id>/deviations/<int:deviation_id>")
@audience("staff")
def update_deviation(response_id: int, deviation_id: int):
    response = response_or_404(response_id)
    status = request.form.get("status", "")
    if status not in action_plans.DEVIATION_STATUSES:
        abort(400)
    problem = text_problem(request.form.get("note", ""), multiline=True,
                           field=_("Note to the supplier"))
    if problem:
        flash(_("The note was not saved.") + " " + problem, "error")
        return _back(response_id)
    try:
        action_plans.set_status(db(), response, deviation_id, status,
                                request.form.get("note", ""), current_user.user)
    except LookupError:
        abort(404)
    except action_plans.PlanClosed:
        db().rollback()
        flash(_("The action plan is closed; nothing was changed."), "error")
        return _back(response_id)
    except action_plans.NoteTooLong:
        db().rollback()
        flash(_("The note is longer than %(n)s characters; nothing was saved.",
                n=action_plans.MAX_NOTE), "error")
        return _back(response_id)
    except ValueError:
        db().rollback()
        flash(_("Change the status or write a note; nothing was saved."), "error")
        return _back(response_id)
    flash(_("Deviation updated."), "saved")
    return _back(response_id)


@bp.post("/responses/<int:response_id>/plan/close")
@audience("staff")
def close_plan(response_id: int):
    response = response_or_404(response_id)
    try:
        action_plans.close_action_plan(db(), response, current_user.user)
    except action_plans.PlanClosed:
        db().rollback()
        flash(_("The action plan is closed; nothing was changed."), "error")
        return _back(response_id)
    except (ValueError, IllegalTransition):
        db().rollback()
        flash(_("Close every deviation before closing the action plan."), "error")
        return _back(response_id)
    flash(_("The action plan is closed and the response accepted."), "saved")
    return _back(response_id)
