"""R6 and S18: a download that records its audit event never fails with "database is
locked" while suppliers save, on a real multi-threaded gunicorn over an SQLite file.

A download is a GET that writes (its audit event). Begun as a read, its transaction
could not become a write once a supplier's save had committed meanwhile (SQLite's
SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out): half the staff exports answered
500 during a deadline rush (issue 13, item 4). Here suppliers keep saving while an
administrator downloads every export and evidence file (found in the url_map, so a new
download is covered too); every download must answer 200 with its event stored.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from tests.runtime.clients import Browser, SupplierBrowser, download_paths, seed, sign_in_staff
from tests.runtime.conftest import BIN, database, environment, free_port
from webapp import create_app
from webapp.store.db import make_engine
from webapp.store.models import AuditEvent

SUPPLIERS = 4
ROUNDS = 1  # each download path, per staff thread


def test_downloads_record_their_event_while_suppliers_save(tmp_path, request, serve, masks):
    url = database("sqlite", tmp_path, request)
    seeded = seed(url, tmp_path, masks, SUPPLIERS)
    port = free_port()
    server = serve([str(BIN / "gunicorn"), "-c", "python:webapp.server", "--bind",
                    f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--preload",
                    "--no-control-socket"], environment(tmp_path, url))
    forms = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "forms"})
    server.wait_until_up()
    staff = [sign_in_staff(server.base, seeded.admins[0]) for _ in range(2)]
    downloads = download_paths(staff[0], forms, seeded.samples)
    assert len(downloads) >= 6, downloads  # four campaign exports, evidence, audit CSV
    suppliers = [SupplierBrowser.open(server.base, token, forms, masks)
                 for token in seeded.tokens]
    answers = {s.id: {} for s in masks.sections}
    done = threading.Event()

    saved = threading.Semaphore(0)  # released once per save

    def keep_saving(supplier: SupplierBrowser, n: int) -> None:
        while not done.is_set():
            section = masks.sections[n % len(masks.sections)]
            supplier.save(section.id, answers[section.id])
            saved.release()
            n += 1

    def download_all(browser: Browser) -> None:
        for _ in range(ROUNDS):
            for path in downloads:
                browser.get(path)
                saved.acquire(timeout=5)  # a supplier's save committed since the last one

    savers = [threading.Thread(target=keep_saving, args=(s, n))
              for n, s in enumerate(suppliers)]
    for thread in savers:
        thread.start()
    time.sleep(1)  # the saves are under way
    fetchers = [threading.Thread(target=download_all, args=(b,)) for b in staff]
    for thread in fetchers:
        thread.start()
    for thread in fetchers:
        thread.join(timeout=120)
    done.set()
    for thread in savers:
        thread.join(timeout=60)

    got = [a for b in staff for a in b.answers if a.path in downloads]
    saves = [a for s in suppliers for a in s.browser.answers if a.method == "POST"]
    log = server.log()
    print(f"{len(got)} downloads, {len(saves)} saves meanwhile")
    failed = [(a.path, a.status) for a in got if a.status != 200]
    assert not failed, f"{failed}\n{log[-3000:]}"
    assert len(got) == len(downloads) * (ROUNDS * 2 + 1)  # the rounds and the first look
    assert saves and all(a.status == 303 for a in saves), {a.status for a in saves}
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    engine = make_engine(url)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.actor == seeded.admins[0]))
    engine.dispose()
    assert stored == len(got)  # one event per download, none lost


def test_a_get_that_writes_without_saying_so_is_refused(app):
    """S8 and R6: a GET changes nothing unless its view is marked `@writes`; one that
    writes anyway fails at once, in every test that takes it, and stores nothing. A
    marked one records its event from a transaction begun as a writer, and a writing
    request that commits in steps begins each step as a writer."""
    from webapp.access import audience
    from webapp.database import UndeclaredWrite, db, writes
    from webapp.store.audit import record

    @app.get("/test/undeclared")
    @audience("public")
    def undeclared() -> str:
        record(db(), "probe@example.org", "probe.undeclared")
        return "recorded"

    @app.get("/test/declared")
    @audience("public")
    @writes
    def declared() -> str:
        record(db(), "probe@example.org", "probe.declared")
        return "recorded"

    @app.post("/test/in-steps")
    @audience("public")
    def in_steps() -> str:
        for step in ("probe.first", "probe.second"):  # as an import stored in batches
            record(db(), "probe@example.org", step)
            db().commit()
        return "recorded"

    app.config["WTF_CSRF_ENABLED"] = False  # the probe posts no form
    begun: list[bool] = []  # per transaction: begun as a writer?
    event.listen(app.extensions["kedjekoll.engine"], "begin", lambda connection: begun.append(
        bool(connection.get_execution_options().get("kedjekoll_write"))))
    client = app.test_client()
    with pytest.raises(UndeclaredWrite, match=r"GET undeclared writes \(AuditEvent\) without "
                                              r"declaring it: mark the view @writes"):
        client.get("/test/undeclared")
    assert client.get("/test/declared").get_data(as_text=True) == "recorded"
    assert begun == [True]  # only the declared one reached the database: BEGIN IMMEDIATE
    assert client.post("/test/in-steps").get_data(as_text=True) == "recorded"
    assert begun == [True, True, True]  # a writer's session stays one after a commit
    with app.extensions["kedjekoll.sessions"]() as session:
        assert session.scalars(select(AuditEvent.action).where(
            AuditEvent.actor == "probe@example.org")).all() == [
                "probe.declared", "probe.first", "probe.second"]


def test_a_streamed_export_holds_no_write_lock_while_it_is_sent(app, masks):
    """R6: the download's audit event is committed before the body is sent, and the body
    is read without the write lock, so a long download never holds up a supplier's
    save: while the first chunk is in the staff member's hands, another writer takes
    SQLite's write lock at once."""
    from tests.conftest import signed_in
    from tests.factories import make_campaign
    from webapp.store.db import unit_of_work

    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, _ = make_campaign(session, masks, suppliers=3)
    staff = signed_in(app, "reviewer")
    for kind in ("responses.csv", "tables.csv", "campaign.xlsx", "campaign.json"):
        answer = staff.get(f"/staff/campaigns/{campaign.id}/export/{kind}", buffered=False)
        chunks = iter(answer.response)
        assert next(chunks)  # the download has begun
        other = sqlite3.connect(make_url(str(app.extensions["kedjekoll.engine"].url)).database,
                                timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # "database is locked" if the export held it
        other.execute("COMMIT")
        other.close()
        b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        answer.close()
    with app.extensions["kedjekoll.sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "campaign.exported")) == 4
