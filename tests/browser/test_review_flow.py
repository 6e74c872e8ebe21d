"""In Chromium: a reviewer grades, asks for clarification, the supplier answers, the
reviewer requires an action plan, the supplier reports progress, the reviewer closes it.

Two browser contexts (a reviewer and a supplier) work against the same live server; axe
checks every page they see, with JavaScript on, and the score follows a chosen grade
before it is saved.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from webapp.definitions.examples import example_answers
from webapp.store.db import unit_of_work
from webapp.store.models import Deviation, Response, Review, Submission
from webapp.store.responses import save_draft, submit
from webapp.store.staff import add_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def no_violations(page, axe):
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                  for v in axe.run(page).response["violations"]]
    assert violations == [], (page.url, violations)


def test_review_clarify_accept_with_an_action_plan(browser, live, masks, tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    axe = Axe()
    [(response_id, link)] = live.invite(masks)
    sessions = live.app.extensions["kedjekoll.sessions"]
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        answers = example_answers(masks, random.Random(11), files_for=lambda _q: [])
        save_draft(session, response, answers, 0, "test")
        submit(session, response, "flow-1", "test")
        add_user(session, "flode@region.example", "Fia Granskare", "reviewer", "test",
                 STAFF_PASSWORD)
    graded = next(x for x in masks.answerable()
                  if x.rubric and x.show_if is None and x.type == "textarea")
    levels = sorted(level.points for level in masks.rubrics[graded.rubric].levels)

    staff = browser.new_context(locale="sv-SE")
    staff.set_default_timeout(10_000)
    reviewer = staff.new_page()
    dialogs: list[str] = []
    reviewer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(reviewer, live.url, "flode@region.example")
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    no_violations(reviewer, axe)

    # the score follows the chosen grade before anything is saved
    reviewer.select_option(f"#grade-{graded.id}", str(levels[0]))
    expect(reviewer.locator("#live-note")).to_contain_text("spara bedömningarna")
    low = reviewer.inner_text("#live-total")
    reviewer.select_option(f"#grade-{graded.id}", str(levels[-1]))
    expect(reviewer.locator("#live-total")).not_to_have_text(low)
    high = reviewer.inner_text("#live-total")
    assert high != low
    with unit_of_work(sessions) as session:
        assert session.scalar(select(Review).where(Review.response_id == response_id)) is None

    reviewer.fill(f"#comment-{graded.id}", "Konkret och styrkt.")
    reviewer.click("button[value=grade]")
    assert "Bedömningarna är sparade." in reviewer.content()
    assert reviewer.inner_text("#live-total") == high
    no_violations(reviewer, axe)
    reviewer.click(f"#clarify-{graded.id} > summary")  # the box opens when asked for
    reviewer.fill(f"#ask-{graded.id}", "Bifoga den senaste revisionsrapporten.")
    reviewer.click(f"#clarify-{graded.id} button[value=clarify]")
    assert "Leverantören har ombetts att komplettera." in reviewer.content()

    # the supplier answers the question asked about and submits again
    suppliers = browser.new_context(locale="sv-SE")
    suppliers.set_default_timeout(10_000)
    supplier = suppliers.new_page()
    supplier.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    supplier.goto(link)
    assert "Bifoga den senaste revisionsrapporten." in supplier.content()
    supplier.click(f'a[href$="#q-{graded.id}"]')
    supplier.fill(f'[name="{graded.id}"]', "Revisionen i mars visade två mindre brister, "
                                           "som är åtgärdade; rapporten finns hos oss.")
    supplier.click("button[value=continue]")
    supplier.goto(f"{live.url}/supplier/check")
    supplier.check("#confirm-box")
    supplier.click(".submit-form button[type=submit]")
    assert supplier.url.split("#")[0].endswith("/supplier/receipt/2")

    # the reviewer sees what changed, and requires an action plan
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    no_violations(reviewer, axe)
    content = reviewer.content()
    assert "Visar omgång 2 av 2" in content and "Ändrat sedan omgång 1" in content
    reviewer.click("details.earlier summary")
    assert reviewer.is_visible("details.earlier[open]")
    reviewer.fill("#justification", "Svaren håller, men arbetstiderna måste åtgärdas.")
    reviewer.click("button[value=action_plan]")
    assert "Beslutet är sparat." in reviewer.content()
    reviewer.fill("#deviation-description", "Övertid över 60 timmar i veckan under högsäsong.")
    reviewer.fill("#deviation-owner", "Produktionschefen")
    reviewer.select_option("#deviation-severity", "major")
    reviewer.fill("#deviation-deadline", (date.today() + timedelta(30)).isoformat())
    reviewer.click(".add-deviation button[type=submit]")
    assert "Avvikelsen har lagts till i åtgärdsplanen." in reviewer.content()
    no_violations(reviewer, axe)

    # the supplier reports progress with evidence
    supplier.goto(f"{live.url}/supplier/")
    supplier.click("text=Se åtgärdsplanen och rapportera framsteg")
    no_violations(supplier, axe)
    evidence = tmp_path / "schema.pdf"
    evidence.write_bytes(PDF)
    supplier.fill("textarea[name=note]", "Nytt skiftschema infört från 1 december.")
    supplier.set_input_files("input[name=evidence]", str(evidence))
    supplier.click("form[enctype] button[type=submit]")
    assert "Er rapport har skickats till granskaren." in supplier.content()
    assert "schema.pdf" in supplier.content()
    no_violations(supplier, axe)

    # the reviewer checks, closes the deviation and the plan: the response is accepted
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    assert "Nytt skiftschema infört från 1 december." in reviewer.content()
    with unit_of_work(sessions) as session:
        deviation_id = session.scalar(select(Deviation.id).where(
            Deviation.response_id == response_id))
    reviewer.select_option(f"#status-{deviation_id}", "closed")
    reviewer.fill(f"#note-{deviation_id}", "Schemat och tidrapporter granskade.")
    reviewer.click(".deviation-form button[type=submit]")
    reviewer.click("text=Avsluta åtgärdsplanen och godkänn")
    assert "Åtgärdsplanen är avslutad och svaret godkänt." in reviewer.content()
    no_violations(reviewer, axe)
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        assert response.status == "accepted"
        rounds = session.scalars(select(Submission.round).where(
            Submission.response_id == response_id)).all()
        assert sorted(rounds) == [1, 2]
    assert re.search(r"Grön", reviewer.content())
    assert dialogs == []
    staff.close()
    suppliers.close()
