"""The review page in Chromium, as a reviewer works through a shipped questionnaire.

Keyboard only (Tab, Shift+Tab, Space, Enter and typing), a reviewer grades an answer,
asks the supplier for clarification and, after the supplier answers, decides; with red
flags, accepting needs a written reason, and a decision refused for want of one keeps
everything typed. Axe finds nothing in Swedish and English at 1280 and 390 px, nothing
scrolls sideways, the verdict panel stays in view, and the page is at most a third of
its length before issue 11. Without JavaScript the same forms post.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.browser.review_data import SHIPPED_IDS, demo_response
from tests.browser.test_review_flow import no_violations
from tests.conftest import STAFF_PASSWORD
from webapp.store.db import unit_of_work
from webapp.store.models import Grade, Response, Review
from webapp.store.responses import save_draft, submit
from webapp.store.staff import add_user

#: page height in px at 1280 px before issue 11 (main at 24952c7), the same demo answers
BEFORE = {"ppe-masks-aprons": 16_890, "gloves": 18_786, "it-hardware": 18_491}


def reviewer_account(live, email: str) -> None:
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, email, "Kim Granskare", "reviewer", "test", STAFF_PASSWORD)


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, tag: e.tagName, parent: e.parentElement ? e.parentElement.id : '',
                href: e.getAttribute('href') || '', value: e.value === undefined ? '' : e.value,
                text: (e.textContent || '').trim().slice(0, 80)}; }""")


def tab_until(page, wanted, key: str = "Tab", limit: int = 600) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is the one wanted."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"never reached with {key}; focus is on {focused(page)}")


