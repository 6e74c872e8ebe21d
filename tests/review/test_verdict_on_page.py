"""The verdict on staff pages: the two figures named apart, grades carried across rounds,
one `graded` event per grade that changes, and the reviewer's risk rating with its reason.
"""

from __future__ import annotations

import html as markup
import random
import re

from sqlalchemy import func, select

from tests.conftest import signed_in
from tests.factories import make_campaign, make_staff
from tests.review.test_rounds_and_plans import CSRF, SUPPLIER, app, store  # noqa: F401
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import visibility
from webapp.review.verdict_text import lost_notes, rating_text
from webapp.store import reviews
from webapp.store.models import AuditEvent, Response
from webapp.store.responses import save_draft, submit

SELECT = re.compile(r'<select id="(grade-[^"]+)" name="[^"]+"[^>]*>(.*?)</select>', re.S)
COMMENT = re.compile(r'name="(comment-[^"]+)" value="([^"]*)"')
VERSION = re.compile(r'name="review_version" value="(\d*)"')


def rubric_questions(q, answers, n):
    seen = visibility(q, answers)
    return [x for x in q.answerable() if x.rubric and x.type == "textarea"
            and x.id in seen.questions][:n]


def levels(q, question):
    return sorted(level.points for level in q.rubrics[question.rubric].levels)


def one_submitted(app, q, seed=3):  # noqa: F811
    """A campaign with one supplier who has submitted round 1; (response id, answers)."""
    with store(app) as session:
        _, [(response, _token)] = make_campaign(session, q)
        answers = example_answers(q, random.Random(seed), files_for=lambda _q: [])
        save_draft(session, response, answers, 0, SUPPLIER)
        submit(session, response, f"r1-{response.id}", SUPPLIER)
        return response.id, answers


def second_round(app, q):  # noqa: F811
    """Round 1 graded on three questions a, b, c; clarification asked on b and c; the
    supplier changes b only and submits round 2. Returns (response id, a, b, c)."""
    response_id, answers = one_submitted(app, q)
    a, b, c = rubric_questions(q, answers, 3)
    with store(app) as session:
        response = session.get(Response, response_id)
        reviewer = make_staff(session)
        reviews.start_review(session, response, reviewer)
        reviews.set_grades(session, response, {a.id: (levels(q, a)[-1], "Konkret"),
                                               b.id: (levels(q, b)[1], None),
                                               c.id: (levels(q, c)[1], None)}, reviewer)
        reviews.request_clarification(session, response, {b.id: "Ge ett exempel.",
                                                          c.id: "Beskriv mer."}, reviewer)
        save_draft(session, response, {b.id: "Vi besöker varje fabrik två gånger om året."},
                   response.draft_version, SUPPLIER)
        submit(session, response, f"r2-{response.id}", SUPPLIER)
    return response_id, a, b, c


def block(html, question_id):
    part = html[html.index(f'id="a-{question_id}"'):]
    return part[:part.index('class="review-question', 10)] if 'class="review-question' in \
        part[10:] else part


def form_as_shown(html):
    """What the browser would post for the grading form left untouched."""
    data = {"csrf_token": CSRF.search(html).group(1),
            "review_version": VERSION.search(html).group(1)}
    for name, options in SELECT.findall(html):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in COMMENT.findall(html):
        data[name] = markup.unescape(value)
    return data


def graded_events(app, response_id):  # noqa: F811
    with store(app) as session:
        return session.scalars(select(AuditEvent).where(
            AuditEvent.action == "graded", AuditEvent.object_id == response_id)
            .order_by(AuditEvent.id)).all()


