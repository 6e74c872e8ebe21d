"""Data promises on the web side: R1, R2, R3 (in test_security), R4 (in test_flow), R9."""

from __future__ import annotations

import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.supplier.conftest import SupplierClient
from webapp.definitions.examples import example_answers
from webapp.definitions.scoring import visibility
from webapp.store.models import Response, Submission
from webapp.supplier.limits import limiter


def fill_all(client: SupplierClient, seed: int = 5) -> None:
    q = client.site.q
    answers = example_answers(q, random.Random(seed), files_for=lambda _q: [])
    for section in q.sections:
        if section.id in visibility(q, answers).sections:
            assert client.save(section.id, answers, action="continue").status_code == 303


def test_twenty_identical_submits_at_once_give_one_submission(site, supplier):
    fill_all(supplier)
    check = supplier.page("/supplier/check")
    data = {"csrf_token": supplier.csrf(check), "confirm": "yes",
            "submission_id": re.search(r'name="submission_id" value="([^"]+)"', check).group(1)}
    cookie = supplier.client.get_cookie("session").value
    barrier = threading.Barrier(20)

    def post(_n):
        client = site.app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        return client.post("/supplier/submit", data=data)

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(post, range(20)))
    assert {r.status_code for r in responses} == {303}
    assert {r.headers["Location"] for r in responses} == {"/supplier/receipt/1"}
    with site.app.app_context(), site.sessions()() as session:
        assert len(session.scalars(select(Submission)).all()) == 1


def test_a_receipt_is_only_shown_for_a_committed_submission(site, supplier):
    """R1: the receipt page reads the submission back from the database."""
    fill_all(supplier, seed=6)
    check = supplier.page("/supplier/check")
    done = supplier.post("/supplier/submit", {
        "csrf_token": supplier.csrf(check), "confirm": "yes", "submission_id": "r1"})
    receipt = supplier.get(done.headers["Location"]).get_data(as_text=True)
    number = re.search(r'class="receipt">([^<]+)<', receipt).group(1)
    engine = site.app.extensions["kedjekoll.engine"]
    with engine.connect() as connection:  # a separate connection sees it: committed
        stored = connection.execute(select(Submission.receipt)).scalars().all()
    assert stored == [number]


def test_clarification_round_on_the_web(site, supplier):
    from tests.factories import make_staff
    from webapp.store import reviews
    from webapp.store.db import unit_of_work

    fill_all(supplier, seed=8)
    check = supplier.page("/supplier/check")
    supplier.post("/supplier/submit", {"csrf_token": supplier.csrf(check), "confirm": "yes",
                                       "submission_id": "round-1"})
    question = next(x for x in site.q.answerable() if x.rubric and x.show_if is None)
    with site.app.app_context(), unit_of_work(site.sessions()) as session:
        response = session.get(Response, site.response_ids[0])
        reviewer = make_staff(session)
        reviews.start_review(session, response, reviewer)
        reviews.request_clarification(session, response,
                                      {question.id: "Bifoga revisionsrapporten."}, reviewer)
    start = supplier.page("/supplier/")
    assert "Granskaren ber er komplettera" in start and "Bifoga revisionsrapporten." in start
    section = site.q.section_of[question.id]
    page = supplier.page(f"/supplier/section/{section.id}")
    assert "Granskaren frågar:" in page
    other = next(x for x in section.questions if x.answerable and x.id != question.id)
    assert re.search(rf'id="{other.id}"[^>]*(readonly|disabled)', page) or \
        re.search(rf'name="{other.id}"[^>]*(readonly|disabled)', page)
    html = page
    data = {"csrf_token": supplier.csrf(html), "draft_version": supplier.version(html),
            "action": "continue", question.id: "Rapporten från mars bifogas; två avvikelser."}
    assert supplier.post(f"/supplier/section/{section.id}", data).status_code == 303
    check = supplier.page("/supplier/check")
    done = supplier.post("/supplier/submit", {"csrf_token": supplier.csrf(check),
                                              "confirm": "yes", "submission_id": "round-2"})
    assert done.headers["Location"].endswith("/supplier/receipt/2")
    with site.app.app_context(), site.sessions()() as session:
        rounds = session.scalars(select(Submission).order_by(Submission.round)).all()
        assert [r.round for r in rounds] == [1, 2]
        assert rounds[1].answers[question.id].startswith("Rapporten från mars")
        assert rounds[0].answers[question.id] != rounds[1].answers[question.id]


# ------------------------------------------------------------------ R9


def _paths(site):
    for rule in site.app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = (rule.rule.replace("<section_id>", "mapping").replace("<token>", "t" * 43)
                .replace("<int:round_number>", "1").replace("<int:attachment_id>", "1")
                .replace("<int:campaign_id>", "1").replace("<int:response_id>", "1")
                .replace("<country>", "CN").replace("<questionnaire_id>", "gloves"))
        path = re.sub(r"<int:[a-z_]+>", "1", path)
        assert "<" not in path, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield method, path


form_values = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "CN", "CN-XJ", "yes", "dont_know", "-1", "1e309", "NaN", "\x00", "𝔘", "other",
     "remove:tiers:99", "add:tiers", "add:nope", "remove:tiers:x"]))
form_keys = st.one_of(st.sampled_from(
    ["action", "draft_version", "tiers-0-country", "tiers-0-region", "tiers-5-tier",
     "tiers-0-evidence__keep", "mapping_depth", "mapped_share", "company_name",
     "confirm", "submission_id", "code_file__keep", "role__other"]), st.text(max_size=12))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(form_keys, st.one_of(form_values, st.lists(form_values, max_size=3)),
                       max_size=8))
def test_arbitrary_form_data_never_gives_a_500(site, data):
    limiter.reset()  # the bad-token paths below count against the address
    client = SupplierClient(site, site.tokens[0])  # a fresh session each time
    token = client.csrf(client.page("/supplier/section/mapping"))
    for method, path in _paths(site):
        payload = dict(data)
        payload.setdefault("csrf_token", token)
        response = client.client.open(path, method=method, data=payload)
        response.close()
        assert response.status_code < 500, (method, path, payload)
