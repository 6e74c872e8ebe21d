"""Every staff page in Chromium, on the demo data: one layout, its menu, axe, no sideways scroll.

The pages are not listed by hand: every GET rule under /staff, and every view declared
for staff or admins, is visited (its ids filled from the demo data), so a page added later
is checked the day it is added. A rule that cannot be visited, a download for instance,
must be named in EXCLUDED with the reason; a new one fails `test_every_staff_page_is_covered`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.serving import make_server

from webapp import create_app
from webapp.review.navigation import ENTRIES
from webapp.store.db import unit_of_work
from webapp.store.demo import ADMIN, REVIEWER, load_demo
from webapp.store.models import (
    Attachment,
    Campaign,
    Contract,
    Deviation,
    Response,
    StaffUser,
    Supplier,
)
from webapp.supplier.limits import limiter

#: GET rules that are not pages, each with the reason it is not visited here
EXCLUDED = {
    "review.download": "an evidence file: always a download (tests/review covers it)",
    "review.export": "an export file (CSV, XLSX, JSON): a download (tests/review covers it)",
    "review.audit_csv": "the audit log as CSV: a download (tests/review/test_audit.py)",
}
#: the menu's entries for admins only: a reviewer must not see them
ADMIN_ONLY = {"review.outbox_page", "review.audit_log", "auth.accounts"}
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@dataclass(frozen=True)
class Page:
    endpoint: str
    url: str
    audience: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The app with the demo data, served on loopback; the ids a page address may need."""
    folder = tmp_path_factory.mktemp("layout")
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder, "WTF_CSRF_ENABLED": True})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        load_demo(session, app.extensions["kedjekoll.catalogue"], folder / "files")
        first = {model: session.scalar(select(model.id).order_by(model.id))
                 for model in (Campaign, Contract, Deviation, Attachment, Supplier, StaffUser)}
        flagged = session.scalar(select(Response.id).where(Response.red_flags > 0)
                                 .order_by(Response.id))
    samples = {"campaign_id": first[Campaign], "response_id": flagged,
               "contract_id": first[Contract], "deviation_id": first[Deviation],
               "attachment_id": first[Attachment], "supplier_id": first[Supplier],
               "user_id": first[StaffUser], "questionnaire_id": "ppe-masks-aprons",
               "token": "not-a-valid-token"}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", samples
    server.shutdown()
    thread.join(timeout=10)


def staff_rules(app) -> list[Rule]:
    """Every GET rule under /staff, and every other view for staff or admins."""
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        staff = getattr(view, "audience", None) in ("staff", "admin")
        if "GET" in rule.methods and (rule.rule.startswith("/staff") or staff):
            rules.append(rule)
    return rules


def pages(app, samples: dict) -> tuple[list[Page], list[str]]:
    """The pages to visit, and the rules that are neither visitable nor excluded."""
    found, unvisitable = [], []
    with app.test_request_context():
        from flask import url_for

        for rule in staff_rules(app):
            if rule.endpoint in EXCLUDED:
                continue
            missing = sorted(set(rule.arguments) - set(rule.defaults or {}) - set(samples))
            if missing:
                unvisitable.append(f"{rule.rule} ({rule.endpoint}): no sample for {missing}")
                continue
            args = {name: samples[name] for name in rule.arguments
                    if name not in (rule.defaults or {})}
            audience = app.view_functions[rule.endpoint].audience
            page = Page(rule.endpoint, url_for(rule.endpoint, **args), audience)
            if page not in found:
                found.append(page)
    return found, unvisitable


def test_every_staff_page_is_covered(demo):
    app, _url, samples = demo
    found, unvisitable = pages(app, samples)
    assert unvisitable == [], ("Give these rules a sample id in the `demo` fixture, or name "
                               "them in EXCLUDED with the reason", unvisitable)
    endpoints = {p.endpoint for p in found}
    assert {"review.dashboard", "review.campaigns", "review.campaign", "review.response_page",
            "review.suppliers", "review.audit_log", "review.outbox_page", "author.index",
            "auth.login"} <= endpoints


