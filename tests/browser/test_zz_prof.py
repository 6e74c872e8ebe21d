from tests.browser.conftest import sign_in
from tests.browser.review_data import demo_response
from tests.conftest import STAFF_PASSWORD
from webapp.store.db import unit_of_work
from webapp.store.staff import add_user

def test_prof(browser, live):
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, "mat@region.example", "M", "reviewer", "t", STAFF_PASSWORD)
    rid = demo_response(live, "ppe-masks-aprons")
    ctx = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    sign_in(page, live.url, "mat@region.example")
    page.goto(f"{live.url}/staff/responses/{rid}")
    rows = page.evaluate("""[...document.querySelectorAll('.review-question')].map(e => [e.id, Math.round(e.getBoundingClientRect().height)])""")
    rows.sort(key=lambda r: -r[1])
    print(rows[:20], sum(r[1] for r in rows), len(rows))
    for sel in ['.decision-panel', '#override-box', '.review-answers > form > .actions', '.review-answers', 'main > dl', '.review-layout', 'main', 'h1', '.review-index', '.verdict-panel', 'main > form', 'main > section']:
        print(sel, page.evaluate(f"(() => {{ const e = document.querySelector('{sel}'); return e ? Math.round(e.getBoundingClientRect().height) : null }})()"))
    page.locator("#decision").screenshot(path="/tmp/rp/decision.png")
    ctx.close()
