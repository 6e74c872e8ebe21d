"""The review page's history between rounds, the live score, and action plans on both sides."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import signed_in
from tests.factories import make_campaign, make_staff
from tests.store.test_reviews import require_plan
from webapp import create_app
from webapp.definitions.examples import example_answers
from webapp.store import action_plans, reviews
from webapp.store.db import unit_of_work
from webapp.store.models import Attachment, Deviation, DeviationReport, Response, Review
from webapp.store.responses import draft_answers, save_draft, submit
from webapp.supplier.limits import limiter

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SUPPLIER = "kim@leverantor.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    return app


def store(app):
    return unit_of_work(app.extensions["kedjekoll.sessions"])


def text_question(q):
    return next(x for x in q.answerable()
                if x.rubric and x.show_if is None and x.type == "textarea")


def submitted_pair(app, q):
    """Two suppliers' submitted responses; returns [(response id, token), ...]."""
    with store(app) as session:
        _, invitations = make_campaign(session, q, suppliers=2)
        for n, (response, _) in enumerate(invitations):
            answers = example_answers(q, random.Random(n), files_for=lambda _q: [])
            save_draft(session, response, answers, 0, SUPPLIER)
            submit(session, response, f"c-{response.id}", SUPPLIER)
        return [(r.id, t) for r, t in invitations]


def page(client, path):
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_second_round_shows_what_changed_and_what_was_asked(app, masks):
    [(response_id, _), _] = submitted_pair(app, masks)
    question = text_question(masks)
    with store(app) as session:
        response = session.get(Response, response_id)
        reviewer = make_staff(session)
        reviews.start_review(session, response, reviewer)
        reviews.request_clarification(session, response, {question.id: "Ge ett exempel."},
                                      reviewer)
        old_text = draft_answers(session, response)[question.id]
        save_draft(session, response,
                   {question.id: "Vi granskar varje underleverantör på plats varje år."},
                   response.draft_version, SUPPLIER)
        submit(session, response, f"c2-{response.id}", SUPPLIER)
    client = signed_in(app)
    status, html = page(client, f"/staff/responses/{response_id}")
    assert status == 200
    assert "Visar omgång 2 av 2" in html
    assert "1 svar har ändrats sedan omgång 1" in html
    block = html[html.index(f'id="a-{question.id}"'):]
    block = block[:block.index('class="review-question')]
    assert "Ändrat sedan omgång 1" in block
    assert "Frågat i omgång 1:</strong> Ge ett exempel." in block
    assert "Vi granskar varje underleverantör på plats varje år." in block
    assert "Svaret i omgång 1" in block and old_text.strip()[:20] in block
    assert html.count("Ändrat sedan omgång 1") == 1  # only the changed question is marked
    status, earlier = page(client, f"/staff/responses/{response_id}?round=1")
    assert status == 200 and "Visar omgång 1 av 2" in earlier
    assert "Ändrat sedan" not in earlier and 'name="grade-' not in earlier  # read-only
    assert old_text.strip()[:20] in earlier
    assert page(client, f"/staff/responses/{response_id}?round=7")[0] == 404


def test_the_score_follows_chosen_grades_without_saving_them(app, masks):
    [(response_id, _), _] = submitted_pair(app, masks)
    client = signed_in(app)
    status, html = page(client, f"/staff/responses/{response_id}")
    assert 'data-score-url="/staff/responses/' in html and "review.js" in html
    token = CSRF.search(html).group(1)
    rubric = [x for x in masks.answerable() if x.rubric and f'name="grade-{x.id}"' in html]
    levels = {x.id: [lv.points for lv in masks.rubrics[x.rubric].levels] for x in rubric}
    low = client.post(f"/staff/responses/{response_id}/score", data={
        "csrf_token": token, **{f"grade-{x.id}": str(min(levels[x.id])) for x in rubric}})
    high = client.post(f"/staff/responses/{response_id}/score", data={
        "csrf_token": token, **{f"grade-{x.id}": str(max(levels[x.id])) for x in rubric}})
    assert low.status_code == high.status_code == 200
    assert high.json["total"] > low.json["total"]
    assert high.json["provisional"] is False and high.json["rating_text"]
    bad = client.post(f"/staff/responses/{response_id}/score", data={
        "csrf_token": token, f"grade-{rubric[0].id}": "99"})
    assert bad.status_code == 400 and "bedömningsmallens nivåer" in bad.json["error"]
    assert client.post(f"/staff/responses/{response_id}/score",
                       data={f"grade-{rubric[0].id}": "1"}).status_code == 400  # no CSRF
    with store(app) as session:
        assert session.scalar(select(Review).where(Review.response_id == response_id)) is None