def sign_in(context, url: str, who: tuple) -> object:
    page = context.new_page()
    page.goto(f"{url}/staff/login")
    page.fill("#email", who[0])
    page.fill("#password", who[3])
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/staff/")
    return page


def violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in Axe().run(page).response["violations"]]


def menu(page) -> list[tuple[str, str, str | None, str | None]]:
    """The staff menu as shown: (text, href, aria-current, class) per link."""
    return page.eval_on_selector_all(
        "nav.staff-nav a", "links => links.map(a => [a.textContent.trim(), "
        "a.getAttribute('href'), a.getAttribute('aria-current'), a.getAttribute('class')])")


def entry_urls(app) -> dict[str, str]:
    with app.test_request_context():
        from flask import url_for

        return {e.endpoint: url_for(e.endpoint) for e in ENTRIES
                if e.endpoint in app.view_functions}


@pytest.mark.parametrize("who", [ADMIN, REVIEWER], ids=["admin", "reviewer"])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_staff_page_shares_the_layout(browser, demo, who, lang):
    app, url, samples = demo
    limiter.reset()
    found, _ = pages(app, samples)
    urls = entry_urls(app)
    context = browser.new_context(locale="sv-SE", viewport=WIDE)
    context.set_default_timeout(15_000)
    page = sign_in(context, url, who)
    problems = []
    for target in (p for p in found if p.audience in ("staff", "admin")):
        separator = "&" if "?" in target.url else "?"
        try:
            answer = page.goto(f"{url}{target.url}{separator}lang={lang}")
        except PlaywrightError as error:  # a download is not a page
            problems.append((target.url, "not a page: name it in EXCLUDED with the reason",
                             str(error).splitlines()[0]))
            continue
        if target.audience == "admin" and who == REVIEWER:
            assert answer.status == 404, target
            continue
        assert answer.status == 200, target
        assert page.get_attribute("html", "lang") == lang
        links = menu(page)
        shown = {href for _text, href, _current, _cls in links}
        current = [href for _text, href, aria, _cls in links if aria == "page"]
        marked = [href for _text, href, aria, cls in links if aria == "page" or cls]
        expected_menu = {u for e, u in urls.items() if who == ADMIN or e not in ADMIN_ONLY}
        if shown != expected_menu:
            problems.append((target.url, "menu", sorted(shown)))
        if target.endpoint in urls and current != [urls[target.endpoint]]:
            problems.append((target.url, "current page not marked", current))
        if target.endpoint not in urls and (current or len(marked) > 1):
            problems.append((target.url, "wrong entry marked", marked))
        if page.locator(".signed-in").inner_text().count(who[1]) != 1:
            problems.append((target.url, "signed-in person not shown"))
        width = page.evaluate("[document.documentElement.scrollWidth,"
                              " document.documentElement.clientWidth]")
        if width[0] > width[1]:
            problems.append((target.url, "scrolls sideways", width))
        found_violations = violations(page)
        if found_violations:
            problems.append((target.url, "axe", found_violations))
    context.close()
    assert problems == []


def test_signed_out_pages_keep_the_plain_layout(browser, demo):
    app, url, samples = demo
    limiter.reset()
    found, _ = pages(app, samples)
    context = browser.new_context(locale="sv-SE", viewport=WIDE)
    page = context.new_page()
    for target in (p for p in found if p.audience == "public"):
        page.goto(f"{url}{target.url}")
        assert page.locator("nav.staff-nav").count() == 0, target
        assert violations(page) == [], target
    context.close()


