"""Runtime fixtures: a real gunicorn on loopback, on SQLite or the test PostgreSQL server,
and a real Redis for shared rate limits.

The PostgreSQL fixtures are the store tests' (pytest-postgresql through
tests/support/pg_ctl); `new_database` makes a fresh, fully migrated database. The
Redis server is the test's own (/usr/bin/redis-server on a free loopback port, nothing
saved to disk); without redis-server its tests skip, except under KEDJEKOLL_STRICT=1.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PRODUCTION, ROOT
from tests.store.conftest import new_database, pg_server, postgresql_proc  # noqa: F401

BIN = Path(sys.executable).parent
BOOT_SECONDS = 90  # a busy 2-core machine boots four workers in 10-30 s
REDIS_SERVER = os.environ.get("KEDJEKOLL_REDIS_SERVER", "/usr/bin/redis-server")
STRICT = os.environ.get("KEDJEKOLL_STRICT") == "1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(folder: Path, url: str | None = None, **extra: str) -> dict[str, str]:
    """A production environment: a real secret key, the address links start with, rate
    limits in memory (one process on purpose; `extra` may name Redis), no development
    mode. An `extra` value of None leaves that variable out."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder),
           "KEDJEKOLL_RESPONSES_DIR": str(folder),
           "KEDJEKOLL_SECRET_KEY": secrets.token_hex(32), "PYTHONDONTWRITEBYTECODE": "1",
           "KEDJEKOLL_BASE_URL": PRODUCTION["BASE_URL"],
           "KEDJEKOLL_RATELIMIT_STORAGE_URI": PRODUCTION["RATELIMIT_STORAGE_URI"]}
    if url:
        env["KEDJEKOLL_DATABASE_URL"] = url
    env.update(extra)
    return {name: value for name, value in env.items() if value is not None}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Answer(answer.status, dict(answer.headers), answer.read().decode())
    except urllib.error.HTTPError as refused:
        with refused:
            return Answer(refused.code, dict(refused.headers), refused.read().decode())


@dataclass
class Served:
    """A server process on loopback; `log()` is what it wrote so far."""

    process: subprocess.Popen
    port: int
    log_file: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, **headers: str) -> Answer:
        return fetch(self.base + path, headers)

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited {self.process.returncode}:\n{self.log()}")
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not up in {BOOT_SECONDS} s:\n{self.log()}")

    def wait_for_line(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while self.log().count(text) < count:
            assert time.monotonic() < deadline, f"no {count} × {text!r} in:\n{self.log()}"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            # gunicorn: INT is its quick shutdown (TERM waits out graceful_timeout)
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def launch(args: list[str], env: dict[str, str], log_file: Path, cwd: Path = ROOT) -> Served:
    """Start `args` (a server command with --bind or --port) in its own process group,
    writing to `log_file`; the caller stops it."""
    with log_file.open("ab") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    return Served(process, int(args[args.index("--bind") + 1].rsplit(":", 1)[1])
                  if "--bind" in args else int(args[args.index("--port") + 1]), log_file)


@pytest.fixture
def serve(tmp_path):
    """Start `args` (a server command) in the background; stopped after the test."""
    started: list[Served] = []

    def start(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> Served:
        served = launch(args, env, tmp_path / f"server-{len(started)}.log", cwd)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


def database(kind: str, tmp_path: Path, request) -> str:
    """A fresh database at the newest migration, as after `kedjekoll db upgrade`."""
    return new_database(kind, tmp_path, request)



@dataclass
class RedisServer:
    """The test's own redis-server on loopback, behind a password (so a test can look
    for it where it must not be): `stop()` and `start()` it again on the same port."""

    folder: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: "redis-" + secrets.token_hex(8))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                "--requirepass", self.password, "--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(args, cwd=self.folder, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while not self.answers():
            assert self.process.poll() is None, (self.folder / "redis.log").read_text()
            assert time.monotonic() < deadline, "redis-server did not answer in 20 s"
            time.sleep(0.05)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def redis_server(tmp_path_factory):
    """A fresh Redis of the test's own, stopped after it."""
    if not (Path(REDIS_SERVER).exists() or shutil.which("redis-server")):
        if STRICT:
            pytest.fail(f"redis-server is not installed at {REDIS_SERVER}, and "
                        "KEDJEKOLL_STRICT=1 forbids skipping")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()
