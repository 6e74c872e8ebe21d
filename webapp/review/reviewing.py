"""The review page: one response's rounds, flags, answers, grades, decision and action plan.

A reviewer reads any submitted round (`?round=N`), sees per question what changed since
the round before and what was asked, grades the latest round with the rubric (a grade
given in an earlier round stays selected while its answer stands; the due-diligence
score and risk rating follow as grades are chosen, through `live_score`, and again after
saving), sets the risk rating by hand with a justification, asks for clarification, and
decides. Every figure shown is a stored verdict (store/verdicts.py). A form that cannot
be saved is shown again with everything typed still in it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import audience
from ..database import db
from ..definitions.fields import text_in
from ..definitions.rounds import changed_questions
from ..definitions.scoring import visibility
from ..forms.text import text_problem
from ..rendering import current_language, local_today
from ..store import reviews, verdicts
from ..store.action_plans import MAX_NOTE, deviations_of
from ..store.action_plans import summary as plan_summary
from ..store.clarifications import replies_of
from ..store.models import Response, Review
from ..store.responses import questionnaire_of, submissions
from ..store.status import ACTION_PLAN, IN_REVIEW, LABELS, SUBMITTED
from ..supplier.flow import attachments_of
from . import bp
from .outline import outline
from .verdict_text import (
    deciding_flags,
    grades_in_force,
    lost_notes,
    rating_short,
    rating_text,
    round_record,
    score_text,
)

DECISION_ACTIONS = ("accepted", "action_plan", "rejected")


class UnknownLevel(ValueError):
    """A posted grade that is not one of the rubric's levels; the message is translated."""

    def __init__(self, message: str, question_id: str):
        super().__init__(message)
        self.question_id = question_id


def response_or_404(response_id: int) -> Response:
    found = db().get(Response, response_id)
    if found is None:
        abort(404)
    return found


def render_review(response: Response, *, typed: Any = None, plan_form: Any = None,
                  status: int = 200, problems: list[tuple[str | None, str]] | None = None):
    """The review page of `response`, for the round asked for (default: the latest).

    `problems` are (id of the field to fix or None, message) for the error summary.
    """
    q = questionnaire_of(response)
    rounds = submissions(db(), response)
    wanted = request.args.get("round", type=int)
    shown = next((s for s in rounds if s.round == wanted), None) if wanted else (
        rounds[-1] if rounds else None)
    if wanted and shown is None:
        abort(404)
    by_round = {r.round: r for r in db().scalars(
        select(Review).where(Review.response_id == response.id)
        .options(selectinload(Review.grades)))}
    latest_round = rounds[-1].round if rounds else None
    records = {s.round: round_record(response, s, by_round.get(s.round), s.round == latest_round)
               for s in rounds}
    context: dict[str, Any] = {}
    if shown is not None:
        index = rounds.index(shown)
        previous = rounds[index - 1] if index else None
        review = by_round.get(shown.round)
        asked_review = by_round.get(previous.round) if previous else None
        record = records[shown.round]
        changed = set(changed_questions(q, previous.answers, shown.answers)) if previous else set()
        in_force = grades_in_force(record, review, shown.round)
        seen = visibility(q, shown.answers)
        context = dict(
            shown=shown,
            is_latest=shown is rounds[-1],
            previous=previous,
            review=review,
            grades={g.question_id: g for g in review.grades} if review else {},
            score=record,
            rating_text=rating_text(q, record),
            in_force=in_force,
            lost=lost_notes(record, records[previous.round] if previous else None,
                            previous.round if previous else None, changed),
            seen=seen,
            outline=outline(q, seen, record, in_force),
            deciding={hit.get("id") for hit in deciding_flags(q, record)},
            red_flags=sum(1 for hit in record.get("flags", ()) if hit.get("severity") == "red"),
            earlier=visibility(q, previous.answers) if previous else None,
            changed=changed,
            asked={g.question_id: g.clarification for g in asked_review.grades
                   if g.clarification} if asked_review else {},
            replies=replies_of(db(), response, shown.round),
        )
    history = []
    for i, s in enumerate(rounds):
        r = by_round.get(s.round)
        history.append(dict(
            submission=s,
            changed=len(changed_questions(q, rounds[i - 1].answers, s.answers)) if i else None,
            asked=sum(1 for g in r.grades if g.clarification) if r else 0,
            decision=r.decision if r else None,
            total=records[s.round].get("total"),
            rating=rating_short(q, records[s.round]),
        ))
    deviations = deviations_of(db(), response)
    open_for_grading = (shown is not None and context["is_latest"]
                        and response.status in (SUBMITTED, IN_REVIEW)
                        and shown.round == response.round)
    return render_template(
        "review/response.html",
        response=response,
        q=q,
        rounds=rounds,
        history=history,
        open=open_for_grading,
        attachments=attachments_of(db(), response),
        labels=LABELS,
        flags={f.id: f for f in q.flags},
        ratings={r.id: r.label for r in q.ratings},
        typed=typed or {},
        problems=problems or [],
        deviations=deviations,
        plan=plan_summary(deviations),
        plan_open=response.status == ACTION_PLAN,
        max_note=MAX_NOTE,
        plan_form=plan_form,
        today=local_today(),
        **context,
    ), status