def test_round_2_shows_carried_grades_selected_and_lost_ones_to_grade_again(app, masks):  # noqa: F811
    response_id, a, b, c = second_round(app, masks)
    client = signed_in(app)
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    top = levels(masks, a)[-1]
    kept = block(html, a.id)
    assert f'<option value="{top}" selected>' in kept
    assert "Bedömd i omgång 1" in kept and 'value="Konkret"' in kept
    assert f'aria-describedby="grade-note-{a.id}"' in kept
    changed = block(html, b.id)
    assert "Svaret har ändrats sedan det bedömdes i omgång 1: bedöm det igen." in changed
    assert " selected>" not in changed.split(f'id="grade-{b.id}"')[1].split("</select>")[0]
    reopened = block(html, c.id)
    assert ("Frågan öppnades för komplettering efter att den bedömdes i omgång 1: "
            "bedöm den igen.") in reopened
    assert "Bedömd i omgång" not in changed + reopened
    with store(app) as session:
        response = session.get(Response, response_id)
        score = f"{response.score:.1f}".replace(".", ",")
    assert "<dt>Poäng för tillbörlig aktsamhet</dt>" in html and "<dt>Riskbedömning</dt>" in html
    assert f'<span id="live-total">{score}</span>' in html
    assert "Poäng</th>" not in html  # the history names the score in full


def test_saving_untouched_grades_keeps_them_and_writes_no_event(app, masks):  # noqa: F811
    response_id, a, b, _c = second_round(app, masks)
    client = signed_in(app)
    with store(app) as session:
        before = session.get(Response, response_id)
        score, verdict = before.score, before.verdict
    events = len(graded_events(app, response_id))
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    data = form_as_shown(html)
    assert data[f"grade-{a.id}"] == str(levels(masks, a)[-1])
    live = client.post(f"/staff/responses/{response_id}/score", data=data)
    assert live.status_code == 200 and live.json["total"] == score  # the carried grade counts
    assert client.post(f"/staff/responses/{response_id}",
                       data=dict(data, action="grade")).status_code == 303
    assert len(graded_events(app, response_id)) == events
    with store(app) as session:
        after = session.get(Response, response_id)
        assert after.score == score and after.status == "in_review"
        assert after.verdict["grades"][a.id] == verdict["grades"][a.id] == {
            "points": levels(masks, a)[-1], "comment": "Konkret", "round": 1}

    # grading the changed answer: the live figure is the one saved, and one event
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    data = dict(form_as_shown(html), **{f"grade-{b.id}": str(levels(masks, b)[-1])})
    live = client.post(f"/staff/responses/{response_id}/score", data=data).json
    client.post(f"/staff/responses/{response_id}", data=dict(data, action="grade"))
    new = graded_events(app, response_id)[events:]
    assert [e.details["question"] for e in new] == [b.id]
    with store(app) as session:
        after = session.get(Response, response_id)
        assert after.score == live["total"] != score
        assert after.verdict["grades"][b.id]["round"] == 2
        assert after.verdict["grades"][a.id]["round"] == 1
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    assert "bedöm det igen" not in block(html, b.id)


def test_an_older_round_shows_its_own_stored_figures(app, masks):  # noqa: F811
    response_id, a, _b, _c = second_round(app, masks)
    client = signed_in(app)
    with store(app) as session:
        from webapp.store.models import Review
        first = session.scalar(select(Review).where(Review.response_id == response_id,
                                                    Review.round == 1))
        total = f"{first.score['total']:.1f}".replace(".", ",")
    html = client.get(f"/staff/responses/{response_id}?round=1").get_data(as_text=True)
    assert f'<span id="live-total">{total}</span>' in html
    assert f"Bedömning: {levels(masks, a)[-1]:g}. Konkret" in block(html, a.id)
    assert "Bedömd i omgång" not in html  # graded in the round shown


