"""One figure, one source, as staff see it: the overview's row for a campaign, the
header of that campaign's page and the per-agreement table show the counts of the
campaign's stored responses; and the pages cost the same statements at N and 3N."""

from __future__ import annotations

import html as htmlmod
import re
from collections import Counter, defaultdict

from sqlalchemy import select

from tests.conftest import signed_in
from tests.factories import make_campaign
from tests.review.test_tracking import demo_app, queries  # noqa: F401  (the fixture)
from tests.store.test_tracking import grow
from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign, Contract, Response
from webapp.store.responses import questionnaire_of
from webapp.store.status import ANSWERED, LABELS, STATUSES, is_overdue
from webapp.supplier.limits import limiter


def words(fragment: str) -> str:
    return " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def counted(session) -> dict[int, dict]:
    """The figures of every campaign, counted here from its response rows one by one."""
    figures: dict[int, dict] = {}
    for campaign in session.scalars(select(Campaign)):
        labels = {r.id: r.label["en"] for r in questionnaire_of_campaign(session, campaign)}
        rows = session.scalars(select(Response).where(Response.campaign_id == campaign.id))
        rows = list(rows)
        figures[campaign.id] = dict(
            contract=campaign.contract.name if campaign.contract else "",
            invited=len(rows), answered=sum(r.status in ANSWERED for r in rows),
            overdue=sum(is_overdue(r.status, campaign.deadline) for r in rows),
            by_status=Counter(r.status for r in rows),
            red=sum(r.red_flags > 0 for r in rows), amber=sum(r.amber_flags > 0 for r in rows),
            ratings=Counter(labels.get(r.rating, r.rating) for r in rows if r.rating),
            codes=Counter(r.rating for r in rows if r.rating))
    return figures


def questionnaire_of_campaign(session, campaign):
    response = session.scalar(select(Response).where(Response.campaign_id == campaign.id))
    return questionnaire_of(response).ratings if response else []


def overview_rows(page: str) -> dict[int, dict]:
    """Each campaign row of the overview: its numbers, read as a person reads them."""
    rows = {}
    for cid, row in re.findall(r'<th scope="row"><a href="/staff/campaigns/(\d+)">(.*?)</tr>',
                               page, re.S):
        raw = re.findall(r"<td>(.*?)</td>", row, re.S)
        cells = [words(c) for c in raw]
        status_of = {LABELS[s]["en"]: s for s in STATUSES}
        title = re.search(rf'<title id="c{cid}-label">(.*?)</title>', page, re.S).group(1)
        shown = title.split(":", 1)[1].strip()
        rows[int(cid)] = dict(
            contract=words(re.search(r'<span class="meta">(.*?)</span>', row).group(1)),
            invited=int(cells[1]), answered=int(cells[2]), overdue=int(cells[3]),
            by_status={status_of[words(label)]: int(n) for label, n in re.findall(
                r"<li>(.*?) <strong>(\d+)</strong></li>", raw[4], re.S)},
            red=int(cells[5]), amber=int(cells[6]),
            ratings={k: int(v) for k, v in re.findall(r"([^,]+?) (\d+)(?:, |$)", shown)})
    return rows


def agreement_rows(page: str) -> dict[str, tuple[int, ...]]:
    table = page[page.index('id="contracts-heading"'):]
    rows = {}
    for name, row in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        if len(cells) < 5:  # a row of a rating chart's own small table
            continue
        rows[words(name)] = tuple(int(words(c)) for c in cells[:5])
    return rows


def header(page: str) -> dict[str, str]:
    block = re.search(r'<dl class="campaign-figures">(.*?)</dl>', page, re.S).group(1)
    return {words(dt): words(dd) for dt, dd in
            re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block, re.S)}


def test_overview_campaign_header_and_agreements_show_the_same_figures(demo_app):  # noqa: F811
    client = signed_in(demo_app)
    with demo_app.app_context(), demo_app.extensions["kedjekoll.sessions"]() as session:
        expected = counted(session)
        no_agreement = {c.id for c in session.scalars(select(Campaign))
                        if c.contract_id is None}
        assert session.scalar(select(Contract.id)) is not None
    overview = client.get("/staff/?lang=en").get_data(as_text=True)
    rows = overview_rows(overview)
    assert set(rows) == set(expected) and len(rows) >= 3
    per_agreement: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for cid, e in expected.items():
        shown = rows[cid]
        for key in ("contract", "invited", "answered", "overdue", "red", "amber"):
            assert shown[key] == e[key], (cid, key)
        assert shown["by_status"] == dict(e["by_status"]), cid
        assert shown["ratings"] == dict(e["ratings"]), cid
        page = client.get(f"/staff/campaigns/{cid}?lang=en").get_data(as_text=True)
        figures = header(page)
        assert figures["Invited"] == str(e["invited"]), cid
        assert figures["Answered"] == str(e["answered"]), cid
        assert figures["Overdue"] == str(e["overdue"]), cid
        assert figures["Red flags"] == str(e["red"]), cid
        assert figures["Amber flags"] == str(e["amber"]), cid
        shown_ratings = dict(re.findall(r"([^,]+?) (\d+)(?:, |$)", figures["Risk ratings"]))
        assert {k: int(v) for k, v in shown_ratings.items()} == dict(e["ratings"]), (
            cid, figures["Risk ratings"])
        assert f"{e['invited']} suppliers" in page  # the table's caption, for paging
        total = per_agreement["(no agreement)" if cid in no_agreement else e["contract"]]
        for i, key in enumerate(("invited", "answered", "overdue", "red", "amber")):
            total[i] += e[key]
    assert agreement_rows(overview) == {k: tuple(v) for k, v in per_agreement.items()}


def test_pages_cost_the_same_statements_at_n_and_3n(tmp_path, masks):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path})
    limiter.reset()
    sessions = app.extensions["kedjekoll.sessions"]
    with unit_of_work(sessions) as session:
        campaign, _invitations = make_campaign(session, masks, suppliers=1)
        grow(session, masks, campaign, 4, seed=1)
        campaign_id = campaign.id
    client = signed_in(app)
    paths = ("/staff/", f"/staff/campaigns/{campaign_id}",
             f"/staff/campaigns/{campaign_id}?status=submitted&sort=score&order=desc")
    before = {path: queries(app, client, path)[0] for path in paths}
    with unit_of_work(sessions) as session:
        grow(session, masks, session.get(Campaign, campaign_id), 10, seed=20)
    after = {}
    for path in paths:
        after[path], page = queries(app, client, path)
        if path == paths[1]:
            assert page.count('<th scope="row">') == 15  # three times the rows
    assert after == before