@bp.get("/responses/<int:response_id>")
@audience("staff")
def response_page(response_id: int):
    """A response for review: flags first, then the answers with points, grades and asks."""
    return render_review(response_or_404(response_id))


def _posted_grades(q, form) -> dict[str, float | None]:
    """Rubric levels chosen in the form; ValueError names a level that is not in the rubric."""
    chosen: dict[str, float | None] = {}
    for question in q.answerable():
        if not question.rubric or question.rubric not in q.rubrics:
            continue
        raw = form.get(f"grade-{question.id}")
        if raw is None:
            continue
        if raw == "":
            chosen[question.id] = None
            continue
        levels = {level.points for level in q.rubrics[question.rubric].levels}
        try:
            points = float(raw)
        except ValueError:
            points = None
        if points not in levels:
            raise UnknownLevel(_("Choose one of the rubric's levels for “%(q)s”.",
                                 q=text_in(question.label, current_language())),
                               question.id)
        chosen[question.id] = points
    return chosen


def _chosen(q, form) -> dict[str, tuple[float | None, str | None]]:
    """Every rubric grade on the form: question id -> (points, comment).

    All of them go to the store at once, which keeps a grade equal to the one in force
    (a grade carried from an earlier round that was left alone) without a row or event.
    """
    points = _posted_grades(q, form)
    chosen = {}
    for question in q.answerable():
        if not question.rubric or question.rubric not in q.rubrics:
            continue
        if question.id in points or f"comment-{question.id}" in form:
            comment = form.get(f"comment-{question.id}", "").strip() or None
            chosen[question.id] = (points.get(question.id), comment)
    return chosen


@bp.post("/responses/<int:response_id>/score")
@audience("staff")
def live_score(response_id: int):
    """The verdict the chosen grades would give; saves nothing.

    The review page's script posts the grading form here whenever a grade changes. The
    chosen grades are laid over the latest round's and judged by the same function that
    stores the verdict (`verdicts.judge`), grades carried from earlier rounds included.
    """
    response = response_or_404(response_id)
    q = questionnaire_of(response)
    facts, _reviews = verdicts.round_facts(db(), response)
    if not facts:
        abort(404)
    try:
        chosen = _chosen(q, request.form)
    except UnknownLevel as exc:
        return jsonify(error=str(exc)), 400
    *earlier, latest = facts
    verdict = verdicts.judge(q, [*earlier, replace(latest, graded={**latest.graded,
                                                                   **chosen})])
    record = verdict.record() or {}
    return jsonify(
        total=verdict.score,
        total_text=score_text(record),
        rating=verdict.rating,
        rating_text=rating_text(q, record),
        provisional=verdict.provisional,
    )


#: the review form's texts of several lines; a comment (`comment-<id>`) is one line
LONG_TEXTS = ("justification", "rating-justification", "accept-despite")


def _refused_texts(form) -> list[tuple[str, str]]:
    """(field, what to fix) for each typed text holding a control character (R9),
    naming the field as the page labels it."""
    labels = {"justification": _("Justification"),
              "rating-justification": _("Why this risk rating (required to set one by hand)"),
              "accept-despite": _("Why accept despite the red flags"),
              "ask-": _("Ask the supplier to clarify"), "comment-": _("Comment")}
    found = []
    for name, value in form.items(multi=True):
        multiline = name in LONG_TEXTS or name.startswith("ask-")
        if multiline or name.startswith("comment-"):
            label = labels.get(name) or labels.get(name.split("-", 1)[0] + "-")
            problem = text_problem(value, multiline=multiline, field=label)
            if problem:
                found.append((name, problem))
    return found


