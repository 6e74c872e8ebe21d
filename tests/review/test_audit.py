"""The audit log for people: words for every event, readable details, links, filters, CSV."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from tests.conftest import ROOT, signed_in
from tests.support.queries import count_statements
from webapp import create_app
from webapp.review.audit_words import ACTIONS, action_name
from webapp.store.db import unit_of_work
from webapp.store.demo import load_demo
from webapp.store.models import AuditEvent, Campaign, Deviation, Response, Supplier
from webapp.supplier.limits import limiter


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit")
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        load_demo(session, app.extensions["kedjekoll.catalogue"], folder / "files")
    return app


@pytest.fixture(scope="module")
def admin(demo_app):
    return signed_in(demo_app, "admin")


def sessions(app):
    return app.extensions["kedjekoll.sessions"]


def page(client, query: str = "", lang: str = "sv") -> str:
    response = client.get(f"/staff/audit?lang={lang}&{query}")
    assert response.status_code == 200, query
    return response.get_data(as_text=True)


def matched(html: str) -> int:
    """The number of events the caption says match."""
    caption = re.search(r'<caption id="audit-caption">(.*?)</caption>', html, re.S).group(1)
    return int(re.match(r"\s*(\d+)", unescape(caption).replace("\u00a0", "")).group(1))


def rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def download(client, query: str = "", lang: str = "sv") -> tuple[str, list[list[str]]]:
    response = client.get(f"/staff/audit.csv?lang={lang}&{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data().decode("utf-8")
    separator = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return text, list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=separator))


# ---------------------------------------------------------------- the registry


def recorded_codes() -> dict[str, str]:
    """Every action code passed to `record(` in webapp/, with where it is recorded.

    A code is a literal, either branch of `a if c else b`, or a parameter of the
    enclosing function (`add_user(..., action="user.invited")`): then its default and
    every literal passed for it by keyword anywhere in webapp/ count.
    """
    trees = {path: ast.parse(path.read_text(encoding="utf-8"))
             for path in sorted((ROOT / "webapp").rglob("*.py"))}
    codes: dict[str, str] = {}
    passed: dict[tuple[str, str], str] = {}  # (function, parameter) -> where it records
    for path, tree in trees.items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and len(node.args) >= 3):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else \
                    getattr(node.func, "attr", None)
                if name != "record":
                    continue
                code = node.args[2]
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if isinstance(code, ast.Name):
                    arguments = function.args.args + function.args.kwonlyargs
                    assert code.id in [a.arg for a in arguments], \
                        f"{where}: the action code must be a literal or a parameter"
                    defaults = dict(zip([a.arg for a in function.args.args][::-1],
                                        function.args.defaults[::-1], strict=False))
                    default = defaults.get(code.id)
                    if isinstance(default, ast.Constant) and isinstance(default.value, str):
                        codes.setdefault(default.value, where)
                    passed[(function.name, code.id)] = where
                    continue
                found = [code] if not isinstance(code, ast.IfExp) else [code.body, code.orelse]
                for part in found:
                    assert isinstance(part, ast.Constant) and isinstance(part.value, str), \
                        f"{where}: write the action code as a literal (the registry is checked)"
                    codes.setdefault(part.value, where)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else \
                getattr(node.func, "attr", None)
            if name == "Event" and node.args and isinstance(node.args[0], ast.Constant):
                # store.audit.record_many's events (bulk imports) name their code first
                codes.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
            for keyword in node.keywords:
                if (name, keyword.arg) in passed:
                    assert isinstance(keyword.value, ast.Constant), \
                        f"{path.relative_to(ROOT)}:{node.lineno}: pass the action as a literal"
                    codes.setdefault(keyword.value.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def test_every_recorded_action_has_words_in_both_languages():
    codes = recorded_codes()
    assert {"status", "deviation.added", "mail.sent", "graded", "audit.exported"} <= set(codes)
    missing = {code: where for code, where in codes.items() if code not in ACTIONS}
    assert missing == {}, "add these to webapp/review/audit_words.py ACTIONS"
    for code, words in ACTIONS.items():
        assert words.sv and words.en and words.sv != code and words.en != code


def test_an_action_without_words_is_shown_by_its_code(demo_app, admin):
    with unit_of_work(sessions(demo_app)) as session:
        session.add(AuditEvent(actor="admin@region.example", action="user.renamed",
                               object_type="staff_user", object_id=1, details={"by": "test"}))
    html = page(admin, "action=user.renamed")
    assert matched(html) == 1 and '<td data-label="Händelse">user.renamed</td>' in html
    assert action_name("user.renamed", "en") == "user.renamed"
    assert "<dt>by</dt><dd>test</dd>" in html  # an unknown detail: its key, its value


# ---------------------------------------------------------------- what a row says


def test_events_read_as_words_with_readable_details_and_links(demo_app, admin):
    with sessions(demo_app)() as session:
        deviation = session.scalars(select(Deviation)).first()
    html = page(admin, "action=deviation.added")
    assert "Avvikelse tillagd" in html and ">deviation.added</td>" not in html
    assert f'href="/staff/responses/{deviation.response_id}#dev-{deviation.id}"' in html
    assert "<dt>Allvarlighetsgrad</dt>" in html and "<dt>Sista dag</dt>" in html
    assert re.search(r"<dd>\d{1,2} [a-zé]+\.? 20\d\d</dd>", html)  # "15 jan. 2027"
    english = page(admin, "action=deviation.added", "en")
    assert "Deviation added" in english and "<dt>Severity</dt>" in english
    status = page(admin, "action=status")
    assert "Status ändrad" in status and "<dt>Före</dt>" in status
    assert "Inskickad" in status and "\\u00" not in status and "{&#34;" not in status
    response_link = re.search(r'href="/staff/responses/(\d+)">([^<]+)</a>', status)
    assert response_link and " – " in response_link.group(2)  # supplier – campaign


def test_a_detail_keeps_its_letters_and_is_never_cut(demo_app, admin):
    reason = ("Leverantören har röda flaggor för Xinjiang och vägrar revision; " * 4).strip()
    with unit_of_work(sessions(demo_app)) as session:
        response = session.scalars(select(Response)).first()
        session.add(AuditEvent(actor="granskare@region.example", action="status",
                               object_type="response", object_id=response.id,
                               details={"old": "in_review", "new": "rejected", "reason": reason}))
    html = page(admin, "action=status")
    assert f"<dd>{reason}</dd>" in unescape(html)
    assert "har r\\u00f6da" not in html


def test_ids_in_the_details_are_named_links(demo_app, admin):
    html = page(admin, "action=invited")
    with sessions(demo_app)() as session:
        campaign = session.scalars(select(Campaign)).first()
    assert (f'<dt>Uppföljning</dt><dd><a href="/staff/campaigns/{campaign.id}">'
            f'{campaign.name}</a></dd>') in unescape(html)
    assert '<dt>Leverantör</dt><dd><a href="/staff/suppliers">' in html


# ---------------------------------------------------------------- filters


def expected(app, keep) -> int:
    with sessions(app)() as session:
        events = session.scalars(select(AuditEvent)).all()
        responses = {r.id: r for r in session.scalars(select(Response))}
        return sum(1 for e in events if keep(e, responses))


def response_of(event, responses):
    rid = event.object_id if event.object_type == "response" else (event.details or {}).get(
        "response")
    return responses.get(rid)


def test_filter_by_campaign(demo_app, admin):
    with sessions(demo_app)() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name.like("Munskydd%")))

    def keep(e, responses):
        r = response_of(e, responses)
        return (e.object_type == "campaign" and e.object_id == campaign.id) or \
            (e.details or {}).get("campaign") == campaign.id or \
            (r is not None and r.campaign_id == campaign.id)

    html = page(admin, f"campaign={campaign.id}")
    assert matched(html) == expected(demo_app, keep) > 50
    assert f'<option value="{campaign.id}" selected>' in html


def test_filter_by_supplier_takes_its_own_actions_too(demo_app, admin):
    with sessions(demo_app)() as session:
        supplier = session.scalar(select(Supplier).where(Supplier.name.like("Nordisk%")))
        session.add(AuditEvent(actor=f"supplier:{supplier.id}:anna@nordisk.example",
                               action="opened", object_type="", object_id=None, details={}))
        session.commit()

    def keep(e, responses):
        r = response_of(e, responses)
        return (e.object_type == "supplier" and e.object_id == supplier.id) or \
            (e.details or {}).get("supplier") == supplier.id or \
            e.actor.startswith(f"supplier:{supplier.id}:") or \
            (r is not None and r.supplier_id == supplier.id)

    html = page(admin, f"supplier={supplier.id}")
    assert matched(html) == expected(demo_app, keep) > 5
    assert "Leverantörens kontakt: Nordisk Skyddsmateriel AB &lt;anna@nordisk.example&gt;" in html


def test_filter_by_person_and_action(demo_app, admin):
    with sessions(demo_app)() as session:
        person = session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "graded"))
    html = page(admin, f"actor={person}")
    assert matched(html) == expected(demo_app, lambda e, _r: e.actor == person)
    both = page(admin, f"actor={person}&action=graded")
    assert matched(both) == expected(
        demo_app, lambda e, _r: e.actor == person and e.action == "graded") > 0
    assert all("Svar bedömt" in row for row in rows(both))
    suppliers = page(admin, "actor=supplier")
    assert matched(suppliers) == expected(demo_app, lambda e, _r: e.actor.startswith("supplier:"))


def test_days_are_stockholm_days(demo_app, admin):
    # 22:30 UTC on 1 March is 23:30 in Stockholm (1 March); 23:30 UTC is 00:30 on 2 March
    with unit_of_work(sessions(demo_app)) as session:
        for hour in (22, 23):
            session.add(AuditEvent(at=datetime(2025, 3, 1, hour, 30, tzinfo=UTC),
                                   actor="natt@region.example", action="campaign.closed",
                                   object_type="", details={"reason": f"klockan {hour}"}))
    second = page(admin, "from=2025-03-02&to=2025-03-02&actor=natt@region.example")
    assert matched(second) == 1 and "klockan 23" in second
    first = page(admin, "to=2025-03-01&actor=natt@region.example")
    assert matched(first) == 1 and "klockan 22" in first
    both = page(admin, "from=2025-03-01&to=2025-03-02&actor=natt@region.example")
    assert matched(both) == 2


def test_every_filter_at_once_and_the_pages_keep_them(demo_app, admin):
    with sessions(demo_app)() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.name.like("Munskydd%")))
        response = session.scalar(select(Response).where(Response.campaign_id == campaign.id))
    with unit_of_work(sessions(demo_app)) as session:
        for n in range(130):
            session.add(AuditEvent(at=datetime(2025, 6, 10, 9, n % 60, tzinfo=UTC),
                                   actor="sida@region.example", action="graded",
                                   object_type="response", object_id=response.id,
                                   details={"question": "policy", "old": None, "new": n % 4}))
    query = (f"campaign={campaign.id}&supplier={response.supplier_id}&actor=sida@region.example"
             "&action=graded&from=2025-06-10&to=2025-06-10")
    first = page(admin, query)
    assert matched(first) == 130 and len(rows(first)) == 100
    older = re.search(r'<a href="([^"]+)">Äldre</a>', first).group(1)
    for part in query.split("&"):
        assert part in unescape(older)
    second = admin.get(unescape(older)).get_data(as_text=True)
    assert len(rows(second)) == 30 and "Nyare" in second
    assert "page=2" in unescape(older)
    text, table = download(admin, query)
    assert len(table) == 131  # a header and every event, not one page


def test_a_day_that_cannot_be_read_is_said_at_its_field(demo_app, admin):
    html = page(admin, "from=1%2F3%2F2025&to=2025-03-01")
    assert 'aria-invalid="true"' in html and "Skriv dagen som ÅÅÅÅ-MM-DD" in html
    assert 'value="1/3/2025"' in html  # what was typed stays in the field
    backwards = page(admin, "from=2025-03-05&to=2025-03-01")
    assert "Den sista dagen ligger före den första." in backwards
    assert admin.get("/staff/audit.csv?from=igår").status_code == 400


def test_the_log_is_for_administrators_only(demo_app):
    reviewer = signed_in(demo_app, "reviewer")
    assert reviewer.get("/staff/audit").status_code == 404
    assert reviewer.get("/staff/audit.csv").status_code == 404


def test_a_page_costs_the_same_number_of_queries_however_many_rows(demo_app, admin):
    def cost(query: str) -> int:
        return count_statements(demo_app.extensions["kedjekoll.engine"],
                                lambda: admin.get(f"/staff/audit?{query}").get_data())

    with sessions(demo_app)() as session:
        person = session.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "status", AuditEvent.actor.like("%@%.example")))
    assert 0 < matched(page(admin, f"action=status&actor={person}")) < 10
    assert matched(page(admin, "action=status")) > 50
    assert cost(f"action=status&actor={person}") == cost("action=status")
    assert cost("") <= 16  # every kind of object on the page: one query per kind at most


# ---------------------------------------------------------------- CSV


def test_the_csv_opens_in_swedish_excel(demo_app, admin):
    text, table = download(admin, "action=invited")
    assert text.startswith("\ufeff") and text.splitlines()[0].count(";") == 8
    assert table[0][:3] == ["Tid", "Vem", "Händelse"]
    body = table[1:]
    assert len(body) == expected(demo_app, lambda e, _r: e.action == "invited")
    assert all(row[2] == "Leverantör inbjuden" and row[3] == "invited" for row in body)
    assert any("Förkläden" in row[5] or "förkläden" in row[5] for row in body)
    assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d", body[0][0])
    assert any("Uppföljning: Munskydd och förkläden" in row[7] for row in body)


def test_the_csv_in_english_uses_commas_and_a_parameter_chooses(demo_app, admin):
    text, table = download(admin, "action=invited", "en")
    assert table[0][:3] == ["Time", "Who", "Action"] and text.splitlines()[0].count(",") == 8
    assert table[1][2] == "Supplier invited"
    semicolons, _ = download(admin, "action=invited&sep=semicolon", "en")
    assert semicolons.splitlines()[0].count(";") == 8


def test_the_csv_neutralises_formulas_and_is_audited(demo_app, admin):
    with unit_of_work(sessions(demo_app)) as session:
        session.add(AuditEvent(actor="=HYPERLINK(\"http://evil.example\")", action="status",
                               object_type="", details={"reason": "@SUM(A1)"}))
    _text, table = download(admin, "action=status")
    evil = [row for row in table if "HYPERLINK" in row[1]]
    assert evil and evil[0][1].startswith("'=")
    with sessions(demo_app)() as session:
        exported = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "audit.exported").order_by(AuditEvent.id.desc())).first()
    assert exported.details["filters"] == {"action": "status"}
    assert exported.details["request_id"]  # which request, as in the request log
    html = page(admin, "action=audit.exported")
    assert "Händelseloggen exporterad" in html and "<dt>Filter</dt>" in html
    assert "Händelse: Status ändrad" in html


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_csv_neutralises_prefixes_behind_controls_and_full_width(demo_app, admin, lang):
    """S14: an actor starting with a control character or blank before `=`,
    or with a full-width `＝ ＋ － ＠`, reads (csv module) as text starting with `'`."""
    sneaky = ["\x00=HYPERLINK(1)", " =HYPERLINK(2)", "\u3000@HYPERLINK(3)",
              "\uff1dHYPERLINK(4)", "\uff0bHYPERLINK(5)", "\uff0dHYPERLINK(6)",
              "\uff20HYPERLINK(7)", "\r\n=HYPERLINK(8)"]
    with unit_of_work(sessions(demo_app)) as session:
        session.add_all(AuditEvent(actor=actor, action=f"sneaky.{lang}", object_type="",
                                   details={}) for actor in sneaky)
    _text, table = download(admin, f"action=sneaky.{lang}", lang)
    rows = [row for row in table[1:] if "HYPERLINK" in row[1]]
    assert len(rows) == len(sneaky)
    assert all(row[1].startswith("'") for row in rows), rows


def test_the_other_language_keeps_the_filters(demo_app, admin):
    html = unescape(page(admin, "action=graded&from=2025-01-01"))
    switch = re.search(r'<a href="([^"]+)" lang="en"', html).group(1)
    assert "action=graded" in switch and "from=2025-01-01" in switch and "lang=en" in switch
    odd = admin.get("/staff/audit?endpoint=x&_external=1&_anchor=y&action=graded")
    assert odd.status_code == 200


def test_an_account_event_links_to_the_account_and_says_the_role(demo_app, admin):
    html = page(admin, "action=staff.added")
    assert re.search(r'<a href="/staff/accounts/\d+">[^<]+&lt;admin-[0-9a-f]+@region\.example&gt;'
                     r"</a>", html)
    assert "<dt>Roll</dt><dd>Administratör</dd>" in html
