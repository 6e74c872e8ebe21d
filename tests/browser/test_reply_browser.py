"""A clarification reply with a file in Chromium without JavaScript; the pages of the
reply, the new-link request and the contact person checked by axe (with JavaScript),
at 1280 px and on a 390 px phone."""

from __future__ import annotations

import os
import random
from pathlib import Path

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from webapp.definitions.examples import example_answers
from webapp.store.db import unit_of_work
from webapp.store.models import Response
from webapp.store.responses import save_draft, submit
from webapp.store.staff import add_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHOTS = os.environ.get("KEDJEKOLL_SHOTS")  # a folder to keep screenshots in, to look at


def no_violations(page, axe):
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                  for v in axe.run(page).response["violations"]]
    assert violations == [], (page.url, violations)


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        page.url


def test_a_reply_with_a_file_without_javascript(browser, live, masks, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    [(response_id, link)] = live.invite(masks)
    sessions = live.app.extensions["kedjekoll.sessions"]
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        response.campaign.contact_name = "Anna Svensson"
        response.campaign.contact_email = "anna.svensson@region.example"
        response.campaign.contact_phone = "036-32 40 00"
        save_draft(session, response, example_answers(masks, random.Random(5),
                                                      files_for=lambda _q: []), 0, "test")
        submit(session, response, f"reply-{response_id}", "test")
        add_user(session, "svar@region.example", "Sven Granskare", "reviewer", "test",
                 STAFF_PASSWORD)
    asked = next(x for x in masks.answerable()
                 if x.rubric and x.show_if is None and x.type == "textarea")

    staff = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(10_000)
    reviewer = staff.new_page()
    sign_in(reviewer, live.url, "svar@region.example")
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    reviewer.click(f"#clarify-{asked.id} > summary")  # the box opens when asked for
    reviewer.fill(f"#ask-{asked.id}", "Bifoga den senaste revisionsrapporten.")
    reviewer.check(f"#ask-file-{asked.id}")
    no_violations(reviewer, axe)
    reviewer.click(f"#clarify-{asked.id} button[value=clarify]")
    assert "Leverantören har ombetts att förtydliga." in reviewer.content() or \
        reviewer.url.endswith(f"/staff/responses/{response_id}")

    for width in (1280, 390):
        context = browser.new_context(locale="sv-SE", java_script_enabled=False,
                                      viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(link)
        assert "Anna Svensson" in page.content() and "Frågor? Kontakta oss" in page.content()
        no_sideways_scroll(page)
        page.click(f"a[href$='#q-{asked.id}']")
        assert page.is_visible(f"#reply-{asked.id}")
        assert "Granskaren ber er bifoga ett dokument." in page.content()
        no_sideways_scroll(page)
        page.fill(f"#reply-{asked.id}", f"Rapporten från mars bifogas ({width}).")
        evidence = tmp_path / f"revision-{width}.pdf"
        evidence.write_bytes(PDF)
        page.set_input_files(f"#reply-file-{asked.id}", str(evidence))
        shot(page, f"reply-section-{width}")
        page.click("button[value=continue]")
        assert page.url.split("#")[0].endswith("/supplier/check")
        assert page.locator("a.change").count() == 1
        shot(page, f"reply-check-{width}")
        no_sideways_scroll(page)
        page.goto(page.url.split("#")[0].replace("/supplier/check", "/supplier/section/")
                  + masks.section_of[asked.id].id)
        assert f"revision-{width}.pdf" in page.content()  # kept, and shown as attached
        context.close()

    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(link)
    no_violations(page, axe)
    page.goto(f"{live.url}/supplier/section/{masks.section_of[asked.id].id}")
    no_violations(page, axe)
    page.goto(f"{live.url}/supplier/check")
    no_violations(page, axe)
    page.goto(f"{live.url}/i/{'x' * 43}")
    assert "Skicka en ny länk till mig" in page.content()
    no_violations(page, axe)
    no_sideways_scroll(page)
    shot(page, "invalid-link-390")
    page.fill("#new-link-email", "fel")
    page.click("text=Skicka en ny länk till mig")
    assert "Skriv en e-postadress" in page.content()
    no_violations(page, axe)
    page.fill("#new-link-email", "kim0@example.se")
    page.click("text=Skicka en ny länk till mig")
    assert "Titta i din e-post" in page.content()
    no_violations(page, axe)
    context.close()

    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    content = reviewer.content()
    assert "Leverantörens svar" not in content  # not submitted yet: round 2 is a draft
    with unit_of_work(sessions) as session:
        response = session.get(Response, response_id)
        submit(session, response, f"reply-2-{response_id}", "test")
    reviewer.goto(f"{live.url}/staff/responses/{response_id}")
    content = reviewer.content()
    assert "Leverantörens svar" in content and "Rapporten från mars bifogas (390)." in content
    assert "revision-390.pdf" in content
    no_violations(reviewer, axe)
    if SHOTS:
        reviewer.locator(f"#a-{asked.id}").screenshot(
            path=str(Path(SHOTS) / "review-reply-1280.png"))
    staff.close()
