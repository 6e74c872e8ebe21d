"""In Chromium: grades survive a clarification round while their answers stand.

The reviewer grades two answers in round 1 and asks about one of them; the supplier
changes that answer and submits round 2. The unchanged answer keeps its grade on screen
(selected, "graded in round 1") and in the due-diligence score, saving without touching
it keeps it, and the changed answer says it needs a new grade. Then the reviewer sets
the risk rating by hand, which needs a justification. Axe checks each page.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.browser.test_review_flow import no_violations
from tests.conftest import STAFF_PASSWORD
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import score, visibility
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, Response, Submission
from webapp.store.responses import save_draft, submit
from webapp.store.staff import add_user


def decimal_sv(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def test_round_2_keeps_the_grades_of_unchanged_answers(browser, live, masks):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    axe = Axe()
    [(response_id, link)] = live.invite(masks)
    sessions = live.app.extensions["kedjekoll.sessions"]
    answers = example_answers(masks, random.Random(5), files_for=lambda _q: [])
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        save_draft(session, response, answers, 0, "test")
        submit(session, response, "rounds-1", "test")
        add_user(session, "omgang@region.example", "Olle Granskare", "reviewer", "test",
                 STAFF_PASSWORD)
    seen = visibility(masks, answers)
    candidates = [x for x in masks.answerable() if x.rubric and x.type == "textarea"
                  and x.show_if is None and x.id in seen.questions]

    def lowest(question) -> float:
        return min(level.points for level in masks.rubrics[question.rubric].levels)

    # the kept grade must move the score, so that the test can see it counted
    kept = next(x for x in candidates if score(masks, answers, {x.id: lowest(x)}).total
                != score(masks, answers, {}).total)
    asked = next(x for x in candidates if x is not kept)
    low = lowest(kept)
    top = max(level.points for level in masks.rubrics[asked.rubric].levels)

    staff = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(10_000)
    reviewer = staff.new_page()
    dialogs: list[str] = []
    reviewer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(reviewer, live.url, "omgang@region.example")
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    expect(reviewer.locator("dt", has_text="Poäng för tillbörlig aktsamhet")).to_be_visible()
    expect(reviewer.locator("dt", has_text="Riskbedömning").first).to_be_visible()

    # round 1: two grades, then a question about one of them
    reviewer.select_option(f"#grade-{kept.id}", str(low))
    reviewer.fill(f"#comment-{kept.id}", "Allmänt hållet, inga exempel.")
    reviewer.select_option(f"#grade-{asked.id}", str(top))
    reviewer.click("button[value=grade]")
    assert "Bedömningarna är sparade." in reviewer.content()
    reviewer.click(f"#clarify-{asked.id} > summary")  # the box opens when asked for
    reviewer.fill(f"#ask-{asked.id}", "Beskriv hur ni följer upp underleverantörerna.")
    reviewer.click(f"#clarify-{asked.id} button[value=clarify]")
    assert "Leverantören har ombetts att komplettera." in reviewer.content()

    # the supplier changes the answer asked about and submits round 2
    suppliers = browser.new_context(locale="sv-SE")
    suppliers.set_default_timeout(10_000)
    supplier = suppliers.new_page()
    supplier.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    supplier.goto(link)
    supplier.click(f'a[href$="#q-{asked.id}"]')
    supplier.fill(f'[name="{asked.id}"]', "Vi besöker varje underleverantör en gång om året "
                                          "och följer upp avvikelser inom 30 dagar.")
    supplier.click("button[value=continue]")
    supplier.goto(f"{live.url}/supplier/check")
    supplier.check("#confirm-box")
    supplier.click(".submit-form button[type=submit]")
    assert supplier.url.split("#")[0].endswith("/supplier/receipt/2")

    # round 2: the unchanged answer keeps its grade, the changed one asks for a new one
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    no_violations(reviewer, axe)
    expect(reviewer.locator(f"#grade-{kept.id}")).to_have_value(str(low))
    expect(reviewer.locator(f"#grade-note-{kept.id}")).to_have_text("Bedömd i omgång 1")
    expect(reviewer.locator(f"#comment-{kept.id}")).to_have_value(
        "Allmänt hållet, inga exempel.")
    expect(reviewer.locator(f"#grade-{asked.id}")).to_have_value("")
    expect(reviewer.locator(f"#grade-note-{asked.id}")).to_have_text(
        "Svaret har ändrats sedan det bedömdes i omgång 1: bedöm det igen.")
    with unit_of_work(sessions) as session:
        second = session.scalar(select(Submission).where(
            Submission.response_id == response_id, Submission.round == 2))
        with_grade = score(masks, second.answers, {kept.id: low}).total
        without = score(masks, second.answers, {}).total
        assert session.get(Response, response_id).score == with_grade
    assert with_grade != without  # the kept grade counts in the score shown
    expect(reviewer.locator("#live-total")).to_have_text(decimal_sv(with_grade))

    # saving without touching the kept grade keeps it and records no new grade
    with unit_of_work(sessions) as session:
        events = len(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "graded", AuditEvent.object_id == response_id)).all())
    reviewer.click("button[value=grade]")
    assert "Bedömningarna är sparade." in reviewer.content()
    expect(reviewer.locator(f"#grade-{kept.id}")).to_have_value(str(low))
    expect(reviewer.locator(f"#grade-note-{kept.id}")).to_have_text("Bedömd i omgång 1")
    expect(reviewer.locator("#live-total")).to_have_text(decimal_sv(with_grade))
    no_violations(reviewer, axe)
    with unit_of_work(sessions) as session:
        assert len(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "graded", AuditEvent.object_id == response_id)).all()) == events

    # the reviewer sets the risk rating by hand: only with a justification
    with unit_of_work(sessions) as session:
        rules = session.get(Response, response_id).verdict["rules_rating"]
    band = "high" if rules == "low" else "low"
    label = {r.id: r.label["sv"] for r in masks.ratings}
    reviewer.click("#override-box > summary")  # behind a disclosure since issue 11
    reviewer.select_option("#rating-override", band)
    reviewer.click("button[value=override]")
    expect(reviewer.locator("#error-summary")).to_contain_text(
        "Skriv varför du sätter riskbedömningen för hand.")
    expect(reviewer.locator("#rating-override")).to_have_value(band)
    no_violations(reviewer, axe)
    reviewer.fill("#rating-justification", "Platsbesök visade att flaggan gällde en "
                                           "avslutad leverantör.")
    reviewer.click("button[value=override]")
    expect(reviewer.locator("#live-rating")).to_have_text(
        f"{label[band]}, satt av granskaren: Platsbesök visade att flaggan gällde en "
        f"avslutad leverantör. (enligt reglerna: {label[rules]})")
    no_violations(reviewer, axe)
    assert dialogs == []
    staff.close()
    suppliers.close()
