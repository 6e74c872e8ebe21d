"""The verdict: one score, one rating and one set of flags per response, stored on it.

Grades follow their answers across rounds; a reviewer may set the rating by hand only
with a justification; every change that matters refreshes the stored verdict.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from tests.store.conftest import make_campaign, make_staff
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import score
from webapp.store import reviews, verdicts
from webapp.store.export_json import exported_response
from webapp.store.exports import export_rows, headers, main_cells
from webapp.store.models import AuditEvent, Response
from webapp.store.responses import save_draft, submissions, submit
from webapp.store.tracking import campaign_lines, overview

SUPPLIER = "kim@leverantor.example"


def submitted(session, q, seed=1):
    campaign, [(response, _)] = make_campaign(session, q)
    answers = example_answers(q, random.Random(seed), files_for=lambda _q: [])
    save_draft(session, response, answers, 0, SUPPLIER)
    submit(session, response, f"c-{response.id}", SUPPLIER)
    return campaign, response


def rubric_questions(q, answers):
    """Rubric questions that are always shown and answered in `answers`."""
    return [x for x in q.answerable() if x.rubric and x.show_if is None
            and q.section_of[x.id].show_if is None and x.type in ("text", "textarea")
            and answers.get(x.id)]


def graded_events(session, response) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "graded", AuditEvent.object_type == "response",
        AuditEvent.object_id == response.id))


def test_the_stored_verdict_is_the_score_of_the_latest_round_with_its_grades(session, masks):
    campaign, response = submitted(session, masks)
    reviewer = make_staff(session)
    reviews.start_review(session, response, reviewer)
    [first, *_] = rubric_questions(masks, submissions(session, response)[-1].answers)
    top = max(level.points for level in masks.rubrics[first.rubric].levels)
    reviews.set_grades(session, response, {first.id: (top, "Tydligt och belagt")}, reviewer)
    answers = submissions(session, response)[-1].answers
    expected = score(masks, answers, {first.id: top})
    assert (response.score, response.rating, response.provisional) == (
        expected.total, expected.rating, expected.provisional)
    assert (response.red_flags, response.amber_flags) == (expected.red_flags,
                                                          expected.amber_flags)
    assert response.verdict["grades"][first.id] == {"points": top,
                                                   "comment": "Tydligt och belagt", "round": 1}
    [line] = campaign_lines(session, campaign)
    assert (line.total, line.rating, line.red, line.amber) == (
        response.score, response.rating, response.red_flags, response.amber_flags)
    [campaign_line] = [x for x in overview(session) if x.id == campaign.id]
    assert campaign_line.ratings == {response.rating: 1}


def test_grades_stay_with_unchanged_answers_and_are_lost_when_changed_or_reopened(
        session, masks):
    _, response = submitted(session, masks, seed=3)
    reviewer = make_staff(session)
    reviews.start_review(session, response, reviewer)
    round_1 = submissions(session, response)[-1].answers
    kept, changed, reopened = rubric_questions(masks, round_1)[:3]
    reviews.set_grades(session, response, {kept.id: (3.0, None), changed.id: (2.0, None),
                                           reopened.id: (1.0, "Vagt")}, reviewer)
    reviews.request_clarification(session, response, {
        changed.id: "Beskriv processen med exempel.", reopened.id: "Bifoga belägg."},
        reviewer)
    save_draft(session, response, {changed.id: "Vi granskar varje led årligen, se bilaga."},
               response.draft_version, SUPPLIER)
    submit(session, response, "round-2", SUPPLIER)

    verdict = verdicts.current(session, response, masks)
    assert verdict.round == 2
    assert verdict.grades == {kept.id: verdicts.GradeInForce(3.0, None, 1)}
    assert verdict.lost == {changed.id: verdicts.CHANGED, reopened.id: verdicts.REOPENED}
    round_2 = submissions(session, response)[-1].answers
    assert response.score == score(masks, round_2, {kept.id: 3.0}).total
    assert response.provisional  # two rubric questions need a grade again

    # Deciding without grading again keeps the round-1 grade in force.
    reviews.start_review(session, response, reviewer)
    reviews.decide(session, response, "rejected", "Otillräckliga belägg.", reviewer)
    assert response.verdict["grades"][kept.id]["round"] == 1
    assert response.score == score(masks, round_2, {kept.id: 3.0}).total


def test_one_graded_event_per_grade_that_changes(session, masks):
    _, response = submitted(session, masks)
    reviewer = make_staff(session)
    review = reviews.start_review(session, response, reviewer)
    first, second = rubric_questions(masks, submissions(session, response)[-1].answers)[:2]
    reviews.set_grades(session, response, {first.id: (2.0, None), second.id: (1.0, None)},
                       reviewer)
    assert graded_events(session, response) == 2
    version, total = review.version, response.score
    reviews.set_grades(session, response, {first.id: (2.0, None), second.id: (1.0, None)},
                       reviewer, expected_version=version)
    assert graded_events(session, response) == 2 and review.version == version
    assert response.score == total
    reviews.set_grades(session, response, {first.id: (2.0, None), second.id: (3.0, None)},
                       reviewer, expected_version=version)
    assert graded_events(session, response) == 3
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "graded")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.details == {"question": second.id, "old": 1.0, "new": 3.0}


def test_a_rating_set_by_hand_needs_a_justification_and_is_audited(session, masks):
    campaign, response = submitted(session, masks)
    reviewer = make_staff(session)
    reviews.start_review(session, response, reviewer)
    rules = response.rating
    other = next(b for b in masks.risk_bands if b != rules)
    with pytest.raises(ValueError, match="why"):
        reviews.override_rating(session, response, other, "  ", reviewer)
    with pytest.raises(ValueError, match="no rating band"):
        reviews.override_rating(session, response, "catastrophic", "x", reviewer)
    reviews.override_rating(session, response, other, "Revisionen i mars visade tvångsarbete.",
                            reviewer)
    assert response.rating == other
    assert response.verdict["rules_rating"] == rules
    assert response.verdict["override"]["justification"] == (
        "Revisionen i mars visade tvångsarbete.")
    assert response.verdict["override"]["by"] == reviewer.email
    [line] = campaign_lines(session, campaign)
    assert line.rating == other
    [row] = export_rows(session, campaign)
    cells = dict(zip(headers(masks), main_cells(masks, row), strict=True))
    assert cells["response.rating"] == other
    assert cells["response.rating_set_by_reviewer"] == "Revisionen i mars visade tvångsarbete."
    exported = exported_response(row)
    assert (exported.rating_override.rating, exported.rating_override.rules_rating) == (
        other, rules)
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "rating.overridden")).one()
    assert event.details["old"] is None and event.details["new"] == other
    reviews.override_rating(session, response, None, "", reviewer)
    assert response.rating == rules and response.verdict["override"] is None


def test_a_red_flag_puts_the_stored_rating_in_the_highest_risk_band(session, masks):
    """Whatever the score, a raised red flag (with the default rule) rates the response
    in the highest-risk band, on the stored row as in the pure function."""
    default_red = {f.id for f in masks.flags
                   if f.severity == "red" and masks.flag_band(f) == masks.risk_bands[-1]}
    for seed in range(40):
        _, response = submitted(session, masks, seed=seed)
        flags = {f["id"] for f in response.verdict["flags"]}
        if flags & default_red:
            assert response.rating == masks.risk_bands[-1]
            assert session.get(Response, response.id).rating == masks.risk_bands[-1]
            return
    pytest.fail("no example raised a red flag")


def test_migration_0006_stores_the_verdict_of_responses_made_before_it(
        backend, tmp_path, request, masks):
    """Down to 0005 and up again: the data step computes every verdict afresh, with the
    grades given before the migration in force."""
    from sqlalchemy.orm import Session

    from tests.store.conftest import new_database
    from webapp.store.db import make_engine
    from webapp.store.migrate import downgrade, upgrade

    engine = make_engine(new_database(backend, tmp_path, request))
    with Session(engine, expire_on_commit=False) as session:
        _, response = submitted(session, masks, seed=5)
        reviewer = make_staff(session)
        reviews.start_review(session, response, reviewer)
        first = rubric_questions(masks, submissions(session, response)[-1].answers)[0]
        reviews.set_grades(session, response, {first.id: (2.0, "Godtagbart")}, reviewer)
        session.commit()
        before = (response.id, response.score, response.rating, response.red_flags,
                  response.amber_flags, response.verdict["grades"])
    downgrade(engine, "0005")
    upgrade(engine)
    with Session(engine) as session:
        again = session.get(Response, before[0])
        assert (again.id, again.score, again.rating, again.red_flags, again.amber_flags,
                again.verdict["grades"]) == before
    engine.dispose()