def test_keyboard_only_grade_clarify_and_decide(browser, live):
    from playwright.sync_api import expect

    q = live.app.extensions["kedjekoll.catalogue"].get("ppe-masks-aprons")
    response_id = demo_response(live, q.id, "red")
    sessions = live.app.extensions["kedjekoll.sessions"]
    reviewer_account(live, "tangent@region.example")
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live.url, "tangent@region.example")
    page.goto(f"{live.url}/staff/responses/{response_id}")
    graded = page.eval_on_selector("select.grade", "e => e.id")[len("grade-"):]
    rubric = q.rubrics[q.questions[graded].rubric]
    level = sorted(lv.points for lv in rubric.levels)[-2]  # the level below the top
    before = page.inner_text("#progress")
    to_grade = int(before.split(" av ")[1].split()[0])
    assert before == f"0 av {to_grade} bedömda"

    # grade: Tab to the grade, type the level's number, Tab to the comment, Enter saves
    tab_until(page, lambda f: f["id"] == f"grade-{graded}")
    page.keyboard.type(f"{level:g}")
    assert focused(page)["value"] == str(level)
    expect(page.locator("#progress")).to_have_text(f"1 av {to_grade} bedömda")  # unsaved
    page.keyboard.press("Tab")
    assert focused(page)["id"] == f"comment-{graded}"
    page.keyboard.type("Processen är beskriven, men utan belägg.")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text("Bedömningarna är sparade.")
    with unit_of_work(sessions) as session:
        grade = session.scalar(select(Grade).join(Review).where(
            Review.response_id == response_id, Grade.question_id == graded))
        assert (grade.points, grade.comment) == (level, "Processen är beskriven, men utan "
                                                        "belägg.")
    expect(page.locator("#progress")).to_have_text(f"1 av {to_grade} bedömda")
    expect(page.locator(f"#grade-{graded}")).to_have_value(str(level))

    # clarification: Tab to "Be om komplettering" on that answer, Enter opens it
    expect(page.locator(f"#clarify-{graded}")).not_to_have_attribute("open", "")
    tab_until(page, lambda f: f["tag"] == "SUMMARY" and f["parent"] == f"clarify-{graded}")
    page.keyboard.press("Enter")
    expect(page.locator(f"#clarify-{graded}")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == f"ask-{graded}"
    page.keyboard.type("Bifoga er senaste riskanalys för leverantörerna.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == f"ask-file-{graded}"
    page.keyboard.press("Space")
    tab_until(page, lambda f: f["tag"] == "BUTTON", limit=3)
    assert focused(page)["text"] == "Begär komplettering"
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text("Leverantören har ombetts att komplettera.")
    expect(page.locator(f"#a-{graded}")).to_contain_text(
        "Begärt förtydligande: Bifoga er senaste riskanalys för leverantörerna. "
        "(ett dokument efterfrågas)")
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        assert response.status == "clarification_requested"
        grade = session.scalar(select(Grade).join(Review).where(
            Review.response_id == response_id, Grade.question_id == graded))
        assert grade.clarification == "Bifoga er senaste riskanalys för leverantörerna."
        assert grade.wants_file
        # the supplier answers and submits round 2 (their side has its own tests)
        save_draft(session, response, {graded: "Riskanalysen bifogas; den uppdateras "
                                       "varje kvartal."}, response.draft_version, "supplier")
        submit(session, response, f"kb-{response_id}-2", "supplier")

    # decide: Tab to "Beslut" in the index, Enter, Tab into the justification
    page.goto(f"{live.url}/staff/responses/{response_id}")
    expect(page.locator("#red-warning")).to_be_visible()
    expect(page.locator(".decisions button").first).to_have_text("Kräv åtgärdsplan")
    tab_until(page, lambda f: f["href"] == "#decision")
    page.keyboard.press("Enter")
    tab_until(page, lambda f: f["id"] == "justification", limit=5)
    page.keyboard.type("Leverantören har kartlagt kedjan, men bomullen kommer från Xinjiang.")
    tab_until(page, lambda f: f["tag"] == "SUMMARY" and f["parent"] == "accept-anyway",
              limit=5)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "accept-despite"
    page.keyboard.press("Tab")  # leave the reason empty: the server refuses
    assert focused(page)["text"] == "Godkänn"
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Svaren ger röda flaggor: skriv varför du godkänner ändå")

    expect(summary).to_be_focused()
    expect(page.locator("#justification")).to_have_value(
        "Leverantören har kartlagt kedjan, men bomullen kommer från Xinjiang.")
    expect(page.locator("#accept-anyway")).to_have_attribute("open", "")
    with unit_of_work(sessions) as session:
        assert session.get(Response, response_id).status == "submitted"
    tab_until(page, lambda f: f["href"] == "#accept-despite", limit=3)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "accept-despite"
    page.keyboard.type("Spinneriet är bytt; ursprungstest visar bomull från Pakistan.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text("Beslutet är sparat.")
    expect(page.locator("#decision-heading + p")).to_contain_text("Godkänd")
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        review = session.scalar(select(Review).where(Review.response_id == response_id,
                                                     Review.round == 2))
        assert response.status == "accepted" and review.decision == "accepted"
        assert review.justification == (
            "Leverantören har kartlagt kedjan, men bomullen kommer från Xinjiang.\n\n"
            "Godkänd trots röda flaggor: Spinneriet är bytt; ursprungstest visar bomull "
            "från Pakistan.")
    context.close()


def test_the_review_page_is_short_in_view_and_passes_axe(browser, live):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    reviewer_account(live, "axe-granskning@region.example")
    responses = {qid: demo_response(live, qid) for qid in SHIPPED_IDS}
    for locale, decision in (("sv-SE", "Beslut"), ("en-GB", "Decision")):
        for width in (1280, 390):
            context = browser.new_context(locale=locale,
                                          viewport={"width": width, "height": 900})
            context.set_default_timeout(10_000)
            page = context.new_page()
            sign_in(page, live.url, "axe-granskning@region.example")
            for qid, response_id in responses.items():
                page.goto(f"{live.url}/staff/responses/{response_id}")
                if qid == SHIPPED_IDS[0] or (locale, width) == ("sv-SE", 1280):
                    no_violations(page, axe)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                assert page.locator(".review-index a").last.inner_text() == decision
                assert page.locator(".review-index a").count() == \
                    page.locator(".review-section").count() + 1
                assert page.locator("details.ask[open]").count() == 0  # closed until asked
                if width == 1280:
                    height = page.evaluate("document.documentElement.scrollHeight")
                    assert height <= BEFORE[qid] / 3, (qid, height)
                    for where in ("#r-" + page.eval_on_selector_all(
                            ".review-section > h2", "hs => hs[hs.length >> 1].id")[2:],
                                  "#decision"):  # half-way down, and at the decision
                        page.evaluate(f"document.querySelector('{where}').scrollIntoView()")
                        box = page.locator(".verdict-panel").bounding_box()
                        assert 0 <= box["y"] < 100, (qid, where, box)  # the verdict in view
                        rating = page.locator("#live-rating").bounding_box()
                        assert 0 < rating["y"] < 900 - rating["height"]
            context.close()


def test_without_javascript_the_review_forms_post(browser, live):
    from playwright.sync_api import expect

    q = live.app.extensions["kedjekoll.catalogue"].get("gloves")
    response_id = demo_response(live, q.id, "red")
    reviewer_account(live, "utan-js@region.example")
    context = browser.new_context(locale="en-GB", java_script_enabled=False,
                                  viewport={"width": 390, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live.url, "utan-js@region.example")
    page.goto(f"{live.url}/staff/responses/{response_id}")
    graded = page.eval_on_selector("select.grade", "e => e.id")[len("grade-"):]
    top = max(lv.points for lv in q.rubrics[q.questions[graded].rubric].levels)
    page.select_option(f"#grade-{graded}", str(top))
    page.click(".verdict-panel button[value=grade]")  # outside the form, posts it
    expect(page.locator(".flash")).to_have_text("Grades saved.")
    expect(page.locator(f"#grade-{graded}")).to_have_value(str(top))
    expect(page.locator("#progress")).to_contain_text("1 of ")

    # a refused decision keeps what was typed, the clarification box included
    page.click(f"#clarify-{graded} > summary")
    page.fill(f"#ask-{graded}", "Which suppliers did the analysis cover?")
    page.fill("#justification", "Recruitment fees are being repaid.")
    page.click("#accept-anyway > summary")
    page.click("#accept-anyway button[value=accepted]")
    expect(page.locator("#error-summary")).to_contain_text(
        "The answers raise red flags: write why you accept anyway")
    expect(page.locator(f"#clarify-{graded}")).to_have_attribute("open", "")
    expect(page.locator(f"#ask-{graded}")).to_have_value(
        "Which suppliers did the analysis cover?")
    expect(page.locator("#justification")).to_have_value("Recruitment fees are being repaid.")
    page.click(".decisions button[value=action_plan]")
    expect(page.locator(".flash")).to_have_text("Decision saved.")
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        assert session.get(Response, response_id).status == "action_plan"
    context.close()
