"""The review page: grades change the score, clarification requests, decisions."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import signed_in
from tests.review.test_tracking import demo_app  # noqa: F401  (the fixture)
from webapp.store.models import Response, Review
from webapp.store.responses import questionnaire_of

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="review_version" value="(\d*)"')


def submitted(app, status="submitted"):
    with app.app_context(), app.extensions["kedjekoll.sessions"]() as session:
        response = session.scalars(select(Response).where(Response.status == status)).first()
        q = questionnaire_of(response)
        return response.id, q


def form(client, response_id):
    html = client.get(f"/staff/responses/{response_id}").get_data(as_text=True)
    version = VERSION.search(html)
    return html, {"csrf_token": CSRF.search(html).group(1),
                  "review_version": version.group(1) if version else ""}


def test_grading_then_deciding(demo_app):  # noqa: F811
    response_id, q = submitted(demo_app)
    reviewer = signed_in(demo_app)
    html, data = form(reviewer, response_id)
    assert "Flaggor" in html and 'class="flag flag-' in html
    question = next(x for x in q.answerable() if x.rubric and f'name="grade-{x.id}"' in html)
    top = max(level.points for level in q.rubrics[question.rubric].levels)
    data.update({"action": "grade", f"grade-{question.id}": str(top),
                 f"comment-{question.id}": "Tydligt beskrivet"})
    assert reviewer.post(f"/staff/responses/{response_id}", data=data).status_code == 303
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        response = session.get(Response, response_id)
        review = session.scalar(select(Review).where(Review.response_id == response_id))
        assert response.status == "in_review"
        assert review.score["questions"][question.id]["points"] == top
        assert {g.question_id: g.comment for g in review.grades}[question.id] == \
            "Tydligt beskrivet"
    html, data = form(reviewer, response_id)
    refused = reviewer.post(f"/staff/responses/{response_id}", data=dict(
        data, action="accepted", justification="", **{
            f"comment-{question.id}": "Ändrad kommentar", f"ask-{question.id}": "Utkast"}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Skriv en motivering till beslutet." in page
    assert 'value="Ändrad kommentar"' in page and ">Utkast</textarea>" in page  # kept
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        assert session.get(Response, response_id).status == "in_review"  # needs a reason
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        red = session.get(Response, response_id).red_flags
    if red:  # accepting despite red flags needs its own written reason
        refused = reviewer.post(f"/staff/responses/{response_id}", data=dict(
            data, action="accepted", justification="Styrkt med revisioner."))
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422
        assert ('<a href="#accept-despite">Svaren ger röda flaggor: skriv varför du godkänner '
                'ändå, eller välj ett annat beslut.</a>') in page
        assert ">Styrkt med revisioner.</textarea>" in page  # kept
        data["accept-despite"] = "Fabriken är bytt; ny revision bifogad."
    reviewer.post(f"/staff/responses/{response_id}", data=dict(
        data, action="accepted", justification="Styrkt med revisioner."))
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        assert session.get(Response, response_id).status == "accepted"
        review = session.scalar(select(Review).where(Review.response_id == response_id))
        if red:
            assert review.justification == ("Styrkt med revisioner.\n\nGodkänd trots röda "
                                            "flaggor: Fabriken är bytt; ny revision bifogad.")


def test_clarification_request_from_the_review_page(demo_app):  # noqa: F811
    response_id, q = submitted(demo_app)
    reviewer = signed_in(demo_app)
    html, data = form(reviewer, response_id)
    question = next(x for x in q.answerable() if f'name="ask-{x.id}"' in html)
    data.update({"action": "clarify", f"ask-{question.id}": "Bifoga rapporten."})
    assert reviewer.post(f"/staff/responses/{response_id}", data=data).status_code == 303
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        response = session.get(Response, response_id)
        assert response.status == "clarification_requested" and response.round == 2


def test_a_stale_review_form_is_a_conflict(demo_app):  # noqa: F811
    response_id, q = submitted(demo_app, "in_review")
    first, second = signed_in(demo_app), signed_in(demo_app)
    html, stale = form(second, response_id)
    question = next(x for x in q.answerable() if x.rubric and f'name="grade-{x.id}"' in html)
    _, fresh = form(first, response_id)
    first.post(f"/staff/responses/{response_id}", data=dict(
        fresh, action="grade", **{f"grade-{question.id}": "0"}))
    late = second.post(f"/staff/responses/{response_id}", data=dict(
        stale, action="grade", **{f"grade-{question.id}": "1",
                                  f"comment-{question.id}": "Min bedömning"}))
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "Någon annan har ändrat granskningen" in page
    assert 'value="Min bedömning"' in page  # what the second reviewer typed is still there
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        review = session.scalar(select(Review).where(Review.response_id == response_id,
                                                     Review.decision.is_(None)))
        assert {g.question_id: g.points for g in review.grades}[question.id] == 0


def test_the_error_summary_links_to_the_field_to_fix(demo_app):  # noqa: F811
    """Each problem in the summary is a link to the field it is about (WCAG 3.3.1)."""
    response_id, q = submitted(demo_app)
    reviewer = signed_in(demo_app)
    html, data = form(reviewer, response_id)
    undecided = reviewer.post(f"/staff/responses/{response_id}",
                              data=dict(data, action="rejected", justification=" "))
    page = undecided.get_data(as_text=True)
    assert undecided.status_code == 422
    assert '<a href="#justification">Skriv en motivering till beslutet.</a>' in page
    assert re.search(r'<textarea id="justification"[^>]*aria-invalid="true"', page)
    unasked = reviewer.post(f"/staff/responses/{response_id}", data=dict(data, action="clarify"))
    page = unasked.get_data(as_text=True)
    first = re.search(r'<textarea id="(ask-[a-z0-9_]+)"', page).group(1)
    assert unasked.status_code == 422
    assert f'<a href="#{first}">Skriv vad leverantören' in page
    question = next(x for x in q.answerable() if x.rubric and f'name="grade-{x.id}"' in html)
    unknown = reviewer.post(f"/staff/responses/{response_id}",
                            data=dict(data, action="grade", **{f"grade-{question.id}": "77"}))
    assert unknown.status_code == 422
    assert f'<a href="#grade-{question.id}">' in unknown.get_data(as_text=True)
