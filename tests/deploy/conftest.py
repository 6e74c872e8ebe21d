"""The topology of issue 12, started once for tests/deploy/: Debian's nginx in front of
two app servers (gunicorn, 2 workers each, on their own folders as if on two machines)
on one PostgreSQL cluster of the test's own, with Redis for the rate limits and the
evidence bytes in the database. All on loopback, in tmp folders, on free ports.

The app servers share what servers of one installation share: the database, Redis,
the secret key and the public address; `kedjekoll db upgrade` runs once before they
start, as the deploy step (docs/deploy.md).
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.conftest import ROOT
from tests.deploy.browser import Browser
from tests.deploy.services import Postgres, require_parts, start_nginx, stop_process
from tests.factories import make_campaign
from tests.runtime.conftest import BIN, RedisServer, Served, environment, free_port, launch
from tests.supplier.conftest import form_data
from webapp import create_app
from webapp.definitions.examples import example_answers
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.models import Submission
from webapp.store.responses import save_draft

SUPPLIERS = 40  # who submit while a server is killed; two more for the other phases
EDITED = "products"  # the section each supplier saves through the web before submitting


@dataclass
class Topology:
    folder: Path
    postgres: Postgres
    servers: list[Served]  # app servers A and B
    envs: list[dict[str, str]]
    port: int  # nginx, round robin over A and B
    pinned: list[int]  # nginx, to A only and to B only
    tokens: list[str] = field(default_factory=list)
    response_ids: list[int] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)  # what each supplier posts on EDITED
    answers: list[dict] = field(default_factory=list)  # ... and the answers that are
    upload_form: dict = field(default_factory=dict)  # the policy page, for the upload
    engine: Engine | None = None  # for reading what was stored
    figures: list[str] = field(default_factory=list)

    def browser(self, address: str = "127.0.0.1", pinned_to: int | None = None,
                log: list | None = None) -> Browser:
        """A browser on `address`, through nginx (or its block pinned to A or B)."""
        port = self.port if pinned_to is None else self.pinned[pinned_to]
        return Browser(f"http://127.0.0.1:{port}", address, log=[] if log is None else log)

    def upstream(self, index: int) -> str:
        """How nginx names app server `index` in X-Upstream."""
        return f"127.0.0.1:{self.servers[index].port}"

    def start_server(self, index: int) -> Served:
        """App server `index` (A = 0, B = 1), started again on its port if it ran."""
        port = self.servers[index].port if index < len(self.servers) else free_port()
        args = [str(BIN / "gunicorn"), "-c", "python:webapp.server", "--bind",
                f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket"]
        served = launch(args, self.envs[index], self.folder / f"app-{'AB'[index]}.log")
        if index < len(self.servers):
            self.servers[index] = served
        else:
            self.servers.append(served)
        return served

    def kill_server(self, index: int) -> None:
        """SIGKILL to the gunicorn master and its workers (its process group)."""
        process = self.servers[index].process
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def load(self, q) -> None:
        """A campaign with SUPPLIERS + 2 invited suppliers, each with a complete draft;
        the form each supplier posts on EDITED, with a text of its own to find
        afterwards, and the policy form supplier SUPPLIERS posts with its code of
        conduct attached."""
        self.engine = make_engine(self.postgres.url)
        with unit_of_work(session_factory(self.engine)) as session:
            _, invitations = make_campaign(session, q, suppliers=SUPPLIERS + 2)
            drafts = []
            for n, (response, _) in enumerate(invitations):
                answers = example_answers(q, random.Random(n), files_for=lambda _q: [])
                save_draft(session, response, answers, 0, "setup")
                drafts.append(answers)
            self.response_ids = [r.id for r, _ in invitations]
            self.tokens = [t for _, t in invitations]
        app = create_app({"TESTING": True, "RESPONSES_DIR": self.folder / "forms",
                          "DATABASE_URL": self.postgres.url})
        edited = next(s for s in q.sections if s.id == EDITED)
        policy = next(s for s in q.sections if s.id == "policy")
        with app.test_request_context():
            for n, draft in enumerate(drafts):
                self.answers.append({**draft, "product_details": (
                    f"Nitrilhandskar, leverantör {n}: fabrik i Kedah, "
                    f"parti {secrets.token_hex(4)}")})
                self.forms.append(form_data(q, edited, self.answers[-1]))
            self.upload_form = form_data(q, policy, {
                **drafts[SUPPLIERS], "code_of_conduct": "yes", "code_revised": "2026-01-15"})
        app.extensions["kedjekoll.engine"].dispose()

    def stored(self, response_ids: list[int]) -> list[Submission]:
        with session_factory(self.engine)() as session:
            return list(session.scalars(select(Submission).where(
                Submission.response_id.in_(response_ids))))


@pytest.fixture(scope="package")
def topology(tmp_path_factory, masks):
    nginx = require_parts()
    folder = tmp_path_factory.mktemp("topology")
    steps: list[str] = []
    clock = [time.monotonic()]

    def took(step: str) -> None:
        now = time.monotonic()
        steps.append(f"{step} {now - clock[0]:.1f} s")
        clock[0] = now

    with ExitStack() as cleanup:
        postgres = Postgres(folder / "pg")
        cleanup.callback(postgres.stop_if_running)
        postgres.create()
        (folder / "redis").mkdir()
        redis = RedisServer(folder / "redis")
        cleanup.callback(redis.stop)
        redis.start()
        took("PostgreSQL and Redis")
        port, pinned = free_port(), [free_port(), free_port()]
        shared = {"KEDJEKOLL_SECRET_KEY": secrets.token_hex(32),
                  "KEDJEKOLL_RATELIMIT_STORAGE_URI": redis.url,
                  "KEDJEKOLL_FILE_STORAGE": "database", "KEDJEKOLL_PROXY_COUNT": "1",
                  "KEDJEKOLL_BASE_URL": f"http://127.0.0.1:{port}"}
        envs = []
        for name in "AB":  # each app server on a folder of its own, as on its own machine
            (folder / name).mkdir()
            envs.append(environment(folder / name, postgres.url, **shared))
        upgraded = subprocess.run([str(BIN / "kedjekoll"), "db", "upgrade"], cwd=ROOT,
                                  env=envs[0], capture_output=True, text=True, timeout=120,
                                  check=False)
        assert upgraded.returncode == 0, upgraded.stderr
        took("kedjekoll db upgrade")
        world = Topology(folder, postgres, [], envs, port, pinned)
        cleanup.callback(lambda: [server.stop() for server in world.servers])
        for index in range(2):  # they boot while the data is loaded
            world.start_server(index)
        cleanup.callback(lambda: world.engine and world.engine.dispose())
        world.load(masks)
        took("data")
        for server in world.servers:
            server.wait_until_up()
        took("two gunicorn servers up")
        nginx_process = start_nginx(nginx, folder / "nginx", port,
                                    dict(zip(pinned, [s.port for s in world.servers],
                                             strict=True)),
                                    [s.port for s in world.servers])
        cleanup.callback(stop_process, nginx_process)
        took("nginx")
        world.figures.append("set-up: " + ", ".join(steps))
        yield world
