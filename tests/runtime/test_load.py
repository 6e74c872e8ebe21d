"""A deadline rush under load: R1, R6 and R9, with the S18 audit trail of every download.

On gunicorn (several workers and threads, production settings) over SQLite and over
PostgreSQL, thirty suppliers, each in a browser of its own, open their link, save a
draft through the section's real form and submit, while an administrator downloads
every export and evidence file (the downloads are found in the url_map, so a new one
is covered) and another imports a 10,000-row supplier file through the import page.

Asserted (issue 13): no answer with status 5xx (R9); no "database is locked" in the
server log (R6); every submission a supplier was shown a receipt for is stored (R1);
every download's audit event is stored (S18); every row of the import is stored; no
request runs as long as the worker timeout; and on SQLite a writer never waits longer
than LOCK_WAIT for the write lock behind the import (a probe keeps taking it, as a
supplier's save would, from ALONE seconds before the rush until the import is done).
It prints p50/p95 of the saves and submits, the import's duration and the probe's
longest waits.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.runtime.clients import (
    CSRF_ANY,
    Answer,
    SupplierBrowser,
    download_paths,
    form_with_button,
    percentiles,
    seed,
    served_seconds,
    sign_in_staff,
)
from tests.runtime.conftest import BIN, database, environment, free_port
from tests.support.supplier_files import supplier_file
from webapp import create_app
from webapp.store.db import make_engine
from webapp.store.models import AuditEvent, Submission, Supplier

SUPPLIERS = 30
IMPORT_ROWS = 10_000
WORKER_TIMEOUT = 30  # gunicorn's default `timeout`, which `kedjekoll serve` keeps
LOCK_WAIT = 2.0  # the issue asks for "a second"; the rest is room for a busy 2-core machine
ALONE = 3.0  # seconds the import runs before the rush: the probe then waits behind it only
EXPORT_PAUSE = 3.0  # seconds between the administrator's rounds of downloads


@dataclass
class Rush:
    """What happened while the import ran: the answers, and the writer probe's waits."""

    receipts: dict[str, str] = field(default_factory=dict)
    waits: list[tuple[bool, float]] = field(default_factory=list)  # (before the rush?, s)
    import_seconds: float = 0.0
    imported: threading.Event = field(default_factory=threading.Event)
    rushing: threading.Event = field(default_factory=threading.Event)

    def longest_wait(self, alone: bool) -> float:
        return max((s for before, s in self.waits if before == alone), default=0.0)


