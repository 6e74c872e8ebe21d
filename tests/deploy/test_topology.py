"""Issue 12's topology test: nginx in front of two app servers on one PostgreSQL, with
Redis for the rate limits and evidence in the database (tests/deploy/conftest.py).

Through nginx, as clients on different loopback addresses:
- a file uploaded through server A downloads intact through server B;
- 35 bad invitation tokens from one address get 429 after 30, from either server, while
  a valid link from another address still works (S6);
- 40 suppliers save and submit at once while server A is killed and restarted; every
  acknowledged submission is in the database with its content (R1);
- /readyz answers 503 while PostgreSQL is stopped and 200 when it is back.

Each test prints its figures. The tests run in this order on one topology.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
import statistics
import threading
import time
from collections import Counter

from tests.deploy.browser import Browser, Page
from tests.deploy.conftest import SUPPLIERS, Topology
from tests.deploy.crowd import Tally, expect, supplier

#: a code of conduct of 3 MiB: over nginx's default upload limit of 1 MiB, so the
#: operator's client_max_body_size is what lets it through
PDF = b"%PDF-1.7\n" + random.Random(12).randbytes(3 * 1024 * 1024) + b"\n%%EOF\n"
STOPPED_DATABASE = "the database does not answer (OperationalError)"


def show(capsys, title: str, lines: list[str]) -> None:
    with capsys.disabled():
        print(f"\ntopology, {title}:")
        for line in lines:
            print(f"  {line}")


def percentiles(seconds: list[float]) -> str:
    cuts = statistics.quantiles(seconds, n=20)
    return f"p50 {statistics.median(seconds):.2f} s, p95 {cuts[18]:.2f} s"


def test_a_file_uploaded_through_one_server_downloads_through_the_other(topology, capsys):
    started = time.monotonic()
    through_a, through_b = topology.browser(pinned_to=0), topology.browser(pinned_to=1)
    assert through_a.get(f"/i/{topology.tokens[SUPPLIERS]}").status == 303
    page = through_a.get("/supplier/section/policy")
    assert page.status == 200 and page.upstream == topology.upstream(0)
    saved = through_a.post("/supplier/section/policy", {
        **topology.upload_form, "csrf_token": page.csrf(), "draft_version": page.version(),
        "action": "save"}, files={"code_file": ("uppförandekod.pdf", PDF, "application/pdf")})
    assert saved.status == 303, saved.text[:2000]
    page = through_a.get(saved.location)
    assert "Filen uppförandekod.pdf sparades." in page.text
    link = re.search(r'href="(/supplier/files/\d+)"', page.text).group(1)

    through_b.cookies = through_a.cookies  # the same browser, answered by the other server
    download = through_b.get(link)
    assert download.status == 200 and download.upstream == topology.upstream(1)
    assert hashlib.sha256(download.body).hexdigest() == hashlib.sha256(PDF).hexdigest()
    assert download.headers["content-disposition"].startswith("attachment;")
    show(capsys, "evidence", [
        f"{len(PDF) / 2**20:.1f} MiB uploaded through A in {saved.seconds:.2f} s, "
        f"downloaded through B in {download.seconds:.2f} s, same SHA-256",
        f"phase: {time.monotonic() - started:.1f} s"])


def test_bad_tokens_from_one_address_get_429_from_either_server(topology, capsys):
    """S6: the limit of 30 bad links in 10 minutes holds across workers and servers, per
    client address as nginx saw it; a forged X-Forwarded-For does not escape it."""
    started = time.monotonic()
    guesser = topology.browser("127.0.0.2")
    pages = [guesser.get(f"/i/{secrets.token_urlsafe(32)}",
                         **{"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(35)]
    assert [p.status for p in pages] == [404] * 30 + [429] * 5
    both = {topology.upstream(0), topology.upstream(1)}
    assert {p.upstream for p in pages[:30]} == both  # counted together
    assert {p.upstream for p in pages[30:]} == both  # refused by either
    assert "För många försök" in pages[-1].text
    other = topology.browser("127.0.0.3")
    valid = other.get(f"/i/{topology.tokens[SUPPLIERS + 1]}")
    assert valid.status == 303 and valid.location == "/supplier/"
    assert other.get("/supplier/").status == 200
    show(capsys, "rate limit", [
        "35 bad links from 127.0.0.2 (each with a forged X-Forwarded-For): "
        f"{Counter(p.status for p in pages)}, answered by "
        f"{dict(Counter(p.upstream for p in pages))}",
        f"a valid link from 127.0.0.3: {valid.status} to {valid.location}",
        f"phase: {time.monotonic() - started:.1f} s"])


def test_every_acknowledged_submission_survives_a_killed_server(topology, capsys):
    """R1 on two servers: server A is killed (SIGKILL, master and workers) while 40
    suppliers save and submit, and started again; every submission a supplier saw
    acknowledged is stored with the text it saved, and retries add none twice."""
    started = time.monotonic()
    tally, log = Tally(), []
    deadline = started + 100
    threads = [threading.Thread(target=supplier, args=(topology, n, tally, log, deadline))
               for n in range(SUPPLIERS)]
    for thread in threads:
        thread.start()
    # the kill comes with submissions acknowledged and, most likely, more on their way
    while not (len(tally.acknowledged) >= 5 and tally.submitting >= 2
               or len(tally.acknowledged) >= 12) and time.monotonic() < deadline:
        time.sleep(0.005)
    topology.kill_server(0)
    killed_at, acknowledged_before = time.monotonic(), len(tally.acknowledged)
    on_their_way = tally.submitting
    topology.start_server(0)
    topology.servers[0].wait_until_up()
    back_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=max(1, deadline + 10 - time.monotonic()))
    assert not tally.failures, tally.failures
    assert len(tally.receipts) == SUPPLIERS
    a, probe = topology.upstream(0), topology.browser()
    while probe.get("/healthz").upstream != a:  # nginx takes A back (fail_timeout 10 s)
        assert time.monotonic() < back_at + 30, "nginx never sent a request to A again"
        time.sleep(0.5)
    rejoined_at = time.monotonic()

    stored = topology.stored(topology.response_ids[:SUPPLIERS])
    by_response = {s.response_id: s for s in stored}
    assert len(stored) == SUPPLIERS  # no retry submitted twice
    for n, number in tally.receipts.items():
        row = by_response[topology.response_ids[n]]
        assert row.receipt == number
        assert row.answers["product_details"] == topology.answers[n]["product_details"]
        canonical = json.dumps(row.answers, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
        assert hashlib.sha256(canonical.encode()).hexdigest() == row.content_hash

    cut, passed = posts_cut_and_passed_on(topology)
    assert all(", " not in line and " 502 " in line for line in cut.values()), cut
    after = [e for e in log if e[0] > killed_at + 1 and e[3].split(", ")[-1] == a]
    passed_on = [e for e in log if ", " in e[3]]  # nginx tried A, then B
    show(capsys, "kill and restart", [
        f"{SUPPLIERS} suppliers, {len(log)} requests: {percentiles([e[1] for e in log])}; "
        f"statuses {dict(Counter(e[2] for e in log))}",
        f"A killed after {killed_at - started:.1f} s with {acknowledged_before} "
        f"submissions acknowledged and {on_their_way} on their way; answering again "
        f"{back_at - killed_at:.1f} s later, it answered {len(after)} of theirs; nginx "
        f"sent it requests again {max(0.0, rejoined_at - back_at):.1f} s after that",
        f"nginx passed {len(passed_on)} requests A did not answer on to B "
        f"({dict(Counter(e[2] for e in passed_on))})",
        f"POSTs that reached A before the kill: {len(cut)}, each a 502, none sent again "
        f"by nginx; POSTs A refused while restarting, which nginx passed to B: {passed}",
        f"retries by the suppliers, by step {dict(tally.retries)}, because of "
        f"{dict(tally.causes)}",
        f"submits left unanswered and sent again: {tally.unacknowledged}; found stored on "
        f"the retry: {tally.found_submitted}",
        f"acknowledged {len(tally.acknowledged)}, stored {len(stored)}, all with their "
        f"content; phase: {time.monotonic() - started:.1f} s"])


def posts_cut_and_passed_on(topology: Topology) -> tuple[dict[str, str], int]:
    """From nginx's logs: the access-log line of each POST it had sent to an app server
    that died before answering (by connection number), and how many POSTs it passed
    on to the other server."""
    nginx = topology.folder / "nginx"
    sent = set(re.findall(r"\*(\d+) [^\n]* while (?:reading response header from|sending "
                          r'request to) upstream[^\n]* request: "POST ',
                          (nginx / "error.log").read_text()))
    access = (nginx / "access.log").read_text().splitlines()
    cut = {line.split()[0]: line for line in access if line.split()[0] in sent}
    passed = sum(1 for line in access if " POST " in line and ", " in line)
    return cut, passed


def test_readyz_follows_postgresql(topology, capsys):
    started = time.monotonic()
    browser = topology.browser()
    assert browser.get("/readyz").status == 200
    topology.postgres.stop()
    stopped_at = time.monotonic()
    try:
        down = [browser.get("/readyz") for _ in range(4)]  # both servers, round robin
        assert [p.status for p in down] == [503] * 4
        assert {p.upstream for p in down} == {topology.upstream(0), topology.upstream(1)}
        assert {json.loads(p.body)["checks"]["database"] for p in down} == {STOPPED_DATABASE}
    finally:
        topology.postgres.start()
    restarted_at = time.monotonic()
    ready: list[Page] = []
    while len(ready) < 4:  # four 200s in a row: both servers answer again
        page = browser.get("/readyz")
        ready = ready + [page] if page.status == 200 else []
        assert time.monotonic() - restarted_at < 30, page.text
        time.sleep(0.1 if page.status == 200 else 0.5)
    assert {p.upstream for p in ready} == {topology.upstream(0), topology.upstream(1)}
    assert expect(Browser(browser.base).get(f"/i/{topology.tokens[0]}"), 303, "link")
    show(capsys, "readiness", [
        f"PostgreSQL stopped: /readyz 503 from both servers in "
        f"{restarted_at - stopped_at:.1f} s; 200 again {time.monotonic() - restarted_at:.1f} s "
        f"after it started", f"phase: {time.monotonic() - started:.1f} s"])
    show(capsys, "set-up", topology.figures)


def test_no_log_holds_an_invitation_token(topology):
    """S15: after every phase, neither app server's log nor nginx's access log holds a
    token that was used (nginx's error log names the request line of a request it could
    not pass on; docs/deploy.md says so)."""
    logs = {path.relative_to(topology.folder): path.read_text(errors="replace")
            for path in [*topology.folder.glob("app-*.log"),
                         topology.folder / "nginx" / "access.log"]}
    assert len(logs) == 3 and all(logs.values())
    leaked = {str(name) for name, text in logs.items()
              if any(token in text for token in topology.tokens)}
    assert not leaked