def test_the_reviewer_sets_the_risk_rating_with_a_justification(app, masks):  # noqa: F811
    response_id, _answers = one_submitted(app, masks)
    client = signed_in(app)
    with store(app) as session:
        response = session.get(Response, response_id)
        rules, campaign_id, supplier = (response.rating, response.campaign_id,
                                        response.supplier.name)
    band = "low" if rules == "high" else "high"
    label = {"low": "Låg risk", "high": "Hög risk"}[band]
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    data = form_as_shown(html)
    refused = client.post(f"/staff/responses/{response_id}", data=dict(
        data, action="override", **{"rating-override": band, "rating-justification": " "}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    summary = page[page.index('id="error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    assert 'href="#rating-justification">Skriv varför du sätter riskbedömningen för hand.' \
        in summary
    assert f'<option value="{band}" selected>' in page
    assert 'id="rating-justification" name="rating-justification" rows="2" ' \
           'aria-invalid="true"' in page
    why = "Slutmonteringen sker hos ett företag på UFLPA-listan enligt vår egen granskning."
    assert client.post(f"/staff/responses/{response_id}", data=dict(
        data, action="override", **{"rating-override": band, "rating-justification": why}
    )).status_code == 303
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    rules_label = {"low": "Låg risk", "medium": "Medelhög risk", "high": "Hög risk"}[rules]
    shown = f"{label}, satt av granskaren: {why} (enligt reglerna: {rules_label})"
    assert f'<dd id="live-rating">{markup.escape(shown)}</dd>' in html
    with store(app) as session:
        response = session.get(Response, response_id)
        assert response.rating == band and response.verdict["rules_rating"] == rules
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "rating.overridden", AuditEvent.object_id == response_id))
        assert event.details["new"] == band and event.details["justification"] == why
    listing = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    row = listing[listing.index(supplier):]
    row = row[:row.index("</tr>")]
    assert f'{label}<span class="set-by-reviewer" title="{markup.escape(why)}">, satt av ' \
           f'granskaren</span>' in row

    # back to the rules: no justification needed, audited, the marker gone
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    assert client.post(f"/staff/responses/{response_id}", data=dict(
        form_as_shown(html), action="override", **{"rating-override": "",
                                                   "rating-justification": ""}
    )).status_code == 303
    with store(app) as session:
        assert session.get(Response, response_id).rating == rules
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "rating.override_removed")) == 1
    listing = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert "satt av granskaren" not in listing


def test_the_rating_says_why(app, masks):  # noqa: F811
    def hits(severity, band, n):
        return [{"id": f.id, "severity": f.severity} for f in masks.flags
                if f.severity == severity and masks.flag_band(f) == band][:n]

    red, amber = hits("red", "high", 2), hits("amber", "medium", 1)
    assert len(red) == 2 and len(amber) == 1
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert rating_text(masks, {"total": 90.0, "rating": "high", "rules_rating": "high",
                                   "flags": red + amber}) == "Hög risk: 2 röda flaggor"
        assert rating_text(masks, {"total": 90.0, "rating": "medium", "flags": amber}) == \
            "Medelhög risk: 1 gul flagga"
        assert rating_text(masks, {"total": 82.5, "rating": "low", "flags": []}) == \
            "Låg risk: poäng för tillbörlig aktsamhet 82,5"
        assert rating_text(masks, {"total": 30.0, "rating": "high", "flags": amber}) == \
            "Hög risk: poäng för tillbörlig aktsamhet 30"
        assert rating_text(masks, None) == "—"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert rating_text(masks, {"total": 90.0, "rating": "high", "rules_rating": "low",
                                   "override": {"rating": "high", "justification": "Site visit",
                                                "by": "x", "at": ""}, "flags": []}) == \
            "High risk, set by the reviewer: Site visit (by the rules: Low risk)"
        notes = lost_notes({"lost": {"x": "changed", "y": "reopened", "z": "reopened"}},
                           {"grades": {"x": {"round": 1}, "y": {"round": 2}}}, 2, {"z"})
        assert notes == {
            "x": "The answer has changed since it was graded in round 1: grade it again.",
            "y": "The question was reopened for clarification after it was graded in "
                 "round 2: grade it again.",
            "z": "The answer has changed since it was graded in round 2: grade it again."}
