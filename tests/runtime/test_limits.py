"""Rate limits shared by every gunicorn worker through a real Redis
(KEDJEKOLL_RATELIMIT_STORAGE_URI), and a production start refused without it or without
KEDJEKOLL_BASE_URL.

shared/security.md S6 (guessing invitation tokens: the rate limit must hold however many
workers answer) and S16 (a production start with an unsafe configuration exits non-zero
with one line).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import ROOT
from tests.runtime.conftest import BIN, Served, database, environment, free_port

LIMIT = 30  # supplier/limits.py: 30 unknown or expired links per address in 10 minutes
ACCESS = re.compile(r"^access (\d{3}) <(\d+)>$", re.MULTILINE)  # status, worker pid


def bad_link(server: Served) -> int:
    """Open an invitation link nobody was given; the status answered."""
    return server.get(f"/i/{secrets.token_urlsafe(32)}").status


def workers_of(master: int) -> set[int]:
    """The pids of a gunicorn master's workers (its children)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.add(int(stat.parent.name))
    return children


def answered(server: Served, status: int) -> list[int]:
    """The worker pid of every request logged with this status, in order."""
    return [int(pid) for code, pid in ACCESS.findall(server.log()) if int(code) == status]


def test_bad_links_get_429_from_every_worker_and_after_a_restart(tmp_path, request, serve,
                                                                  redis_server):
    """S6: 35 bad invitation links from one address against 4 gunicorn workers sharing
    Redis: 30 × 404, then 429 whichever worker answers; still 429 after every worker is
    killed and replaced. When Redis stops, pages still answer (the limits count in each
    process), the log says why in one line, /readyz is 503 with the reason and no
    password; when it is back /readyz is 200 again."""
    env = environment(tmp_path, database("sqlite", tmp_path, request),
                      KEDJEKOLL_RATELIMIT_STORAGE_URI=redis_server.url)
    server = serve([str(BIN / "gunicorn"), "-c", "python:webapp.server", "--bind",
                    f"127.0.0.1:{free_port()}", "--workers", "4", "--threads", "1",
                    "--no-control-socket", "--access-logfile", "-",
                    "--access-logformat", "access %(s)s %(p)s"], env)
    server.wait_until_up()
    server.wait_for_line("Booting worker", 4)
    with ThreadPoolExecutor(max_workers=4) as pool:  # 4 at a time: every worker answers
        first = list(pool.map(lambda _: bad_link(server), range(LIMIT - 2)))
    rest = [bad_link(server) for _ in range(7)]
    workers = set(answered(server, 404))
    print(f"35 bad links: {first.count(404) + rest.count(404)} × 404, {rest.count(429)} × 429; "
          f"404s from {len(workers)} workers, 429s from {len(set(answered(server, 429)))}")
    assert first == [404] * (LIMIT - 2) and rest == [404, 404] + [429] * 5, server.log()
    assert len(workers) >= 2  # with memory:// each would have counted on its own

    before = workers_of(server.process.pid)
    for pid in before:  # every worker killed: the master starts new ones, with no counts
        os.kill(pid, signal.SIGKILL)
    server.wait_for_line("Booting worker", 8)
    with ThreadPoolExecutor(max_workers=4) as pool:
        after = list(pool.map(lambda _: bad_link(server), range(8)))
    new_workers = set(answered(server, 429)[5:])
    print(f"after killing every worker: {after.count(429)} × 429 from {len(new_workers)} "
          "new workers")
    assert after == [429] * 8 and new_workers and not new_workers & before, server.log()

    redis_server.stop()
    assert bad_link(server) == 404  # served, counted in the process until Redis is back
    ready = server.get("/readyz")
    assert ready.status == 503
    assert ('"rate limits":"the rate-limit storage does not answer '
            '(KEDJEKOLL_RATELIMIT_STORAGE_URI)"') in ready.body
    server.wait_for_line("kedjekoll: the rate-limit storage (KEDJEKOLL_RATELIMIT_STORAGE_URI)"
                         " does not answer: each process counts the limits on its own until"
                         " it is back; /readyz says not ready")
    redis_server.start()
    assert server.get("/readyz").status == 200
    log = server.log()
    assert redis_server.password not in log + ready.body
    assert "Traceback" not in log and "access 500" not in log


