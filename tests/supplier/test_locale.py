"""Sweden first: times in Europe/Stockholm, one date style per language, decimal commas,
file sizes in the reader's format, on the supplier's pages."""

from __future__ import annotations

import html as htmllib
import random
import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from webapp import create_app
from webapp.config import ConfigError
from webapp.definitions.examples import example_answers
from webapp.formats import number_input, parse_number, size_text
from webapp.forms.sections import section_form
from webapp.store.files import attach, store_bytes
from webapp.store.models import Campaign, Response, Submission
from webapp.store.responses import draft_answers, save_draft, submit
from webapp.supplier.uploads import UploadRefused, message

WINTER = datetime(2026, 12, 22, 13, 44, tzinfo=UTC)  # CET, UTC+1
SUMMER = datetime(2026, 7, 1, 12, 44, tzinfo=UTC)  # CEST, UTC+2


def text_of(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True)).replace("\u00a0", " ")


def submitted_at(site, moment: datetime) -> None:
    """The first response submitted, its submission dated `moment`."""
    with site.app.app_context(), site.sessions()() as session:
        response = session.get(Response, site.response_ids[0])
        if session.scalar(select(Submission)) is None:
            answers = example_answers(site.q, random.Random(3), files_for=lambda _q: [])
            save_draft(session, response, answers, response.draft_version, "test")
            submit(session, response, "locale-1", "test")
        session.scalar(select(Submission)).submitted_at = moment
        session.commit()


@pytest.mark.parametrize(("moment", "lang", "shown"), [
    (WINTER, "sv", "22 dec. 2026 14:44"), (WINTER, "en", "22 Dec 2026, 14:44"),
    (SUMMER, "sv", "1 juli 2026 14:44"), (SUMMER, "en", "1 Jul 2026, 14:44")])
def test_a_stored_time_is_shown_in_stockholm_time(supplier, moment, lang, shown):
    submitted_at(supplier.site, moment)
    receipt = text_of(supplier.get(f"/supplier/receipt/1?lang={lang}"))
    start = text_of(supplier.get(f"/supplier/?lang={lang}"))
    assert shown in receipt and shown in start
    assert "13:44" not in receipt and "12:44" not in receipt


def test_the_time_zone_is_a_setting(tmp_path, site):
    site.app.config["TIMEZONE"] = "America/New_York"
    submitted_at(site, WINTER)
    client = site.app.test_client()
    client.get(f"/i/{site.tokens[0]}")
    assert "22 dec. 2026 08:44" in text_of(client.get("/supplier/receipt/1"))
    with pytest.raises(ConfigError, match="KEDJEKOLL_TIMEZONE"):
        create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "TIMEZONE": "Europe/Sthlm"})


def test_saved_at_is_the_clock_in_stockholm(supplier):
    before = datetime.now(UTC)
    supplier.save("contact", {"company_name": "Klocka AB"})
    page = text_of(supplier.get("/supplier/section/contact"))
    shown = re.search(r"Sparat kl\. (\d\d:\d\d)", page).group(1)
    stockholm = [(before + timedelta(minutes=m)).astimezone(ZoneInfo("Europe/Stockholm"))
                 .strftime("%H:%M") for m in (0, 1)]
    assert shown in stockholm


@pytest.mark.parametrize("timezone", ["Europe/Stockholm", "Pacific/Kiritimati",
                                      "Pacific/Pago_Pago"])
@pytest.mark.parametrize(("lang", "shown"), [("sv", "22 dec. 2026"), ("en", "22 Dec 2026")])
def test_a_deadline_is_one_day_in_one_style_wherever_the_server_is(site, lang, shown,
                                                                   timezone):
    site.app.config["TIMEZONE"] = timezone
    with site.app.app_context(), site.sessions()() as session:
        session.scalar(select(Campaign)).deadline = date(2026, 12, 22)
        session.commit()
    client = site.app.test_client()
    client.get(f"/i/{site.tokens[0]}")
    start = text_of(client.get(f"/supplier/?lang={lang}"))
    assert shown in start
    assert "2026-12-22" not in start and "december 2026" not in start.lower()
    assert "12/22/26" not in start


def test_a_decimal_comma_round_trips_in_swedish(supplier):
    saved = supplier.save("mapping", {"mapping_depth": "tier2_3"},
                          extra={"mapped_share": "40,5"})
    assert saved.status_code == 303
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        stored = draft_answers(session, session.get(Response, supplier.site.response_ids[0]))
    assert stored["mapped_share"] == 40.5
    page = supplier.page("/supplier/section/mapping")
    assert re.search(r'name="mapped_share" value="40,5"', page)
    assert "40,5 %" in text_of(supplier.get("/supplier/check"))
    english = supplier.page("/supplier/section/mapping?lang=en")
    assert re.search(r'name="mapped_share" value="40.5"', english)