def _first_ask(q, response) -> str | None:
    """The id of the first "ask the supplier" box on the page, as the template orders them."""
    latest = reviews.latest_submission(db(), response)
    if latest is None:
        return None
    seen = visibility(q, latest.answers)
    return next((f"ask-{x.id}" for section in q.sections if section.id in seen.sections
                 for x in section.questions if x.answerable and x.id in seen.questions), None)


@bp.post("/responses/<int:response_id>")
@audience("staff")
def review_action(response_id: int):
    """Save grades, set the risk rating, ask for clarification, or decide: one form, one
    unit of work."""
    response = response_or_404(response_id)
    q = questionnaire_of(response)
    reviewer = current_user.user
    action = request.form.get("action", "grade")
    if action not in ("grade", "clarify", "override", *DECISION_ACTIONS):
        abort(400)
    expected = request.form.get("review_version", type=int)
    band = request.form.get("rating-override", "")
    why = request.form.get("rating-justification", "").strip()
    if action == "override" and band and band not in q.risk_bands:
        abort(400)
    justification = request.form.get("justification", "").strip()
    despite = request.form.get("accept-despite", "").strip()
    problems: list[tuple[str | None, str]] = list(_refused_texts(request.form))
    if action == "override" and band and not why:
        problems.append(("rating-justification",
                         _("Write why you set the risk rating by hand.")))
    elif action == "clarify" and not any(
            request.form.get(f"ask-{x.id}", "").strip() for x in q.answerable()):
        problems.append((_first_ask(q, response), _(
            "Write what the supplier should clarify on at least one question.")))
    if action in DECISION_ACTIONS and not justification:
        problems.append(("justification", _("Write a justification for the decision.")))
    if action == "accepted" and response.red_flags and not despite:
        problems.append(("accept-despite", _(
            "The answers raise red flags: write why you accept anyway, or choose "
            "another decision.")))
    if problems:
        return render_review(response, typed=request.form, problems=problems, status=422)
    if action == "accepted" and response.red_flags:
        justification = _("%(justification)s\n\nAccepted despite red flags: %(why)s",
                          justification=justification, why=despite)
    try:
        if response.status == SUBMITTED:
            reviews.start_review(db(), response, reviewer)
            expected = None
        if action == "grade":
            reviews.set_grades(db(), response, _chosen(q, request.form), reviewer, expected)
            flash(_("Grades saved."), "saved")
        elif action == "override":
            reviews.override_rating(db(), response, band or None, why, reviewer, expected)
            flash(_("Risk rating saved.") if band else
                  _("The risk rating follows the rules again."), "saved")
        elif action == "clarify":
            asks = {x.id: request.form.get(f"ask-{x.id}", "") for x in q.answerable()}
            wants_file = {x.id for x in q.answerable() if request.form.get(f"ask-file-{x.id}")}
            reviews.request_clarification(db(), response, asks, reviewer, expected,
                                          wants_file=wants_file)
            flash(_("The supplier has been asked to clarify."), "saved")
        else:
            reviews.decide(db(), response, action, justification, reviewer, expected)
            flash(_("Decision saved."), "saved")
    except reviews.ReviewConflict:
        db().rollback()
        return render_review(response, typed=request.form, status=409, problems=[(None, _(
            "Someone else changed this review while you worked. Nothing of yours was saved: "
            "what you typed is kept below; compare it with the saved grades and save again."))])
    except UnknownLevel as exc:
        db().rollback()
        return render_review(response, typed=request.form, status=422,
                             problems=[(f"grade-{exc.question_id}", str(exc))])
    except ValueError:  # the status changed under us (another reviewer decided)
        db().rollback()
        return render_review(response, typed=request.form, status=422, problems=[(None, _(
            "This response cannot be changed in its current status (%(status)s).",
            status=LABELS[response.status][current_language()]))])
    return redirect(url_for("review.response_page", response_id=response_id), 303)
