"""Benchmark: the staff pages at 500, 5,000 and 50,000 responses, and a large CSV export.

Run: .venv/bin/python bench/review.py [--sizes 500,5000,50000] [--export 5000] [--repeat 10]

In one process, on SQLite databases filled by bulk inserts (executemany through the
driver, JSON encoded once per variant): a 40-question questionnaire with a table; four
in five responses submitted, some in review or decided, one in 25 with an action plan of
three deviations (one past its deadline, one under way, one closed late); a reviewer on
every response that has been looked at.

* the staff overview `/staff/` and a campaign page `/staff/campaigns/<id>` (one page of
  200 suppliers, sorted by name), through Flask's test client signed in as a reviewer,
  as a user gets them: the median CPU time per request (time.process_time; SQLite runs
  in this process, so the database's work is counted) against a bare Flask route
  returning the same bytes, the two alternated request by request; and the number of
  SQL statements per page. For each page it then prints the ratio of the largest size
  to the smallest, for the CPU time and for the statements: the goal is flat, within 2x.
* the CSV export of a campaign of `--export` responses (`store.exports.responses_csv`,
  written to a file): CPU time and peak memory (tracemalloc) against a baseline that reads
  the same rows into a list and writes them with the csv module; the export's peak is
  also shown for a fifth of the rows, to show it stays flat.

Measured on the shared 2-core development machine (1 December 2026, load average 13,
default options; SQLite counts in this process, so its work is in the CPU time):

    page            responses  SQL  CPU/page  bare route  ratio
    overview              500    3    15.3ms      0.97ms    16x
    campaign page         500    7    98.9ms      0.72ms   137x
    overview            5,000    3    15.4ms      0.80ms    19x
    campaign page       5,000    7   103.7ms      0.74ms   141x
    overview           50,000    3    35.3ms      0.78ms    45x
    campaign page      50,000    7   142.9ms      0.80ms   178x
    50,000 vs 500: overview 2.3x the CPU time, campaign page 1.4x; statements 1.0x

A second run (load average 8): overview 13.5 -> 14.6 -> 23.0 ms (1.7x), campaign page
105.9 -> 110.1 -> 148.6 ms (1.4x). The overview's ratio moves between 1.7x and 2.3x
with the machine's load.

The statements are the same at every size (the overview: BEGIN, the signed-in user and
one aggregate; the campaign page: BEGIN, the user, the campaign, its questionnaire, its
figures, one page of rows and the reviewers' overrides on those rows). The campaign
page is flat. The overview still grows: its one aggregate reads the index
ix_response_campaign_figures entry by entry, about 0.4 microseconds each here (20 ms
for 50,000); counting without reading them would need counts kept up to date on every
write. Issue 11 found the overview, then a
loop over every response in Python, at 110 ms for 5,000 responses and 1.16 s for 50,000.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.queries import count_statements  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.definitions import check_text  # noqa: E402
from webapp.definitions.examples import example_answers  # noqa: E402
from webapp.store.db import unit_of_work  # noqa: E402

# one request-log line per measured request would bury the figures
logging.getLogger("kedjekoll.requests").setLevel(logging.WARNING)
from webapp.store.exports import responses_csv  # noqa: E402
from webapp.store.models import (  # noqa: E402
    Campaign,
    Contract,
    Response,
    StaffUser,
    Submission,
    Supplier,
)
from webapp.store.verdicts import RoundFacts, judge  # noqa: E402
from webapp.store.versions import record_version  # noqa: E402

# Four in five answered; one in 25 with an action plan.
STATUSES = ("submitted", "submitted", "in_review", "accepted", "invited") * 5
STATUSES = ("action_plan",) + STATUSES[1:]
SIZES = (500, 5000, 50000)


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


def _bulk(session, table: str, rows: list[tuple], columns: tuple[str, ...]) -> None:
    """Insert plain tuples through the driver's executemany, 5,000 at a time."""
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")
    connection = session.connection()
    for start in range(0, len(rows), 5000):
        connection.exec_driver_sql(sql, rows[start:start + 5000])


def _next_id(session, column) -> int:
    return (session.scalar(select(func.max(column))) or 0) + 1


