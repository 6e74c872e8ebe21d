"""One figure, one source: for every demo response, the review page, the campaign page's
row, the overview's rating chart and the CSV, XLSX and JSON exports show the same score,
risk rating and flag counts, the ones stored on the response by store/verdicts.py."""

from __future__ import annotations

import csv
import html as htmlmod
import io
import json
import re
from collections import Counter

import pytest
from babel.numbers import format_decimal
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import signed_in
from webapp import create_app
from webapp.store.demo import load_demo
from webapp.store.models import Campaign, Response
from webapp.store.responses import questionnaire_of


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder / "responses"})
    sessions = app.extensions["kedjekoll.sessions"]
    with sessions() as session:
        load_demo(session, app.extensions["kedjekoll.catalogue"], folder / "responses" / "files")
        session.commit()
    with sessions() as session:
        expected = {}
        for response in session.scalars(select(Response)):
            q = questionnaire_of(response)
            labels = {r.id: r.label["en"] for r in q.ratings}
            expected[response.id] = dict(
                campaign=response.campaign_id, score=response.score,
                rating=response.rating, rating_label=labels.get(response.rating),
                red=response.red_flags, amber=response.amber_flags)
        campaigns = session.scalars(select(Campaign.id)).all()
    assert any(e["score"] is not None for e in expected.values())
    return app, expected, campaigns


def text(fragment: str) -> str:
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()


def shown_number(value: float | None) -> str:
    return "" if value is None else format_decimal(value, locale="en")


def campaign_rows(client, campaign_id: int) -> dict[int, list[str]]:
    page = client.get(f"/staff/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    rows = {}
    for row in re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", page, re.S):
        rid = int(re.search(r"/staff/responses/(\d+)", row).group(1))
        rows[rid] = [" ".join(text(cell)) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    return rows


def test_campaign_rows_and_exports_show_the_stored_verdict(demo):
    app, expected, campaigns = demo
    client = signed_in(app)
    seen = 0
    for campaign_id in campaigns:
        rows = campaign_rows(client, campaign_id)
        mine = {rid: e for rid, e in expected.items() if e["campaign"] == campaign_id}
        assert set(rows) == set(mine)
        for rid, e in mine.items():
            cells = rows[rid]
            assert cells[3] == shown_number(e["score"]), (rid, cells)
            assert cells[4].startswith(e["rating_label"] or ""), (rid, cells)
            assert (cells[5], cells[6]) == (str(e["red"]), str(e["amber"])), (rid, cells)

        body = client.get(f"/staff/campaigns/{campaign_id}/export/responses.csv?dialect=en")
        lines = list(csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff"))))
        head = lines[0]
        for line in lines[2:]:
            cell = dict(zip(head, line, strict=False))
            e = expected[int(cell["response.id"])]
            assert cell["response.score"] == ("" if e["score"] is None else str(e["score"]))
            assert cell["response.rating"] == (e["rating"] or "")
            assert (int(cell["response.red_flags"]), int(cell["response.amber_flags"])) == (
                e["red"], e["amber"])
            seen += 1

        book = load_workbook(io.BytesIO(client.get(
            f"/staff/campaigns/{campaign_id}/export/campaign.xlsx").get_data()), read_only=True)
        sheet = list(book["responses"].iter_rows(values_only=True))
        for line in sheet[2:]:
            cell = dict(zip(sheet[1], line, strict=False))  # the codes are the second row
            e = expected[int(cell["response.id"])]
            assert cell["response.score"] == e["score"]
            assert cell["response.rating"] == e["rating_label"]  # its label, as on the page
            assert (cell["response.red_flags"], cell["response.amber_flags"]) == (
                e["red"], e["amber"])

        document = json.loads(client.get(
            f"/staff/campaigns/{campaign_id}/export/campaign.json").get_data(as_text=True))
        for item in document["responses"]:
            e = expected[item["response_id"]]
            assert (item["score"], item["rating"], item["red_flags"], item["amber_flags"]) == (
                e["score"], e["rating"], e["red"], e["amber"])
            assert sum(1 for f in item["flags"] if f["severity"] == "red") == e["red"]
    assert seen == len(expected)


def test_the_overview_chart_counts_the_stored_ratings(demo):
    app, expected, campaigns = demo
    page = signed_in(app).get("/staff/?lang=en").get_data(as_text=True)
    for campaign_id in campaigns:
        ratings = Counter(e["rating"] for e in expected.values()
                          if e["campaign"] == campaign_id and e["rating"])
        red = sum(1 for e in expected.values() if e["campaign"] == campaign_id and e["red"])
        amber = sum(1 for e in expected.values() if e["campaign"] == campaign_id and e["amber"])
        title = re.search(rf'<title id="c{campaign_id}-label">(.*?)</title>', page, re.S)
        assert title is not None
        shown = dict(re.findall(r"([A-Za-z ]+?) (\d+)", title.group(1).split(":", 1)[1]))
        words = {"Low risk": "low", "Medium risk": "medium", "High risk": "high"}
        assert {words[k.strip()]: int(v) for k, v in shown.items()} == dict(ratings), \
            title.group(1)
        row = re.search(rf'href="/staff/campaigns/{campaign_id}".*?</tr>', page, re.S).group(0)
        numbers = [c for c in re.findall(r"<td>(\d+)</td>", row)]
        assert str(red) in numbers and str(amber) in numbers


def test_the_review_page_shows_the_stored_verdict(demo):
    app, expected, _campaigns = demo
    client = signed_in(app)
    for rid, e in expected.items():
        if e["score"] is None and e["rating"] is None:
            continue
        page = client.get(f"/staff/responses/{rid}?lang=en").get_data(as_text=True)
        total = re.search(r'id="live-total"[^>]*>(.*?)<', page, re.S).group(1).strip()
        assert total == (shown_number(e["score"]) or "—"), rid
        rating = " ".join(text(re.search(r'id="live-rating"[^>]*>(.*?)</dd>', page,
                                         re.S).group(1)))
        assert rating.startswith(e["rating_label"]), (rid, rating)
        flags = re.search(r'<ul class="flags">(.*?)</ul>', page, re.S)
        found = flags.group(1) if flags else ""
        assert found.count("flag flag-red") == e["red"], rid
        assert found.count("flag flag-amber") == e["amber"], rid