def _probe_write_lock(url: str, rush: Rush) -> None:
    """Take SQLite's write lock over and over until the import is done, timing each
    wait: before the rush, what a supplier's save would wait behind the import alone;
    during it, behind the import and the other suppliers' saves."""
    connection = sqlite3.connect(make_url(url).database, timeout=60, isolation_level=None)
    try:
        while not rush.imported.is_set():
            alone = not rush.rushing.is_set()
            started = time.perf_counter()
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # locked for a whole minute
                rush.waits.append((alone, float("inf")))
                continue
            rush.waits.append((alone, time.perf_counter() - started))
            connection.execute("COMMIT")
            time.sleep(0.05)
    finally:
        connection.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_deadline_rush_while_staff_export_and_import(kind, tmp_path, request, serve, masks):
    url = database(kind, tmp_path, request)
    seeded = seed(url, tmp_path, masks, SUPPLIERS, admins=2)
    csv_text = supplier_file(IMPORT_ROWS, (seeded.agreement,))
    org_numbers = {line.split(";")[0] for line in csv_text.splitlines()[1:]}
    port = free_port()
    server = serve([str(BIN / "gunicorn"), "-c", "python:webapp.server", "--bind",
                    f"127.0.0.1:{port}", "--workers", "3", "--threads", "4", "--preload",
                    "--no-control-socket"], environment(tmp_path, url))
    forms = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "forms"})
    server.wait_until_up()

    exporter = sign_in_staff(server.base, seeded.admins[0])
    importer = sign_in_staff(server.base, seeded.admins[1])
    downloads = download_paths(exporter, forms, seeded.samples)
    page = importer.get("/staff/suppliers/import")
    preview = importer.upload("/staff/suppliers/import", {
        "csrf_token": CSRF_ANY.search(page.text).group(1), "action": "preview"},
        "file", "leverantorer.csv", csv_text.encode("cp1252"))
    assert preview.status == 200, preview.text[:500]
    confirm = form_with_button(preview.text, "action", "import")
    assert confirm and confirm["carried"], preview.text[:500]
    rush = Rush()
    done = threading.Event()

    def import_file() -> None:
        started = time.perf_counter()
        form: dict[str, str] | None = confirm
        try:
            for _ in range(30):  # "Continue the import" while the page offers it
                answer = importer.post("/staff/suppliers/import", form)
                form = form_with_button(answer.text, "action", "import") \
                    if answer.status == 200 else None
                if form is None:
                    break
            if answer.status == 303:
                importer.get(urllib.parse.urlsplit(answer.headers["Location"]).path)
            rush.import_seconds = time.perf_counter() - started
        finally:
            rush.imported.set()

    suppliers: list[SupplierBrowser] = []

    def supplier(n: int) -> None:
        browser = SupplierBrowser.open(server.base, seeded.tokens[n], forms, masks)
        suppliers.append(browser)
        section = masks.sections[n % len(masks.sections)]
        if browser.save(section.id, seeded.answers[n]).status == 303:
            _answer, receipt = browser.submit(f"load-{n}")
            if receipt:
                rush.receipts[f"load-{n}"] = receipt

    def export_all() -> None:
        for round_ in itertools.count():  # every download, a round every few seconds
            for path in downloads:
                if round_ and done.is_set():
                    return
                exporter.get(path)
            done.wait(EXPORT_PAUSE)

    workers = [threading.Thread(target=import_file)]
    if kind == "sqlite":
        workers.append(threading.Thread(target=_probe_write_lock, args=(url, rush)))
    for thread in workers:
        thread.start()
    time.sleep(ALONE)  # the import is writing; the probe measures what a save waits
    rush.rushing.set()
    rushers = [threading.Thread(target=supplier, args=(n,)) for n in range(SUPPLIERS)]
    rushers.append(threading.Thread(target=export_all))
    for thread in rushers[:-1]:
        thread.start()
    rushers[-1].start()
    for thread in rushers[:-1]:
        thread.join(timeout=120)
    done.set()
    for thread in [rushers[-1], *workers]:
        thread.join(timeout=120)

    answers: list[Answer] = [a for b in (exporter, importer, *(s.browser for s in suppliers))
                             for a in b.answers]
    saves = [a.seconds for s in suppliers for a in s.browser.answers
             if a.method == "POST" and a.path.startswith("/supplier/section/")]
    submits = [a.seconds for s in suppliers for a in s.browser.answers
               if a.method == "POST" and a.path == "/supplier/submit"]
    exported = [a for a in exporter.answers if a.path in downloads]
    log = server.log()
    served = served_seconds(log)
    importing = [seconds for method, path, _, seconds in served  # after the preview
                 if (method, path) == ("POST", "/staff/suppliers/import")][1:]
    print(f"\n{kind}: {len(answers)} requests; save {percentiles(saves)}; submit "
          f"{percentiles(submits)}; {len(exported)} downloads; import of {IMPORT_ROWS} rows "
          f"{sum(importing):.1f} s in the app in {len(importing)} requests (the longest "
          f"{max(importing):.1f} s), {rush.import_seconds:.1f} s until the staff see the "
          "supplier list; longest wait for the write lock "
          + (f"{rush.longest_wait(True):.2f} s behind the import alone, "
             f"{rush.longest_wait(False):.2f} s during the rush ({len(rush.waits)} probes)"
             if rush.waits else "n/a"))
    assert [(a.method, a.path, a.status) for a in answers if a.status >= 500] == [], log[-3000:]
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    assert len(served) >= len(answers)
    slow = [(method, path, seconds) for method, path, _, seconds in served
            if seconds >= WORKER_TIMEOUT]
    assert slow == [], "requests as long as the worker timeout"
    assert rush.longest_wait(True) < LOCK_WAIT, "a writer waited behind the import"
    assert len(rush.receipts) == SUPPLIERS, "every supplier saved and submitted"
    assert all(a.status == 200 for a in exported), {a.status for a in exported}

    engine = make_engine(url)
    with engine.connect() as connection:
        stored = {row.receipt: row for row in connection.execute(select(
            Submission.receipt, Submission.client_submission_id, Submission.answers,
            Submission.content_hash))}
        events = connection.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.actor == seeded.admins[0]))
        imported = connection.scalar(select(func.count()).select_from(Supplier)) - SUPPLIERS
    engine.dispose()
    assert len(stored) == SUPPLIERS
    for client_id, receipt in rush.receipts.items():  # stored as acknowledged, intact
        row = stored[receipt]
        canonical = json.dumps(row.answers, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
        assert row.client_submission_id == client_id
        assert hashlib.sha256(canonical.encode()).hexdigest() == row.content_hash
    assert events == len(exported)  # one audit event per download
    assert imported == len(org_numbers)  # every supplier of the file, once
