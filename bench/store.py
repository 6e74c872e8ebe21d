"""Benchmark: the response store on SQLite, as ratios to bare SQLAlchemy on the same rows.

Run: .venv/bin/python bench/store.py [--responses 5000] [--url sqlite:///...]

With N responses of a generated 100-question questionnaire it times, each against a
baseline doing the same database work with bare SQLAlchemy Core in the same process:

* save a draft (100 answers, one transaction per response) vs a bare insert of the same
  100 answer rows per transaction;
* submit (full validation, scoring, the submission row, the status change) vs a bare
  insert of a submission row with the same JSON;
* score every response from its stored answers vs a bare select of the same rows;
* the campaign's tracking figures (two aggregate queries) vs a bare select of the
  campaign's responses.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.definitions import check_text  # noqa: E402
from webapp.definitions.examples import example_answers  # noqa: E402
from webapp.definitions.scoring import score  # noqa: E402
from webapp.store.db import make_engine, session_factory, unit_of_work  # noqa: E402
from webapp.store.migrate import upgrade  # noqa: E402
from webapp.store.models import (  # noqa: E402
    Answer,
    Campaign,
    Response,
    Submission,
    Supplier,
)
from webapp.store.responses import draft_answers, save_draft, submit  # noqa: E402
from webapp.store.tracking import campaign_figures  # noqa: E402
from webapp.store.versions import record_version  # noqa: E402


def questionnaire(questions: int = 100):
    lines = ["id: bench", "version: 1", "languages: [sv, en]", "title: {sv: B, en: B}",
             "ratings:", "  - {id: low, label: {sv: L, en: L}, min_score: 60}",
             "  - {id: high, label: {sv: H, en: H}, min_score: 0}",
             "flags:", "  - {id: unsure, severity: amber, when: 'q3 == \"dont_know\"', "
             "message: {sv: V, en: V}}", "sections:"]
    for n in range(questions):
        if n % 20 == 0:
            lines += [f"  - id: s{n}", "    title: {sv: S, en: S}", "    questions:"]
        kind = ("text", "number", "choice", "yesno")[n % 4]
        head = f"      - {{id: q{n}, type: {kind}, label: {{sv: F{n}, en: Q{n}}}, required: true"
        if kind == "choice":
            head += (", options: [{value: a, label: A, points: 2}, "
                     "{value: b, label: B, points: 0}]")
        if kind == "yesno":
            head += ", dont_know: true, points: {yes: 2, no: 0, dont_know: 0}"
        if kind == "number":
            head += ", min: 0, max: 1000"
        lines.append(head + "}")
    result = check_text("\n".join(lines) + "\n")
    assert result.ok, result.problems[:3]
    return result.questionnaire


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"  {label:52} {elapsed:8.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--url", default=None, help="database URL (default: a temp SQLite)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kedjekoll-bench-"))
    url = args.url or f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    q = questionnaire()
    rng = random.Random(1)
    answer_sets = [example_answers(q, rng) for _ in range(50)]
    n = args.responses

    with unit_of_work(factory) as session:
        campaign = Campaign(name="bench", questionnaire_version=record_version(session, q),
                            deadline=date(2030, 1, 1))
        session.add(campaign)
        session.flush()
        suppliers = [{"name": f"Supplier {i}", "country": "SE"} for i in range(2 * n)]
        session.execute(insert(Supplier), suppliers)
        ids = list(session.scalars(select(Supplier.id).order_by(Supplier.id)))
        rows = [{"campaign_id": campaign.id, "supplier_id": sid} for sid in ids]
        session.execute(insert(Response), rows)
        response_ids = list(session.scalars(select(Response.id).order_by(Response.id)))
        campaign_id = campaign.id
    ours, bare = response_ids[:n], response_ids[n:]
    print(f"{n} responses x {len(q.questions)} questions, {engine.url.get_backend_name()}")

    def save_all():
        for i, rid in enumerate(ours):
            with unit_of_work(factory) as session:
                response = session.get(Response, rid)
                save_draft(session, response, answer_sets[i % 50], 0, "bench")

    def bare_insert_answers():
        for i, rid in enumerate(bare):
            with engine.begin() as connection:
                connection.execute(insert(Answer), [
                    {"response_id": rid, "question_id": k, "value": v,
                     "updated_at": datetime.now()}
                    for k, v in answer_sets[i % 50].items()])

    def submit_all():
        for rid in ours:
            with unit_of_work(factory) as session:
                submit(session, session.get(Response, rid), f"bench-{rid}", "bench")

    def bare_insert_submissions():
        for i, rid in enumerate(bare):
            kept = answer_sets[i % 50]
            with engine.begin() as connection:
                connection.execute(insert(Submission).values(
                    response_id=rid, round=1, receipt=f"B-{rid}", client_submission_id=f"b-{rid}",
                    content_hash="0" * 64, answers=kept, score={"total": 0},
                    submitted_at=datetime.now()))

    def score_all():
        with factory() as session:
            for rid in ours:
                response = session.get(Response, rid)
                score(q, draft_answers(session, response))

    def bare_select_answers():
        with factory() as session:
            for rid in bare:
                dict(session.execute(select(Answer.question_id, Answer.value)
                                     .where(Answer.response_id == rid)).all())

    def summary():
        with factory() as session:
            campaign = session.get(Campaign, campaign_id)
            for _ in range(5):
                campaign_figures(session, campaign)

    def bare_summary():
        with factory() as session:
            for _ in range(5):
                session.execute(select(Response.id, Response.status)
                                .where(Response.campaign_id == campaign_id)).all()

    pairs = [("save draft", save_all, bare_insert_answers),
             ("submit", submit_all, bare_insert_submissions),
             ("score from stored answers", score_all, bare_select_answers),
             ("campaign summary (x5)", summary, bare_summary)]
    results = []
    for label, fn, baseline in pairs:
        print(label)
        a = timed("kedjekoll", fn)
        b = timed("bare SQLAlchemy on the same rows", baseline)
        results.append((label, a, b))
    print()
    print(f"{'operation':30} {'kedjekoll':>10} {'bare':>10} {'ratio':>7}")
    for label, a, b in results:
        print(f"{label:30} {a:9.2f}s {b:9.2f}s {a / b:6.2f}x")
    print(json.dumps({label: round(a / b, 2) for label, a, b in results}))
    engine.dispose()


if __name__ == "__main__":
    main()
