"""R1: an acknowledged submission is never lost, even when the server is killed mid-run.

Twelve suppliers submit at once through a real server process; the server is killed
(SIGKILL) while they are at it and started again; every receipt a client was shown must
be in the database, with the content it acknowledged.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import select

from tests.conftest import ROOT
from tests.factories import make_campaign
from webapp.definitions.examples import example_answers
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.migrate import upgrade
from webapp.store.models import Submission
from webapp.store.responses import save_draft

SUPPLIERS = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "tests.support.serve", str(folder),
                                str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def submit_once(base: str, token: str) -> str:
    """Open the link, submit, read the receipt number; raises on any failure."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    plain = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.open(f"{base}/i/{token}", timeout=10).read()
    check = opener.open(f"{base}/supplier/check", timeout=10).read().decode()
    if 'name="submission_id"' not in check:  # submitted before the answer was cut off
        page = opener.open(f"{base}/supplier/receipt/1", timeout=10).read().decode()
        return re.search(r'class="receipt">([^<]+)<', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', check).group(1)
    submission_id = f"kill-{token[:12]}"
    body = urllib.parse.urlencode({"csrf_token": csrf, "confirm": "yes",
                                   "submission_id": submission_id}).encode()
    try:
        plain.open(f"{base}/supplier/submit", data=body, timeout=10)
    except urllib.error.HTTPError as exc:
        if exc.code != 303:
            raise
        location = exc.headers["Location"]
    page = opener.open(urllib.parse.urljoin(base, location), timeout=10).read().decode()
    return re.search(r'class="receipt">([^<]+)<', page).group(1)


def test_receipts_survive_a_killed_server(tmp_path, masks):
    url = f"sqlite:///{tmp_path / 'kedjekoll.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        _, invitations = make_campaign(session, masks, suppliers=SUPPLIERS)
        for n, (response, _) in enumerate(invitations):
            answers = example_answers(masks, random.Random(n), files_for=lambda _q: [])
            save_draft(session, response, answers, 0, "setup")
        tokens = [t for _, t in invitations]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(tmp_path, port)
    receipts: dict[str, str] = {}
    failures: dict[str, str] = {}
    lock = threading.Lock()

    def supplier(token: str) -> None:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                number = submit_once(base, token)
            except Exception as exc:  # down, cut off mid-answer, refused: try again
                failures[token] = f"{type(exc).__name__}: {exc}"
                time.sleep(0.2)
                continue
            with lock:
                receipts[token] = number
            return

    threads = [threading.Thread(target=supplier, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    while len(receipts) < 3 and any(t.is_alive() for t in threads):
        time.sleep(0.01)
    server.kill()  # SIGKILL: no clean shutdown
    server.wait()
    killed_with = len(receipts)
    server = start(tmp_path, port)
    for thread in threads:
        thread.join(timeout=150)
    server.kill()
    server.wait()
    assert killed_with < SUPPLIERS
    assert len(receipts) == SUPPLIERS, {t: failures.get(t) for t in tokens if t not in receipts}
    with factory() as session:
        stored = {s.receipt: s for s in session.scalars(select(Submission))}
    assert set(receipts.values()) <= set(stored)
    assert len(stored) == SUPPLIERS  # idempotent retries made no second submission
    for submission in stored.values():
        canonical = json.dumps(submission.answers, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
        assert hashlib.sha256(canonical.encode()).hexdigest() == submission.content_hash
    engine.dispose()