def fill(session, q, responses: int, tag: str) -> int:
    """A campaign of `responses` responses, by bulk inserts; returns its id."""
    rng = random.Random(1)
    variants = []
    for _ in range(50):
        answers = example_answers(q, rng, files_for=lambda _q: [])
        verdict = judge(q, [RoundFacts(1, answers)])
        record = json.dumps(verdict.record())
        variants.append((json.dumps(answers), record, verdict))
    contract = Contract(name=f"Avtal {tag}", reference=f"B-{tag}", year=2026)
    campaign = Campaign(name=f"Kampanj {tag}", questionnaire_version=record_version(session, q),
                        contract=contract, deadline=date(2030, 1, 1))
    reviewer = StaffUser(email=f"granskare-{tag}@region.example", name="Rita Granskare",
                         role="reviewer", password_hash=None)
    session.add_all([contract, campaign, reviewer])
    session.flush()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    first_supplier, first_response = _next_id(session, Supplier.id), _next_id(session, Response.id)
    _bulk(session, "supplier", [(first_supplier + i, f"Leverantör {tag}-{i:06d} AB", "SE",
                                 f"{tag}-{i}", now) for i in range(responses)],
          ("id", "name", "country", "org_number", "created_at"))
    response_rows, submissions, deviations = [], [], []
    today = date.today()
    for i in range(responses):
        rid, status = first_response + i, STATUSES[i % len(STATUSES)]
        answered = status != "invited"
        answers, record, verdict = variants[i % len(variants)]
        result = verdict.result
        verdict_columns = ((verdict.score, verdict.provisional, verdict.rating,
                            result.red_flags, result.amber_flags, record) if answered
                           else (None, False, None, 0, 0, None))
        planned = status == "action_plan"  # the plan below: one open past its deadline
        response_rows.append((rid, campaign.id, first_supplier + i, status, 1, 0, 0, now,
                              now, now if answered else None,
                              reviewer.id if status != "submitted" and answered else None,
                              *verdict_columns, 3 if planned else 0,
                              (today - timedelta(days=3)).isoformat() if planned else None,
                              planned))
        if answered:
            submissions.append((rid, 1, f"KK-{tag}-{rid}", f"{tag}-{rid}", now, "0" * 64,
                                answers, record, verdict.score, verdict.rating,
                                result.red_flags, result.amber_flags))
        if status == "action_plan":
            for severity, state, deadline in (
                    ("major", "open", today - timedelta(days=3)),
                    ("minor", "in_progress", today + timedelta(days=30)),
                    ("critical", "closed", today - timedelta(days=20))):
                deviations.append((rid, severity, "Avvikelse", "Inköp", deadline.isoformat(),
                                   state, now, now, now if state == "closed" else None))
    _bulk(session, "response", response_rows,
          ("id", "campaign_id", "supplier_id", "status", "round", "draft_version",
           "session_epoch", "invited_at", "last_saved_at", "submitted_at", "reviewer_id",
           "score", "provisional", "rating", "red_flags", "amber_flags", "verdict",
           "plan_items", "plan_due", "plan_late"))
    _bulk(session, "submission", submissions,
          ("response_id", "round", "receipt", "client_submission_id", "submitted_at",
           "content_hash", "answers", "score", "total", "rating", "red_flags", "amber_flags"))
    _bulk(session, "deviation", deviations,
          ("response_id", "severity", "description", "owner", "deadline", "status",
           "created_at", "updated_at", "closed_at"))
    return campaign.id


def cpu_ms(ours: Callable[[], object], bare: Callable[[], object],
           repeat: int) -> tuple[float, float]:
    """Median CPU milliseconds of `ours` and of `bare`, run alternately after a warm-up."""
    ours(), bare()
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(repeat):
        for key, fn in (("ours", ours), ("bare", bare)):
            start = time.process_time()
            fn()
            times[key].append(time.process_time() - start)
    return statistics.median(times["ours"]) * 1000, statistics.median(times["bare"]) * 1000


def pages(q, responses: int, repeat: int) -> list[tuple[str, int, float, float]]:
    """(page, statements, CPU ms, bare CPU ms) for each staff page at `responses`."""
    from tests.conftest import signed_in

    folder = Path(tempfile.mkdtemp(prefix="kedjekoll-review-"))
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign_id = fill(session, q, responses, "p")
    client = signed_in(app)
    results = []
    for label, path in (("overview", "/staff/"),
                        ("campaign page", f"/staff/campaigns/{campaign_id}")):
        page = client.get(path)
        html = page.get_data()
        assert page.status_code == 200 and b"Kampanj p" in html, path
        assert f">{responses}<".encode() in html, "the page counts every response"
        bare = Flask("bare")
        bare.add_url_rule("/", "same", lambda html=html: html)
        bare_client = bare.test_client()

        def ours(path=path):
            assert client.get(path).status_code == 200

        count = count_statements(app.extensions["kedjekoll.engine"], ours)
        results.append((label, count, *cpu_ms(ours, lambda c=bare_client: c.get("/"), repeat)))
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
        start = time.process_time()
        fn()
        elapsed = time.process_time() - start
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
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="numbers of responses, comma-separated (default %(default)s)")
    parser.add_argument("--export", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    q = questionnaire()
    print(f"staff pages, {len(q.questions)} questions, SQLite, median CPU time of "
          f"{args.repeat}, alternated with a bare route returning the same bytes")
    print(f"{'page':15} {'responses':>9} {'SQL':>4} {'CPU/page':>9} {'bare route':>11} "
          f"{'ratio':>6}")
    seen: dict[str, dict[int, tuple[int, float]]] = {}
    for n in sizes:
        start = time.perf_counter()
        for label, count, ours, bare in pages(q, n, args.repeat):
            seen.setdefault(label, {})[n] = (count, ours)
            print(f"{label:15} {n:9,} {count:4} {ours:7.1f}ms {bare:9.2f}ms "
                  f"{ours / bare:5.0f}x")
        print(f"{'':15} ({n:,} responses built and measured in "
              f"{time.perf_counter() - start:.1f}s)")
    low, high = sizes[0], sizes[-1]
    for label, figures in seen.items():
        (count_low, cpu_low), (count_high, cpu_high) = figures[low], figures[high]
        cpu, sql = cpu_high / cpu_low, count_high / count_low
        verdict = "flat within 2x" if cpu <= 2 and sql <= 2 else "GROWS"
        print(f"{high:,} vs {low:,}: {label} {cpu:.1f}x the CPU time, {sql:.1f}x the SQL "
              f"statements ({count_low} and {count_high}): {verdict}")
    print()
    figures = export_figures(q, args.export)
    print(f"CSV export of a campaign ({len(q.questions)} questions), SQLite")
    print(f"{'':28} {'CPU time':>8} {'peak memory':>12}")
    for label, (seconds, peak) in figures.items():
        print(f"{label:28} {seconds:7.2f}s {peak:9.1f} MiB")
    ours_time, ours_peak = figures[f"export, {args.export} responses"]
    base_time, base_peak = figures[f"baseline, {args.export} responses"]
    print(f"export vs baseline: {ours_time / base_time:.2f}x the time, "
          f"{ours_peak / base_peak:.2f}x the peak memory")


if __name__ == "__main__":
    main()
