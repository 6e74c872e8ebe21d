"""Importing suppliers and contacts from CSV: the preview, the import, the list, the CLI."""

from __future__ import annotations

import io
import re
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import signed_in
from tests.store.conftest import new_database, pg_server, postgresql_proc  # noqa: F401
from tests.support.supplier_files import supplier_file
from webapp import create_app
from webapp.cli import main
from webapp.review import suppliers as review_suppliers
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, Contact, Contract, ContractSupplier, Supplier
from webapp.store.supplier_csv import parse_bytes
from webapp.supplier.limits import limiter

EXCEL_SV = (
    "Organisationsnummer;Leverantör;Land;Kontaktperson;E-post;Språk;Ramavtal\r\n"
    "5560360793;Åhléns Skyddsutrustning AB;se;Örjan Ström;orjan@ahlens.example;sv;HSM-2018\r\n"
    "556036-0793;Åhléns Skyddsutrustning AB;SE;Märta Öberg;marta@ahlens.example;en;\r\n"
    "MY-778899;Glove Works Sdn Bhd;MY;Aziz;aziz@gloveworks.example;EN;HSM-2018\r\n"
).encode("cp1252")

BAD = (
    "org number,name,country,contact email,agreement\n"
    "556111-1111,,SE,a@b.example,\n"            # line 2: no name
    "556222-2222,Bra AB,SE,not-an-address,\n"   # line 3: bad e-mail
    "556333-3333,Land AB,XX,c@d.example,\n"     # line 4: unknown country
    "556444-4444,Avtal AB,SE,e@f.example,NOPE\n"  # line 5: unknown agreement
    "556555-5555,Först AB,SE,g@h.example,\n"    # line 6: fine
    "556555-5555,Annan AB,SE,i@j.example,\n"    # line 7: same number, other name
)


@pytest.fixture
def staff(app):
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        session.add(Contract(name="Hälso- och sjukvårdsmaterial 2018", reference="HSM-2018",
                             year=2018, risk_areas=[]))
    return signed_in(app)