def test_the_sections_of_the_menu(browser, demo):
    """A campaign's page and a response's page sit under "Campaigns" without being it."""
    app, url, samples = demo
    limiter.reset()
    context = browser.new_context(locale="sv-SE", viewport=WIDE)
    page = sign_in(context, url, REVIEWER)
    for path in (f"/staff/campaigns/{samples['campaign_id']}",
                 f"/staff/responses/{samples['response_id']}", "/staff/campaigns/new"):
        page.goto(f"{url}{path}")
        assert page.locator("nav.staff-nav a.in-section").all_inner_texts() == ["Uppföljningar"]
        assert page.locator("nav.staff-nav [aria-current]").count() == 0
    page.goto(f"{url}/questionnaires/ppe-masks-aprons")
    assert page.locator("nav.staff-nav a.in-section").all_inner_texts() == ["Frågeformulär"]
    context.close()


def test_rating_labels_follow_the_language(browser, demo):
    """The overview's rating chart names the questionnaire's bands in the page's language."""
    _app, url, _samples = demo
    limiter.reset()
    context = browser.new_context(locale="sv-SE", viewport=WIDE)
    page = sign_in(context, url, REVIEWER)
    for lang, words in (("sv", ["Låg risk", "Medelhög risk", "Hög risk"]),
                        ("en", ["Low risk", "Medium risk", "High risk"])):
        page.goto(f"{url}/staff/?lang={lang}")
        first = page.locator(".rating-chart").first
        assert first.locator("th").all_inner_texts() == words
        assert first.locator("title").text_content().startswith(
            ("Riskbedömningar: Låg risk", "Risk ratings: Low risk")[lang == "en"])
        body = page.locator("main").inner_text()
        assert not {"low", "medium", "high"} & set(body.split())
    context.close()


def test_the_campaign_list(browser, demo):
    _app, url, samples = demo
    limiter.reset()
    context = browser.new_context(locale="sv-SE", viewport=WIDE)
    page = sign_in(context, url, REVIEWER)
    page.click("nav.staff-nav >> text=Uppföljningar")
    assert page.url == f"{url}/staff/campaigns"
    row = page.locator("tbody tr", has_text="Munskydd och förkläden: uppföljning 2026")
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "Öppen" and "munskydd" in cells[1] and cells[3:5] == ["9", "6"]
    row.locator("a").click()
    assert page.url.startswith(f"{url}/staff/campaigns/")
    context.close()


def test_on_a_phone_the_menu_wraps_and_works_by_keyboard_without_script(browser, demo):
    _app, url, _samples = demo
    limiter.reset()
    context = browser.new_context(locale="sv-SE", viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = sign_in(context, url, ADMIN)
    boxes = [a.bounding_box() for a in page.locator("nav.staff-nav a").all()]
    assert len(boxes) >= 6 and len({round(b["y"]) for b in boxes}) > 1  # wrapped
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes)
    assert all(b["height"] >= 24 for b in boxes)  # a finger-sized target
    for _ in range(20):  # from the top of the page, by keyboard only
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Leverantörer":
            break
    else:
        pytest.fail("Tab never reached the menu's Suppliers link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/staff/suppliers")
    for path in ("/staff/", "/staff/campaigns", "/staff/suppliers"):
        page.goto(f"{url}{path}")
        width = page.evaluate("[document.documentElement.scrollWidth,"
                              " document.documentElement.clientWidth]")
        assert width[0] <= width[1], (path, width)
    context.close()


def test_a_wide_table_scrolls_in_its_region_with_header_and_first_column_in_view(browser, demo):
    _app, url, samples = demo
    limiter.reset()
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 600})
    page = sign_in(context, url, REVIEWER)
    page.goto(f"{url}/staff/campaigns/{samples['campaign_id']}")
    region = page.locator("#suppliers").locator("xpath=..")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    region.focus()  # a keyboard user scrolls it with the arrow keys
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    moved = region.evaluate("r => [r.scrollLeft, r.scrollTop]")
    assert moved[0] > 0 and moved[1] > 0
    box = region.bounding_box()
    first_cell = page.locator("#suppliers tbody tr").nth(3).locator("th").bounding_box()
    header = page.locator("#suppliers thead th").nth(1).bounding_box()
    assert abs(first_cell["x"] - box["x"]) < 2  # the supplier's name stays at the left
    assert abs(header["y"] - box["y"]) < 2  # the header row stays on top
    context.close()
