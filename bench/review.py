"""Benchmark: staff pages with thousands of responses, and a large CSV export.

Run: .venv/bin/python bench/review.py [--responses 5000] [--export 10000] [--repeat 10]

In one process, on SQLite databases filled by bulk inserts (a 40-question questionnaire
with a table; four in five responses submitted, some in review or decided):

* the staff overview `/staff/` and a campaign page `/staff/campaigns/<id>`, through
  Flask's test client signed in as a reviewer: the median time per request against a
  bare Flask route returning the same bytes, and the number of SQL statements per page,
  with 500 and with `--responses` responses (the count must not change);
* the CSV export of a campaign of `--export` responses (`store.exports.responses_csv`,
  written to a file): time and peak memory (tracemalloc) against a baseline that reads
  the same rows into a list and writes them with the csv module; the export's peak is
  also shown for a fifth of the rows, to show it stays flat.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from web import median_ms  # noqa: E402  (bench/web.py, beside this file)

from tests.support.queries import count_statements  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.definitions import check_text  # noqa: E402
from webapp.definitions.examples import example_answers  # noqa: E402
from webapp.store.db import unit_of_work  # noqa: E402
from webapp.store.exports import responses_csv  # noqa: E402
from webapp.store.models import (  # noqa: E402
    Campaign,
    Contract,
    Response,
    Submission,
    Supplier,
)
from webapp.store.verdicts import RoundFacts, judge  # noqa: E402
from webapp.store.versions import record_version  # noqa: E402

STATUSES = ("submitted", "submitted", "in_review", "accepted", "invited")  # 4 in 5 answered


def questionnaire():
    lines = ["id: bench-review", "version: 1", "languages: [sv, en]", "title: B",
             "ratings:", "  - {id: low, label: L, min_score: 60}",
             "  - {id: high, label: H, min_score: 0}",
             "flags:", "  - {id: unsure, severity: amber, when: 'q3 == \"dont_know\"', "
             "message: V}", "sections:"]
    for n in range(40):
        if n % 10 == 0:
            lines += [f"  - id: s{n}", "    title: S", "    questions:"]
        kind = ("text", "number", "choice", "yesno", "multichoice")[n % 5]
        head = f"      - {{id: q{n}, type: {kind}, label: {{sv: F{n}, en: Q{n}}}"
        if kind in ("choice", "multichoice"):
            head += (", options: [{value: a, label: A, points: 2}, "
                     "{value: b, label: B, points: 0}]")
        if kind == "yesno":
            head += ", dont_know: true, points: {yes: 2, no: 0, dont_know: 0}"
        lines.append(head + "}")
    lines.append("      - {id: tiers, type: table, label: T, columns: [{id: company, "
                 "type: text, label: C}, {id: country, type: country, label: L}]}")
    result = check_text("\n".join(lines) + "\n")
    assert result.ok, result.problems[:3]
    return result.questionnaire


def fill(session, q, responses: int, tag: str) -> int:
    """A campaign of `responses` responses, by bulk inserts; returns its id."""
    rng = random.Random(1)
    variants = []
    for _ in range(50):
        answers = example_answers(q, rng, files_for=lambda _q: [])
        verdict = judge(q, [RoundFacts(1, answers)])
        variants.append((answers, verdict.record(), verdict))
    contract = Contract(name=f"Avtal {tag}", reference=f"B-{tag}", year=2026)
    campaign = Campaign(name=f"Kampanj {tag}", questionnaire_version=record_version(session, q),
                        contract=contract, deadline=date(2030, 1, 1))
    session.add_all([contract, campaign])
    session.flush()
    session.execute(insert(Supplier), [{"name": f"Leverantör {tag}-{i} AB", "country": "SE",
                                        "org_number": f"{tag}-{i}"} for i in range(responses)])
    supplier_ids = session.scalars(select(Supplier.id).where(
        Supplier.org_number.like(f"{tag}-%")).order_by(Supplier.id)).all()
    now = datetime.now(UTC)
    session.execute(insert(Response), [
        {"campaign_id": campaign.id, "supplier_id": sid,
         "status": STATUSES[i % len(STATUSES)], "submitted_at": now, "last_saved_at": now}
        for i, sid in enumerate(supplier_ids)])
    rows = session.execute(select(Response.id, Response.status).where(
        Response.campaign_id == campaign.id).order_by(Response.id)).all()
    submissions, verdicts = [], []
    for i, (rid, status) in enumerate(rows):
        if status == "invited":
            continue
        answers, record, verdict = variants[i % len(variants)]
        result = verdict.result
        submissions.append({
            "response_id": rid, "round": 1, "receipt": f"KK-{tag}-{rid}",
            "client_submission_id": f"{tag}-{rid}", "submitted_at": now,
            "content_hash": "0" * 64, "answers": answers, "score": record,
            "total": verdict.score, "rating": verdict.rating, "red_flags": result.red_flags,
            "amber_flags": result.amber_flags})
        verdicts.append({"id": rid, "score": verdict.score, "provisional": verdict.provisional,
                         "rating": verdict.rating, "red_flags": result.red_flags,
                         "amber_flags": result.amber_flags, "verdict": record})
    for start in range(0, len(submissions), 2000):
        session.execute(insert(Submission), submissions[start:start + 2000])
        session.execute(update(Response), verdicts[start:start + 2000])
    return campaign.id


def statements(app, fn) -> int:
    return count_statements(app.extensions["kedjekoll.engine"], fn)


def pages(q, responses: int, repeat: int) -> list[tuple[str, int, float, float]]:
    """(page, statements, ms, bare ms) for each staff page with `responses` responses."""
    from tests.conftest import signed_in

    folder = Path(tempfile.mkdtemp(prefix="kedjekoll-review-"))
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign_id = fill(session, q, responses, "p")
    client = signed_in(app)
    results = []
    for label, path in (("overview /staff/", "/staff/"),
                        ("campaign page", f"/staff/campaigns/{campaign_id}")):
        page = client.get(path)
        html = page.get_data()
        assert page.status_code == 200 and b"Kampanj p" in html, path
        bare = Flask("bare")
        bare.add_url_rule("/", "same", lambda html=html: html)
        bare_client = bare.test_client()

        def ours(path=path):
            assert client.get(path).status_code == 200

        count = statements(app, ours)
        results.append((label, count, median_ms(ours, repeat),
                        median_ms(lambda c=bare_client: c.get("/"), repeat)))
    app.extensions["kedjekoll.engine"].dispose()
    return results


def export_figures(q, responses: int) -> dict[str, tuple[float, float]]:
    """{label: (seconds, peak MiB)} for the CSV export and its baseline."""
    folder = Path(tempfile.mkdtemp(prefix="kedjekoll-export-"))
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder})
    sessions = app.extensions["kedjekoll.sessions"]
    with unit_of_work(sessions) as session:
        big = fill(session, q, responses, "e")
        fifth = fill(session, q, responses // 5, "t")
    columns = [c for question in q.answerable() for c in question.export_columns()]

    def ours(campaign_id: int) -> None:
        with sessions() as session, (folder / "ours.csv").open("w", newline="") as out:
            for chunk in responses_csv(session, session.get(Campaign, campaign_id)):
                out.write(chunk)

    def baseline() -> None:
        with sessions() as session, (folder / "bare.csv").open("w", newline="") as out:
            rows = session.execute(
                select(Response.id, Supplier.name, Response.status, Submission.total,
                       Submission.answers)
                .join(Supplier, Supplier.id == Response.supplier_id)
                .outerjoin(Submission, Submission.response_id == Response.id)
                .where(Response.campaign_id == big).order_by(Response.id)).all()
            lines = [[rid, name, status, total,
                      *((answers or {}).get(c.split(".")[0]) for c in columns)]
                     for rid, name, status, total, answers in rows]
            writer = csv.writer(out)
            writer.writerow(["id", "supplier", "status", "score", *columns])
            writer.writerows(lines)

    def measure(fn) -> tuple[float, float]:
        tracemalloc.start()
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return elapsed, peak / 2**20

    ours(fifth)  # the definition is parsed once per process, before measuring
    figures = {f"export, {responses // 5} responses": measure(lambda: ours(fifth)),
               f"export, {responses} responses": measure(lambda: ours(big)),
               f"baseline, {responses} responses": measure(baseline)}
    app.extensions["kedjekoll.engine"].dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--export", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    q = questionnaire()
    print(f"staff pages, {len(q.questions)} questions, SQLite, median of {args.repeat}")
    print(f"{'page':18} {'responses':>9} {'SQL':>4} {'kedjekoll':>10} {'bare route':>11} "
          f"{'ratio':>7}")
    counts: dict[str, set[int]] = {}
    for n in (500, args.responses):
        for label, count, ours, bare in pages(q, n, args.repeat):
            counts.setdefault(label, set()).add(count)
            print(f"{label:18} {n:9} {count:4} {ours:8.1f}ms {bare:9.2f}ms {ours / bare:6.0f}x")
    for label, seen in counts.items():
        print(f"  {label}: SQL statements {'the same' if len(seen) == 1 else 'DIFFER'} "
              f"for 500 and {args.responses} responses")
    print()
    figures = export_figures(q, args.export)
    print(f"CSV export of a campaign ({len(q.questions)} questions), SQLite")
    print(f"{'':28} {'time':>8} {'peak memory':>12}")
    for label, (seconds, peak) in figures.items():
        print(f"{label:28} {seconds:7.2f}s {peak:9.1f} MiB")
    ours_time, ours_peak = figures[f"export, {args.export} responses"]
    base_time, base_peak = figures[f"baseline, {args.export} responses"]
    print(f"export vs baseline: {ours_time / base_time:.2f}x the time, "
          f"{ours_peak / base_peak:.2f}x the peak memory")


if __name__ == "__main__":
    main()
