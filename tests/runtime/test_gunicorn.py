"""gunicorn serves Kedjekoll: several workers boot together on a migrated database, an
empty database gives 503 until `kedjekoll db upgrade`, a bad setting is one line.

Each test starts real processes on loopback and stops them; nothing here migrates
from inside the app.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import inspect

from tests.conftest import ROOT
from tests.runtime.conftest import BIN, database, environment, free_port
from webapp.store.db import make_engine

PATHS = ("/readyz", "/staff/login", "/healthz", "/readyz")


@pytest.mark.parametrize(("kind", "preload"), [("sqlite", False), ("postgresql", False),
                                               ("postgresql", True)])
def test_four_workers_boot_together_and_answer(kind, preload, tmp_path, request, serve):
    url = database(kind, tmp_path, request)
    port = free_port()
    args = [str(BIN / "gunicorn"), "-c", "python:webapp.server", "--bind",
            f"127.0.0.1:{port}", "--workers", "4", "--threads", "2", "--no-control-socket"]
    if preload:  # the master builds the app; its connection must not reach the workers
        args.append("--preload")
    server = serve(args, environment(tmp_path, url))
    server.wait_until_up()
    server.wait_for_line("Booting worker", 4)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: server.get(PATHS[i % len(PATHS)]), range(40)))
    codes = [answer.status for answer in answers]
    log = server.log()
    print(f"{kind} preload={preload}: 40 requests, codes {sorted(set(codes))}")
    assert codes == [200] * 40, log
    assert "Traceback" not in log and "failed to boot" not in log and "not ready" not in log
    # gunicorn trusts no proxy here: a forged scheme does not turn on HSTS
    assert "Strict-Transport-Security" not in server.get(
        "/healthz", **{"X-Forwarded-Proto": "https"}).headers


def test_an_empty_database_gives_503_until_it_is_upgraded(tmp_path, serve):
    env = environment(tmp_path)
    port = free_port()
    server = serve([str(BIN / "kedjekoll"), "serve", "--port", str(port), "--workers", "2",
                    "--threads", "1"], env)
    server.wait_until_up()
    ready = server.get("/readyz")
    assert ready.status == 503
    assert '"database":"the database has no tables yet"' in ready.body
    page = server.get("/staff/login")
    assert page.status == 503 and "Tjänsten går inte att använda just nu" in page.body
    assert f"Referens: {page.headers['X-Request-Id']}" in page.body
    server.wait_for_line("not ready: the database has no tables yet; run `kedjekoll db upgrade`")
    engine = make_engine(f"sqlite:///{tmp_path / 'kedjekoll.sqlite3'}")
    assert inspect(engine).get_table_names() == []  # the app migrated nothing
    engine.dispose()

    upgraded = subprocess.run([str(BIN / "kedjekoll"), "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    assert upgraded.returncode == 0, upgraded.stderr
    assert server.get("/readyz").status == 200
    for _ in range(4):  # each worker notices by itself, without a restart
        assert server.get("/staff/login").status == 200
    log = server.log()
    assert "Traceback" not in log and "gunicorn on http://127.0.0.1" in log


@pytest.mark.parametrize("preload", [False, True])
def test_a_bad_setting_stops_gunicorn_with_one_line(preload, tmp_path):
    env = environment(tmp_path, KEDJEKOLL_SMTP_PORT="abc")
    # one worker: two failing at once can race in gunicorn's arbiter (a HaltServer trace)
    args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{free_port()}", "--workers", "1",
            "--no-control-socket", "webapp:create_app()"]
    if preload:
        args.append("--preload")
    ended = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120, check=False)
    line = "KEDJEKOLL_SMTP_PORT must be a whole number (a port such as 587), not 'abc'."
    assert ended.returncode != 0
    assert line in ended.stderr and "Traceback" not in ended.stderr, ended.stderr
    assert "Worker failed to boot" not in ended.stderr


def test_serve_reports_a_bad_setting_before_starting(tmp_path):
    env = environment(tmp_path, KEDJEKOLL_PROXY_COUNT="two")
    ended = subprocess.run([sys.executable, "-m", "webapp.cli", "serve", "--port", "1"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                           check=False)
    assert ended.returncode == 2
    assert ended.stderr.strip() == ("kedjekoll: KEDJEKOLL_PROXY_COUNT must be a whole number "
                                    "from 0 to 10 (the proxies in front of the app), not 'two'.")