def _token(client) -> str:
    html = client.get("/staff/suppliers/import").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _preview(client, raw: bytes, name: str = "leverantorer.csv") -> str:
    # encoded here, in memory: the test client spools a large body to a temporary file
    # and never closes it
    boundary, body = encode_multipart(MultiDict({
        "csrf_token": _token(client), "action": "preview",
        "file": FileStorage(io.BytesIO(raw), name, content_type="text/csv")}))
    response = client.post("/staff/suppliers/import?lang=en", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _confirm(client, preview: str):
    carried = re.search(r'name="carried" value="([^"]*)"', preview).group(1)
    encoding = re.search(r'name="encoding" value="([^"]*)"', preview).group(1)
    return client.post("/staff/suppliers/import?lang=en", data={
        "csrf_token": _token(client), "action": "import", "carried": carried,
        "encoding": encoding})


def _counts(app) -> tuple[int, int, int]:
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        return (session.scalar(select(func.count()).select_from(Supplier)),
                session.scalar(select(func.count()).select_from(Contact)),
                session.scalar(select(func.count()).select_from(ContractSupplier)))


def test_excel_swedish_csv_preview_then_import(app, staff):
    html = _preview(staff, EXCEL_SV)
    assert 'Read as Windows-1252, columns separated by ";".' in html
    assert "Preview: nothing has been imported yet" in html
    assert "Åhléns Skyddsutrustning AB" in html and "Glove Works Sdn Bhd" in html
    assert "New suppliers: 2" in html
    assert "orjan@ahlens.example, marta@ahlens.example" in html
    assert _counts(app) == (0, 0, 0)  # the preview writes nothing
    done = _confirm(staff, html)
    assert done.status_code == 303
    listing = staff.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported: 2 new, 0 updated, 0 unchanged suppliers; 0 lines left out." in listing
    assert "Åhléns Skyddsutrustning AB" in listing and "556036-0793" in listing
    assert "Örjan Ström &lt;orjan@ahlens.example&gt; (sv)" in listing
    assert "Märta Öberg &lt;marta@ahlens.example&gt; (en)" in listing
    assert "HSM-2018" in listing
    assert _counts(app) == (2, 3, 2)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert actions.count("supplier.created") == 2 and "suppliers.imported" in actions


def test_reimport_is_idempotent(app, staff):
    _confirm(staff, _preview(staff, EXCEL_SV))
    again = _preview(staff, EXCEL_SV)
    assert "New suppliers: 0" in again and "Suppliers unchanged: 2" in again
    _confirm(staff, again)
    assert _counts(app) == (2, 3, 2)


def test_utf8_with_bom_and_an_update(app, staff):
    _confirm(staff, _preview(staff, EXCEL_SV))
    bom = ("\ufeffOrg number,Name,Country,Contact name,Contact e-mail,Contact language\n"
           "556036-0793,Åhléns Skydd AB,SE,Örjan Ström,ORJAN@ahlens.example,sv\n"
           "556036-0793,Åhléns Skydd AB,SE,Nils Nyberg,nils@ahlens.example,sv\n").encode()
    html = _preview(staff, bom)
    assert "UTF-8 (BOM)" in html and "Suppliers updated: 1" in html
    assert "name: Åhléns Skyddsutrustning AB → Åhléns Skydd AB" in html
    _confirm(staff, html)
    assert _counts(app) == (2, 4, 2)  # one contact added, the upper-case e-mail was known


def test_bad_rows_are_reported_with_their_lines_and_left_out(app, staff):
    html = _preview(staff, BAD.encode())
    problems = re.search(r'id="problems".*?</table>', html, re.S).group(0)
    lines = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", problems)
    assert lines == [
        ("2", "The supplier name is missing."),
        ("3", "The e-mail address is not valid"),
        ("4", "Not an ISO 3166 two-letter country code"),
        ("5", "No framework agreement has this reference"),
        ("7", "The organisation number is already on an earlier line (in brackets) with "
              "another name or country"),
    ]
    assert "New suppliers: 1" in html and "Lines with problems, not imported: 5" in html
    _confirm(staff, html)
    assert _counts(app)[0] == 1


def test_hostile_values_are_escaped_and_the_limits_hold(app, staff):
    html = _preview(staff, b"org number,name\n1,<script>alert(1)</script>\n")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    big = b"org number,name\n" + b"1,x\n" * 700_000  # the parser's limit (werkzeug's test
    assert [p.code for p in parse_bytes(big).problems] == ["too_large"]  # client leaks it)
    missing = staff.post("/staff/suppliers/import?lang=en", data={
        "csrf_token": _token(staff), "action": "preview"})
    assert missing.status_code == 400 and "Choose a CSV file to upload." in missing.get_data(
        as_text=True)
    forged = staff.post("/staff/suppliers/import", data={"action": "import", "carried": "eA=="})
    assert forged.status_code == 400  # no CSRF token


def test_pages_are_for_staff(app):
    for path in ("/staff/suppliers", "/staff/suppliers/import"):
        response = app.test_client().get(path)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_cli_dry_run_then_import(tmp_path, app, staff):
    env = {"KEDJEKOLL_RESPONSES_DIR": str(app.config["RESPONSES_DIR"])}
    csv_file = tmp_path / "leverantorer.csv"
    csv_file.write_bytes(EXCEL_SV)
    runner = CliRunner()
    dry = runner.invoke(main, ["suppliers", "import", str(csv_file), "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "as Windows-1252, separated by ';'" in dry.output
    assert "2 new, 0 updated, 0 unchanged suppliers would be imported" in dry.output
    assert _counts(app) == (0, 0, 0)
    done = runner.invoke(main, ["suppliers", "import", str(csv_file)], env=env)
    assert done.exit_code == 0 and "create  556036-0793 Åhléns" in done.output
    assert _counts(app) == (2, 3, 2)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(main, ["suppliers", "import", str(bad)], env=env)
    assert result.exit_code == 1
    assert f"{bad}:3: the e-mail address is not valid: not-an-address" in result.output


def test_changes_in_the_preview_are_in_the_page_language(app, staff):
    _confirm(staff, _preview(staff, EXCEL_SV))
    renamed = ("Org number,Name,Country,Contact e-mail\n"
               "556036-0793,Åhléns Skydd AB,DK,orjan@ahlens.example\n").encode()
    html = staff.post("/staff/suppliers/import?lang=sv", data={
        "csrf_token": _token(staff), "action": "preview",
        "file": (io.BytesIO(renamed), "l.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "namn: Åhléns Skyddsutrustning AB → Åhléns Skydd AB" in html
    assert "land: SE → DK" in html and "name:" not in html and "country:" not in html


@pytest.fixture(params=["sqlite", "postgresql"])
def big_site(request, tmp_path):
    """An app on SQLite or PostgreSQL with the agreement the large file names, signed in."""
    url = new_database(request.param, tmp_path, request)
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "responses",
                      "DATABASE_URL": url})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        session.add(Contract(name="Skyddsutrustning 2020", reference="SK-2020", year=2020,
                             risk_areas=[]))
    yield app, signed_in(app)
    app.extensions["kedjekoll.engine"].dispose()


def _flashed(client) -> str:
    html = client.get("/staff/suppliers/import?lang=en").get_data(as_text=True)
    return re.search(r"Imported: [^<]*", html).group(0)


def _import_to_the_end(client, preview: str) -> tuple[list[float], list[str]]:
    """Confirm the preview, then "Continue the import" until it is done: how long each
    request took, and the progress heading of each page that asked to continue."""
    started = time.perf_counter()
    page = _confirm(client, preview)
    took, steps = [time.perf_counter() - started], []
    while page.status_code == 200:
        html = page.get_data(as_text=True)
        steps.append(re.search(r'<h2 id="progress-heading">([^<]*)</h2>', html).group(1))
        assert "<title>Import not finished: Import suppliers" in html
        started = time.perf_counter()
        page = client.post("/staff/suppliers/import?lang=en", data={
            "csrf_token": _token(client), "action": "import",
            **{name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
               for name in ("carried", "encoding", "created", "updated")}})
        took.append(time.perf_counter() - started)
    assert page.status_code == 303
    return took, steps


def test_ten_thousand_rows_import_inside_the_worker_timeout(big_site):
    """R6: a 10,000-row file is one preview and one import (on a slow or busy server, a
    few: each request stops storing after IMPORT_SECONDS and offers to continue), so no
    request comes near gunicorn's 30-second timeout, on SQLite and PostgreSQL; every row
    is stored once."""
    app, staff = big_site
    limiter.reset()
    raw = supplier_file(10_000, ("SK-2020",)).encode("utf-8")
    html = _preview(staff, raw, "stor.csv")
    assert "New suppliers: 7500" in html and "Lines with problems, not imported: 0" in html
    took, _steps = _import_to_the_end(staff, html)
    assert max(took) < 25, took
    assert _flashed(staff) == ("Imported: 7500 new, 0 updated, 0 unchanged suppliers; "
                               "0 lines left out.")
    assert _counts(app) == (7_500, 10_000, 2_500)
    # importing it again adds nothing: tests/store/test_supplier_import.py


def test_an_import_stopped_by_its_time_limit_is_continued_from_the_page(app, staff,
                                                                         monkeypatch):
    """R6: when storing takes longer than one request may, the page says how far it got
    and continues on a click, until every line is stored once; the counts add up."""
    monkeypatch.setattr(review_suppliers, "IMPORT_SECONDS", 0)  # one batch a request
    limiter.reset()  # the earlier tests' posts count against the same address
    raw = supplier_file(1_600, ("HSM-2018",)).encode("utf-8")
    _took, steps = _import_to_the_end(staff, _preview(staff, raw, "stor.csv"))
    assert steps == [f"Import not finished: {n} of 1,600 lines are stored"
                     for n in ("500", "1,000", "1,500")]
    assert _flashed(staff) == ("Imported: 1200 new, 0 updated, 0 unchanged suppliers; "
                               "0 lines left out.")
    assert _counts(app) == (1_200, 1_600, 400)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
            ["supplier.created", "suppliers.imported"])).order_by(AuditEvent.id)).all()
    created = [e for e in events if e.action == "supplier.created"]
    assert len(created) == 1_200  # each with the request that stored it, as any event
    assert all(e.details["request_id"] and e.details["address"] == "127.0.0.1"
               for e in created)
    assert [e.details.get("remaining") for e in events if e.action == "suppliers.imported"
            ] == [1_100, 600, 100, None]