@pytest.mark.parametrize(("typed", "stored"), [
    ("40.5", 40.5), ("40", 40), (" 12,25 ", 12.25), ("\u22120", 0)])
def test_other_ways_of_writing_a_number_are_read(supplier, typed, stored):
    assert supplier.save("mapping", {"mapping_depth": "tier2_3"},
                         extra={"mapped_share": typed}).status_code == 303
    with supplier.site.app.app_context(), supplier.site.sessions()() as session:
        answers = draft_answers(session, session.get(Response, supplier.site.response_ids[0]))
    assert answers["mapped_share"] == stored


@pytest.mark.parametrize(("lang", "typed", "advice"), [
    ("sv", "40,5 procent", "Skriv ett tal, till exempel 12 eller 12,5."),
    ("sv", "1.500", "Skriv ett tal, till exempel 12 eller 12,5."),
    ("en", "forty", "Enter a number, such as 12 or 12.5.")])
def test_a_number_that_cannot_be_read_is_kept_and_explained(supplier, lang, typed, advice):
    supplier.get(f"/supplier/?lang={lang}")
    refused = supplier.save("mapping", {"mapping_depth": "tier2_3"},
                            extra={"mapped_share": typed})
    page = text_of(refused)
    assert refused.status_code == 422
    assert f'value="{typed}"' in page and advice in page


def test_number_cells_in_tables_use_the_decimal_comma(site):
    q = site.q
    section = next(s for s in q.sections if s.id == "mapping")
    rows = {"tiers": [{"tier": 2.5, "company": "Fabrik AB"}], "mapped_share": 1234.75}
    with site.app.test_request_context():
        swedish = section_form(q, section, "sv", rows, 0)
        english = section_form(q, section, "en", rows, 0)
    assert swedish["tiers"].entries[0].form["tier"]._value() == "2,5"
    assert english["tiers"].entries[0].form["tier"]._value() == "2.5"
    assert swedish["mapped_share"]._value() == "1234,75"


@pytest.mark.parametrize(("typed", "lang", "number"), [
    ("40,5", "sv", "40.5"), ("40.5", "sv", "40.5"), ("1 234,5", "sv", "1234.5"),
    ("1\u00a0234,5", "sv", "1234.5"), ("1.234,5", "sv", "1234.5"), ("1,234.5", "en", "1234.5"),
    ("1,500", "en", "1500"), ("40,5", "en", "40.5"), ("1 000 000", "en", "1000000"),
    ("0.125", "sv", "0.125"), ("\u22123,5", "sv", "-3.5")])
def test_parse_number_reads_the_ways_people_write(typed, lang, number):
    assert str(parse_number(typed, lang)) == number


@pytest.mark.parametrize("typed", ["1.500", "abc", "1,2,3", "1e5", "NaN", "12,34,567", ""])
def test_parse_number_refuses_what_it_cannot_be_sure_of(typed):
    with pytest.raises(ValueError):
        parse_number(typed, "sv" if typed == "1.500" else "en")


def test_number_input_is_exact():
    assert [number_input(v, "sv") for v in (40.5, 12, 0.1 + 0.2, 1e16)] == [
        "40,5", "12", "0,30000000000000004", "10000000000000000"]


@pytest.mark.parametrize(("size", "lang", "shown"), [
    (20 * 1024 * 1024, "sv", "20 MB"), (int(1.5 * 1024 * 1024), "sv", "1,5 MB"),
    (int(1.5 * 1024 * 1024), "en", "1.5 MB"), (340 * 1024, "sv", "340 kB")])
def test_sizes_in_the_locales_format(size, lang, shown):
    assert size_text(size, lang).replace("\u00a0", " ") == shown


def test_upload_limits_and_kept_files_show_sizes_the_locales_way(supplier):
    refused = message(UploadRefused("upload_size", size=20 * 1024 * 1024), "sv")
    assert refused.endswith("Största tillåtna storlek är 20 MB.")
    assert "20.0" not in message(UploadRefused("upload_size", size=20 * 1024 * 1024), "en")
    pdf = b"%PDF-1.4\n" + b"0" * (1536 * 1024 - 9)  # stored directly: the test client
    site = supplier.site  # would spool a body this large to a file it never closes
    with site.app.app_context(), site.sessions()() as session:
        response = session.get(Response, site.response_ids[0])
        sha256, size = store_bytes(Path(site.app.config["RESPONSES_DIR"]) / "files",
                                   BytesIO(pdf), len(pdf))
        row = attach(session, response, "code_file", sha256, size, "application/pdf",
                     "uppforandekod.pdf", "test")
        session.flush()
        save_draft(session, response, {"code_of_conduct": "yes", "code_file": [str(row.id)]},
                   response.draft_version, "test")
        session.commit()
    page = text_of(supplier.get("/supplier/section/policy"))
    assert "uppforandekod.pdf</a> (1,5 MB)" in page
    assert "Högst 20 MB per fil" in page
