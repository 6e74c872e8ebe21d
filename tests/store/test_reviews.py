"""Grading, clarification rounds, decisions, action plans and the campaign summary."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.store.conftest import make_campaign, make_staff
from webapp.definitions.examples import example_answers
from webapp.store import action_plans, reviews, verdicts
from webapp.store.responses import (
    NotEditable,
    draft_answers,
    save_draft,
    submissions,
    submit,
)
from webapp.store.tracking import campaign_figures

SUPPLIER = "kim@leverantor.example"


def submitted(session, q, seed=1, **overrides):
    campaign, [(response, _)] = make_campaign(session, q)
    answers = example_answers(q, random.Random(seed), overrides=overrides,
                              files_for=lambda _q: [])
    save_draft(session, response, answers, 0, SUPPLIER)
    submit(session, response, f"c-{response.id}", SUPPLIER)
    return campaign, response


def require_plan(session, response, reviewer=None):
    """Review `response` and decide "action plan"; returns the reviewer."""
    reviewer = reviewer or make_staff(session)
    reviews.start_review(session, response, reviewer)
    reviews.decide(session, response, "action_plan", "Brister i rekryteringen.", reviewer)
    return reviewer


def rubric_question(q):
    return next(x for x in q.answerable() if x.rubric and x.show_if is None)


def test_grades_change_the_score_and_only_rubric_levels_are_accepted(session, masks):
    _, response = submitted(session, masks)
    reviewer = make_staff(session)
    review = reviews.start_review(session, response, reviewer)
    assert response.status == "in_review" and review.round == 1
    question = rubric_question(masks)
    before = review.total
    review = reviews.grade(session, response, question.id, 3.0, "Good evidence", reviewer)
    assert review.score["questions"][question.id]["points"] == 3.0
    assert review.total is not None and review.total != before
    with pytest.raises(reviews.InvalidGrade):
        reviews.grade(session, response, question.id, 2.5, None, reviewer)
    with pytest.raises(reviews.InvalidGrade):
        reviews.grade(session, response, "no_such_question", 1.0, None, reviewer)


def test_stale_review_version_is_a_conflict(session, masks):
    _, response = submitted(session, masks)
    reviewer = make_staff(session)
    review = reviews.start_review(session, response, reviewer)
    version = review.version
    question = rubric_question(masks)
    reviews.grade(session, response, question.id, 1.0, None, reviewer, expected_version=version)
    with pytest.raises(reviews.ReviewConflict):
        reviews.grade(session, response, question.id, 2.0, None, reviewer,
                      expected_version=version)


def test_clarification_round_keeps_earlier_rounds(session, masks):
    _, response = submitted(session, masks)
    reviewer = make_staff(session)
    reviews.start_review(session, response, reviewer)
    question = rubric_question(masks)
    other = next(x for x in masks.answerable() if x.rubric and x.id != question.id
                 and x.show_if is None)
    reviews.grade(session, response, other.id, 2.0, "fine", reviewer)
    reviews.request_clarification(session, response, {question.id: "Beskriv processen."},
                                  reviewer)
    assert response.status == "clarification_requested" and response.round == 2
    assert reviews.clarification_requests(session, response) == {
        question.id: "Beskriv processen."}
    version = response.draft_version
    with pytest.raises(NotEditable, match="only the questions with a clarification"):
        save_draft(session, response, {other.id: "changed"}, version, SUPPLIER)
    save_draft(session, response, {question.id: "Vi gör så här, med belägg."}, version,
               SUPPLIER)
    submit(session, response, "round-2", SUPPLIER)
    rounds = submissions(session, response)
    assert [s.round for s in rounds] == [1, 2]
    assert rounds[0].answers[question.id] != rounds[1].answers[question.id]
    assert rounds[1].answers[question.id] == "Vi gör så här, med belägg."
    in_force = verdicts.current(session, response, masks).grades
    assert (in_force[other.id].points, in_force[other.id].round) == (2.0, 1)
    assert rounds[1].score["questions"][other.id]["points"] == 2.0
    assert draft_answers(session, response)[question.id] == "Vi gör så här, med belägg."


def test_decision_needs_a_justification_and_action_plan_items(session, masks):
    _, response = submitted(session, masks)
    reviewer = make_staff(session)
    reviews.start_review(session, response, reviewer)
    with pytest.raises(ValueError, match="justification"):
        reviews.decide(session, response, "action_plan", " ", reviewer)
    review = reviews.decide(session, response, "action_plan", "Avgifter har tagits ut.",
                            reviewer)
    assert response.status == "action_plan" and review.decided_at is not None
    deviation = action_plans.add_deviation(session, response, "critical",
                                           "Rekryteringsavgifter återbetalas", "Fabrikschef",
                                           date.today() + timedelta(60), reviewer)
    with pytest.raises(ValueError, match="severity"):
        action_plans.add_deviation(session, response, "huge", "x", "y", date.today(), reviewer)
    with pytest.raises(ValueError, match="not closed"):
        action_plans.close_action_plan(session, response, reviewer)
    action_plans.report_progress(session, response, deviation.id, "Hälften återbetalt", SUPPLIER)
    assert deviation.status == "in_progress" and deviation.closed_at is None
    action_plans.set_status(session, response, deviation.id, "closed", "Kvitton granskade",
                            reviewer)
    assert deviation.closed_at is not None
    assert [(r.by_supplier, r.status, r.note) for r in deviation.reports] == [
        (True, "in_progress", "Hälften återbetalt"), (False, "closed", "Kvitton granskade")]
    with pytest.raises(ValueError, match="already closed"):
        action_plans.report_progress(session, response, deviation.id, "Mer", SUPPLIER)
    action_plans.close_action_plan(session, response, reviewer)
    assert response.status == "accepted"
    with pytest.raises(action_plans.PlanClosed):
        action_plans.add_deviation(session, response, "minor", "x", "y", date.today(), reviewer)


def test_deviation_of_another_response_is_not_found(session, masks):
    _, first = submitted(session, masks)
    _, second = submitted(session, masks, seed=2)
    reviewer = make_staff(session)
    for response in (first, second):
        require_plan(session, response, reviewer)
    deviation = action_plans.add_deviation(session, first, "minor", "x", "y", date.today(),
                                           reviewer)
    with pytest.raises(LookupError):
        action_plans.report_progress(session, second, deviation.id, "klart", SUPPLIER)
    with pytest.raises(LookupError):
        action_plans.set_status(session, second, deviation.id, "closed", "", reviewer)


def test_campaign_summary_counts_statuses_ratings_and_flags(session, masks):
    campaign, invitations = make_campaign(session, masks, suppliers=4,
                                          deadline=date.today() - timedelta(days=2))
    (r1, _), (r2, _), (r3, _), (r4, _) = invitations
    xinjiang_tier = [{"tier": 1, "country": "CN", "region": "CN-XJ"}]
    for response, seed, extra in ((r1, 1, {}), (r2, 2, {"tiers": xinjiang_tier})):
        answers = example_answers(masks, random.Random(seed), files_for=lambda _q: [])
        if extra:
            answers["tiers"] = [dict(answers["tiers"][0], **extra["tiers"][0])]
        save_draft(session, response, answers, 0, SUPPLIER)
        submit(session, response, f"s-{response.id}", SUPPLIER)
    save_draft(session, r3, {"contact_name": "Kim"}, 0, SUPPLIER)
    summary = campaign_figures(session, campaign)
    assert summary.invited == 4 and summary.answered == 2
    assert summary.by_status == {"submitted": 2, "in_progress": 1, "invited": 1}
    assert summary.overdue == 2  # r3 and r4: not answered, past the deadline
    assert sum(summary.ratings.values()) == 2 and summary.ratings["high"] >= 1
    assert summary.red >= 1
    assert r4.status == "invited"


def test_audit_events_cannot_be_changed_or_deleted(session, masks):
    from sqlalchemy import select

    from webapp.store.audit import AuditTrailIsAppendOnly
    from webapp.store.models import AuditEvent

    make_campaign(session, masks)
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
    with pytest.raises(AuditTrailIsAppendOnly), session.begin_nested():
        event.action = "rewritten"
        session.flush()
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
    assert event.action != "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly), session.begin_nested():
        session.delete(event)
        session.flush()


def test_traffic_light_follows_deadlines_and_closing():
    from webapp.store.models import Deviation

    today = date(2026, 11, 22)
    due = Deviation(severity="major", description="x", owner="y", status="open",
                    deadline=today + timedelta(10))
    late = Deviation(severity="minor", description="x", owner="y", status="in_progress",
                     deadline=today - timedelta(1))
    assert action_plans.traffic_light([], today) == "green"
    assert action_plans.traffic_light([due], today) == "yellow"
    assert action_plans.traffic_light([due, late], today) == "red"
    assert action_plans.is_overdue(late, today) and not action_plans.is_overdue(due, today)
    late.status = "closed"
    late.closed_at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert not action_plans.is_overdue(late, today)
    assert action_plans.traffic_light([late], today) == "red"  # fixed, but not in time
    late.closed_at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert action_plans.traffic_light([late], today) == "green"
    summary = action_plans.summary([due, late], today)
    assert (summary.total, summary.closed, summary.overdue, summary.light) == (2, 1, 0, "yellow")


def test_a_deviation_added_while_the_plan_is_closed_never_leaves_it_accepted(fresh_url, masks):
    """Two reviewers at once: one adds a deviation, one closes the plan. The plan must
    not end accepted with an open deviation (shared/security.md R7)."""
    import threading
    import time

    from webapp.store.db import make_engine, session_factory, unit_of_work
    from webapp.store.models import Deviation, Response

    engine = make_engine(fresh_url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        _, response = submitted(session, masks)
        reviewer = require_plan(session, response)
        response_id, reviewer_id = response.id, reviewer.id
    outcome = []

    def close() -> None:
        try:
            with unit_of_work(factory) as other:
                action_plans.close_action_plan(other, other.get(Response, response_id),
                                               other.get(type(reviewer), reviewer_id))
            outcome.append("closed")
        except ValueError:
            outcome.append("refused")

    with unit_of_work(factory) as session:
        action_plans.add_deviation(session, session.get(Response, response_id), "major",
                                   "Löner betalas sent", "Ekonomichefen",
                                   date.today() + timedelta(days=30),
                                   session.get(type(reviewer), reviewer_id))
        closer = threading.Thread(target=close)
        closer.start()
        time.sleep(0.5)  # the closer reads now, before the deviation is committed
    closer.join(timeout=30)
    with factory() as session:
        status = session.get(Response, response_id).status
        open_items = session.scalars(select(Deviation).where(
            Deviation.response_id == response_id, Deviation.status != "closed")).all()
    engine.dispose()
    assert outcome == ["refused"]
    assert status == "action_plan" and len(open_items) == 1