def kedjekoll_serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "webapp.cli", "serve", "--port", "1", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_production_refuses_to_start_without_the_limit_storage_or_the_base_url(tmp_path):
    """S16: outside --dev, no shared limit storage or no address for links is one line
    naming the variable and how to set it, and exit status 2."""
    missing_storage = kedjekoll_serve(environment(tmp_path,
                                                  KEDJEKOLL_RATELIMIT_STORAGE_URI=None))
    assert missing_storage.returncode == 2
    assert missing_storage.stderr == (
        "kedjekoll: KEDJEKOLL_RATELIMIT_STORAGE_URI is not set. Set it to a Redis address "
        "such as redis://127.0.0.1:6379/0 so every worker and server shares the rate "
        "limits, or to memory:// to run one process only, or use `kedjekoll serve --dev`.\n")
    missing_base = kedjekoll_serve(environment(tmp_path, KEDJEKOLL_BASE_URL=None))
    assert missing_base.returncode == 2
    assert missing_base.stderr == (
        "kedjekoll: KEDJEKOLL_BASE_URL is not set. Set it to the address suppliers and "
        "staff open, such as https://kedjekoll.region.se: links in mail start with it. "
        "Only development (`kedjekoll serve --dev`, KEDJEKOLL_DEV=1) uses "
        "http://127.0.0.1:5000.\n")


def test_gunicorn_without_the_limit_storage_stops_with_one_line(tmp_path):
    """S16: a plain `gunicorn 'webapp:create_app()'` stops too, without a traceback.

    One worker: when two fail at once gunicorn itself may print a HaltServer traceback
    while stopping (a race in its arbiter, whatever the app's error)."""
    env = environment(tmp_path, KEDJEKOLL_RATELIMIT_STORAGE_URI=None)
    ended = subprocess.run([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{free_port()}",
                            "--workers", "1", "--no-control-socket", "webapp:create_app()"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert ended.returncode != 0
    assert "KEDJEKOLL_RATELIMIT_STORAGE_URI is not set." in ended.stderr
    assert "Traceback" not in ended.stderr, ended.stderr


def test_memory_on_purpose_starts_one_process_and_says_so(tmp_path, request, serve):
    """S6: memory:// chosen on purpose: `kedjekoll serve` runs one worker, whose log says
    the limits hold in this process only."""
    env = environment(tmp_path, database("sqlite", tmp_path, request),
                      KEDJEKOLL_RATELIMIT_STORAGE_URI="memory://")
    server = serve([str(BIN / "kedjekoll"), "serve", "--port", str(free_port())], env)
    server.wait_until_up()
    server.wait_for_line("rate limits are counted in this process only")
    log = server.log()
    assert "with 1 workers × 2 threads" in log and log.count("Booting worker") == 1
    assert log.count("kedjekoll: KEDJEKOLL_RATELIMIT_STORAGE_URI=memory://: rate limits are "
                     "counted in this process only; run one process (kedjekoll serve "
                     "--workers 1), or set a Redis address") == 1


def test_development_starts_without_a_base_url_or_a_limit_storage(tmp_path, serve):
    """--dev needs neither: links start with http://127.0.0.1:5000, limits in memory."""
    env = environment(tmp_path, KEDJEKOLL_BASE_URL=None, KEDJEKOLL_RATELIMIT_STORAGE_URI=None,
                      KEDJEKOLL_SECRET_KEY=None)
    server = serve([str(BIN / "kedjekoll"), "serve", "--dev", "--port", str(free_port())], env)
    server.wait_until_up()
    assert server.get("/readyz").status == 200
    assert "is not set" not in server.log()
