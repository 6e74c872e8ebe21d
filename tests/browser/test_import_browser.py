"""In Chromium: a large import that stops at its time limit says how far it got and is
continued from the keyboard until every line is stored (R6); with JavaScript off too
(staff pages load no scripts, so axe and the width check run where it is on)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD
from tests.support.supplier_files import supplier_file
from webapp.review import suppliers as review_suppliers
from webapp.store.db import unit_of_work
from webapp.store.models import Contract, Supplier
from webapp.store.staff import add_user
from webapp.supplier.limits import limiter

SHOTS = Path(os.environ.get("KEDJEKOLL_SHOTS", "/tmp/kedjekoll-shots"))
TEXTS = {
    "sv": ("Importen är inte klar: {n} av 1\u00a0200 rader är sparade", "Fortsätt importen",
           "Importerat: 900 nya, 0 uppdaterade och 0 oförändrade leverantörer"),
    "en": ("Import not finished: {n} of 1,200 lines are stored", "Continue the import",
           "Imported: 900 new, 0 updated, 0 unchanged suppliers"),
}


@pytest.mark.parametrize(("lang", "width", "scripts"), [("sv", 1280, True), ("en", 390, True),
                                                      ("sv", 390, False)])
def test_a_stopped_import_is_continued_from_the_keyboard(browser, live, monkeypatch, lang,
                                                         width, scripts):
    from axe_playwright_python.sync_playwright import Axe

    monkeypatch.setattr(review_suppliers, "IMPORT_SECONDS", 0)  # one batch a request
    limiter.reset()
    reference = f"BULK-{lang}-{width}"
    email = f"bulk-{lang}-{width}@region.example"
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        session.add(Contract(name="Stora avtalet", reference=reference, year=2026,
                             risk_areas=[]))
        add_user(session, email, "Bo Import", "reviewer", "test", STAFF_PASSWORD)
    prefix = {1280: "71", 390: "72"}[width] + ("1" if scripts else "2")
    raw = supplier_file(1_200, (reference,), prefix=prefix).encode("utf-8")
    heading, button, done = TEXTS[lang]
    context = browser.new_context(locale="sv-SE", java_script_enabled=scripts,
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, live.url, email)
    page.goto(f"{live.url}/staff/suppliers/import?lang={lang}")
    page.set_input_files("#file", files=[{"name": "stor.csv", "mimeType": "text/csv",
                                          "buffer": raw}])
    page.click("button[value=preview]")
    page.click("button[value=import]")
    axe = Axe()
    for n in ("500", "1\u00a0000" if lang == "sv" else "1,000"):  # Swedish groups
        assert page.inner_text("#progress-heading") == heading.format(n=n)
        if scripts:
            assert [(v["id"], [x["target"] for x in v["nodes"]][:3])
                    for v in axe.run(page).response["violations"]] == []
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"import-continue-{lang}-{width}-{scripts}-{n[0]}.png"),
                        full_page=False)
        page.focus(f"#progress button:has-text('{button}')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.wait_for_selector(f"text={done}")
    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        assert session.scalar(select(func.count()).select_from(Supplier).where(
            Supplier.org_number.like(f"{prefix}%"))) == 900
    context.close()
