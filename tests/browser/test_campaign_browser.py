"""In Chromium: import suppliers, start a campaign, try YAML; each page checked by axe."""

from __future__ import annotations

from datetime import date, timedelta

from tests.browser.conftest import sign_in
from tests.conftest import STAFF_PASSWORD, questionnaire_yaml
from webapp.store.db import unit_of_work
from webapp.store.models import Contract
from webapp.store.staff import add_user

CSV = ("Organisationsnummer;Leverantör;Land;Kontaktperson;E-post;Ramavtal\r\n"
       "556900-0001;Östgöta Handske AB;SE;Åsa Ek;asa@ostgota.example;AXE-2026\r\n"
       "556900-0002;Älvdalens Förkläden AB;SE;;;AXE-2026\r\n"
       "556900-0003;;SE;;;\r\n").encode("cp1252")


def _violations(axe, page) -> list:
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in axe.run(page).response["violations"]]


def test_import_then_campaign_then_try_yaml(browser, live):
    from axe_playwright_python.sync_playwright import Axe

    with unit_of_work(live.app.extensions["kedjekoll.sessions"]) as session:
        session.add(Contract(name="Axe-avtalet 2026", reference="AXE-2026", year=2026,
                             risk_areas=[]))
        add_user(session, "campaigns@region.example", "Cecilia Kampanj", "reviewer", "test",
                 STAFF_PASSWORD)
    axe = Axe()
    context = browser.new_context(locale="sv-SE")  # staff pages load no scripts
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live.url, "campaigns@region.example")

    page.goto(f"{live.url}/staff/suppliers/import")
    assert _violations(axe, page) == []
    page.set_input_files("#file", files=[{"name": "leverantorer.csv", "mimeType": "text/csv",
                                          "buffer": CSV}])
    page.click("button[value=preview]")
    assert "Windows-1252" in page.content() and "Östgöta Handske AB" in page.content()
    assert _violations(axe, page) == []
    page.click("button[value=import]")
    assert "Östgöta Handske AB" in page.content() and "Åsa Ek" in page.content()
    assert _violations(axe, page) == []

    page.goto(f"{live.url}/staff/campaigns/new")
    assert _violations(axe, page) == []
    page.fill("#name", "Axe-uppföljning")
    page.select_option("#questionnaire", "gloves")
    page.select_option("#contract", label="AXE-2026: Axe-avtalet 2026")
    page.fill("#deadline", (date.today() - timedelta(days=2)).isoformat())
    page.click("button[value=suppliers] >> nth=0")
    assert page.is_checked("text=Östgöta Handske AB >> xpath=preceding-sibling::input")
    assert "ingen e-postadress" in page.content()
    assert _violations(axe, page) == []
    page.click("button[value=create]")
    assert "Sista svarsdag måste vara ett datum framåt i tiden." in page.content()
    assert page.input_value("#name") == "Axe-uppföljning"
    assert _violations(axe, page) == []
    page.fill("#deadline", (date.today() + timedelta(days=20)).isoformat())
    page.click("button[value=create]")
    assert "Kampanjen skapades och 2 leverantörer bjöds in." in page.content()

    page.goto(f"{live.url}/questionnaires/try")
    assert _violations(axe, page) == []
    page.fill("#try-yaml", questionnaire_yaml(
        "- {id: name, type: txt, label: {sv: Namn, en: Name}}"))
    page.click("text=Kontrollera och förhandsvisa")
    assert "S203" in page.content()
    assert _violations(axe, page) == []
    page.fill("#try-yaml", questionnaire_yaml(
        "- {id: name, type: text, label: {sv: Namn, en: Name}}",
        "- {id: code, type: yesno, label: {sv: Uppförandekod?, en: Code of conduct?}}"))
    page.click("text=Kontrollera och förhandsvisa")
    assert "Uppförandekod?" in page.content()
    assert _violations(axe, page) == []
    context.close()