def decided_with_plan(app, response_id):
    with store(app) as session:
        require_plan(session, session.get(Response, response_id))


def test_reviewer_builds_and_closes_an_action_plan(app, masks):
    [(response_id, _), _] = submitted_pair(app, masks)
    decided_with_plan(app, response_id)
    client = signed_in(app)
    status, html = page(client, f"/staff/responses/{response_id}")
    assert "Lägg till en avvikelse" in html
    token = CSRF.search(html).group(1)
    url = f"/staff/responses/{response_id}/deviations"
    refused = client.post(url, data={"csrf_token": token, "severity": "major",
                                     "description": "", "owner": "Fabrikschefen",
                                     "deadline": (date.today() - timedelta(3)).isoformat()})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Beskriv avvikelsen." in text and "Sista dagen måste vara i dag eller senare." in text
    assert 'value="Fabrikschefen"' in text  # what was typed stays
    deadline = date.today() + timedelta(45)
    assert client.post(url, data={"csrf_token": token, "severity": "critical",
                                  "description": "Pass hålls av arbetsgivaren",
                                  "owner": "Fabrikschefen",
                                  "deadline": deadline.isoformat()}).status_code == 303
    with store(app) as session:
        deviation = session.scalar(select(Deviation).where(Deviation.response_id == response_id))
        assert (deviation.severity, deviation.deadline, deviation.status) == (
            "critical", deadline, "open")
        deviation_id = deviation.id
    status, html = page(client, f"/staff/responses/{response_id}")
    assert "Pass hålls av arbetsgivaren" in html and "Gul: under åtgärd" in html
    close = f"/staff/responses/{response_id}/plan/close"
    client.post(close, data={"csrf_token": token})
    with store(app) as session:
        assert session.get(Response, response_id).status == "action_plan"  # one still open
    client.post(f"/staff/responses/{response_id}/deviations/{deviation_id}",
                data={"csrf_token": token, "status": "closed", "note": "Passen återlämnade"})
    client.post(close, data={"csrf_token": token})
    with store(app) as session:
        assert session.get(Response, response_id).status == "accepted"
        report = session.scalar(select(DeviationReport))
        assert (report.by_supplier, report.status, report.note) == (
            False, "closed", "Passen återlämnade")
    status, html = page(client, f"/staff/responses/{response_id}")
    assert "Grön: inga avvikelser, eller alla åtgärdade i tid" in html
    assert "Lägg till en avvikelse" not in html  # the plan is closed


