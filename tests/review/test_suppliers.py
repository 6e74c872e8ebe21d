"""Importing suppliers and contacts from CSV: the preview, the import, the list, the CLI."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.conftest import signed_in
from webapp.cli import main
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, Contact, Contract, ContractSupplier, Supplier
from webapp.store.supplier_csv import parse_bytes

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
    response = client.post("/staff/suppliers/import?lang=en", data={
        "csrf_token": _token(client), "action": "preview",
        "file": (io.BytesIO(raw), name)}, content_type="multipart/form-data")
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