def test_supplier_reports_progress_on_its_own_deviations_only(app, masks):
    [(first_id, first_token), (second_id, second_token)] = submitted_pair(app, masks)
    for response_id in (first_id, second_id):
        decided_with_plan(app, response_id)
    with store(app) as session:
        reviewer = make_staff(session)
        first = session.get(Response, first_id)
        late = action_plans.add_deviation(session, first, "minor", "Avtal saknas på arabiska",
                                          "HR", date.today() + timedelta(10), reviewer)
        late.deadline = date.today() - timedelta(2)  # the deadline has since passed
        other = action_plans.add_deviation(session, session.get(Response, second_id), "major",
                                           "Övertid", "VD", date.today() + timedelta(9),
                                           reviewer)
        late_id, other_id = late.id, other.id
    supplier = app.test_client()
    supplier.get(f"/i/{first_token}")
    status, html = page(supplier, "/supplier/")
    assert "Se åtgärdsplanen och rapportera framsteg" in html
    status, html = page(supplier, "/supplier/action-plan")
    assert status == 200 and "Avtal saknas på arabiska" in html and "Övertid" not in html
    assert "Sista dagen har passerat" in html and "deviation overdue" in html
    token = CSRF.search(html).group(1)
    empty = supplier.post(f"/supplier/action-plan/{late_id}",
                          data={"csrf_token": token, "note": "  "})
    assert empty.status_code == 422 and "Beskriv vad ni har gjort." in empty.get_data(True)
    refused = supplier.post(f"/supplier/action-plan/{late_id}", data={
        "csrf_token": token, "note": "Översättning beställd",
        "evidence": (__import__("io").BytesIO(b"<html>"), "avtal.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert ">Översättning beställd</textarea>" in refused.get_data(True)  # note kept
    sent = supplier.post(f"/supplier/action-plan/{late_id}", data={
        "csrf_token": token, "note": "Översättning beställd",
        "evidence": (__import__("io").BytesIO(PDF), "avtal.pdf")},
        content_type="multipart/form-data")
    assert sent.status_code == 303
    assert supplier.post(f"/supplier/action-plan/{other_id}", data={
        "csrf_token": token, "note": "x"}).status_code == 404  # another supplier's
    with store(app) as session:
        late = session.get(Deviation, late_id)
        [report] = late.reports
        attachment = session.get(Attachment, report.attachment_id)
        assert late.status == "in_progress" and report.by_supplier
        assert report.note == "Översättning beställd"
        assert attachment.response_id == first_id and attachment.original_name == "avtal.pdf"
        assert session.get(Deviation, other_id).reports == []
    status, html = page(supplier, "/supplier/action-plan")
    assert "Översättning beställd" in html and "avtal.pdf" in html
    reviewer_client = signed_in(app)
    status, html = page(reviewer_client, f"/staff/responses/{first_id}")
    assert "Översättning beställd" in html and "Röd: inte åtgärdad i tid" in html
    assert "Sista dagen har passerat" in html


def test_closing_a_plan_never_accepts_a_response_without_one(app, masks):
    """A response in review has no deviations; "close the plan" must not accept it
    without a decision and its justification."""
    [(response_id, _), _] = submitted_pair(app, masks)
    with store(app) as session:
        reviews.start_review(session, session.get(Response, response_id), make_staff(session))
    client = signed_in(app)
    status, html = page(client, f"/staff/responses/{response_id}")
    token = CSRF.search(html).group(1)
    refused = client.post(f"/staff/responses/{response_id}/plan/close",
                          data={"csrf_token": token}, follow_redirects=True)
    assert "Åtgärdsplanen är avslutad; inget ändrades." in refused.get_data(as_text=True)
    with store(app) as session:
        response = session.get(Response, response_id)
        assert response.status == "in_review"
        with pytest.raises(action_plans.PlanClosed):
            action_plans.close_action_plan(session, response, make_staff(session))


def test_a_reviewer_note_too_long_is_refused_not_cut(app, masks):
    """A note past the limit is refused with a message; it is never silently shortened."""
    [(response_id, _), _] = submitted_pair(app, masks)
    decided_with_plan(app, response_id)
    with store(app) as session:
        deviation = action_plans.add_deviation(
            session, session.get(Response, response_id), "minor", "Avtal saknas", "HR",
            date.today() + timedelta(10), make_staff(session))
        deviation_id = deviation.id
    client = signed_in(app)
    status, html = page(client, f"/staff/responses/{response_id}")
    assert f'id="note-{deviation_id}" name="note" rows="2" maxlength="5000"' in html
    token = CSRF.search(html).group(1)
    answer = client.post(f"/staff/responses/{response_id}/deviations/{deviation_id}",
                         data={"csrf_token": token, "status": "closed", "note": "x" * 5001},
                         follow_redirects=True)
    assert "Anteckningen är längre än 5000 tecken" in answer.get_data(as_text=True)
    with store(app) as session:
        deviation = session.get(Deviation, deviation_id)
        assert deviation.status == "open" and deviation.reports == []
