"""The real parts of the topology test, each started by the test in a tmp folder on a
free loopback port and stopped by it: a PostgreSQL cluster of its own (the test stops
and restarts it) and Debian's nginx configured from the operator's site file,
deploy/nginx-kedjekoll.conf. Redis is the runtime tests' RedisServer.

Nothing here touches a system service, a root-owned path or a port the test did not
pick. Without nginx, redis-server or PostgreSQL the test skips, except under
KEDJEKOLL_STRICT=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.runtime.conftest import REDIS_SERVER, free_port
from tests.store.conftest import PG_CTL, STRICT, _postgres_installed

OPERATOR_SITE = ROOT / "deploy" / "nginx-kedjekoll.conf"
STARTUP_SECONDS = 60


def program(name: str, debian_path: str) -> str | None:
    """The installed program: Debian's path first, then PATH."""
    return debian_path if os.access(debian_path, os.X_OK) else shutil.which(name)


def require_parts() -> str:
    """nginx, when it, redis-server (REDIS_SERVER: the runtime tests' Redis is used) and
    PostgreSQL are installed; else skips, or fails under KEDJEKOLL_STRICT=1."""
    nginx = program("nginx", "/usr/sbin/nginx")
    redis = os.access(REDIS_SERVER, os.X_OK)
    missing = [name for name, found in (("nginx", nginx), ("redis-server", redis),
                                        ("PostgreSQL", _postgres_installed())) if not found]
    if missing:
        if STRICT:
            pytest.fail(f"{', '.join(missing)} not installed, and KEDJEKOLL_STRICT=1 "
                        "forbids skipping the topology test")
        pytest.skip(f"{', '.join(missing)} not installed")
    return nginx  # type: ignore[return-value]


def wait_for_port(port: int, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not listen on {port} in {STARTUP_SECONDS} s\n{tail}")


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Postgres:
    """A cluster of the test's own (initdb, pg_ctl), through tests/support/pg_ctl, which
    runs PostgreSQL as the `postgres` user when the test runs as root."""

    folder: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/kedjekoll"

    def _pg_ctl(self, *args: str) -> None:
        done = subprocess.run([str(PG_CTL), *args], capture_output=True, text=True,
                              timeout=120, check=False)
        log = self.folder / "postgresql.log"
        assert done.returncode == 0, (f"pg_ctl {args[0]}: {done.stdout}{done.stderr}\n"
                                      + (log.read_text(errors="replace")[-2000:]
                                         if log.exists() else ""))

    def create(self) -> None:
        self.port = free_port()
        self._pg_ctl("initdb", "-D", str(self.data), "-s",
                     "-o", "-U postgres --auth=trust --no-sync --encoding=UTF8")
        self.start()
        self._psql_create_database()

    def start(self) -> None:
        self._pg_ctl("start", "-D", str(self.data), "-w", "-t", str(STARTUP_SECONDS),
                     "-l", str(self.folder / "postgresql.log"),
                     "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 "
                           f"-k {self.folder} -c max_connections=150")

    def stop(self) -> None:
        self._pg_ctl("stop", "-D", str(self.data), "-m", "fast", "-w")

    def stop_if_running(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()

    def _psql_create_database(self) -> None:
        from sqlalchemy import text

        from webapp.store.db import make_engine

        admin = make_engine(self.url.rsplit("/", 1)[0] + "/postgres",
                            isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "kedjekoll"'))
        admin.dispose()


def operator_settings() -> tuple[str, str]:
    """From the operator's site file: its `client_max_body_size` line and the body of its
    `location / { ... }` block, which proxies to the upstream `kedjekoll`."""
    site = OPERATOR_SITE.read_text(encoding="utf-8")
    body_size = re.search(r"^\s*client_max_body_size\s+\S+;", site, re.M)
    location = re.search(r"location / \{\n(.*?)\n\s*\}", site, re.S)
    assert body_size and location and "proxy_pass http://kedjekoll;" in location.group(1), (
        "deploy/nginx-kedjekoll.conf lost its client_max_body_size or its location / block")
    return body_size.group(0).strip(), location.group(1)


def nginx_conf(prefix: Path, port: int, pinned: dict[int, int], servers: list[int]) -> str:
    """nginx.conf for the test: the operator's proxy settings in front of `servers`
    (the upstream `kedjekoll`, round robin), and for each port in `pinned` a server
    block that reaches only the app server on `pinned[port]`, with the same settings.

    Every path is under `prefix`; nginx runs in the foreground. Each answer names the
    app server that gave it (X-Upstream) and the access log leaves out the URI, which
    may hold an invitation token."""
    body_size, location = operator_settings()
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root root;  # as root in CI: the workers use the test's tmp folders\n" \
        if os.geteuid() == 0 else ""

    def site(listen: int, upstream: str) -> str:
        return (f"    server {{\n        listen 127.0.0.1:{listen};\n        {body_size}\n"
                f"        add_header X-Upstream $upstream_addr always;\n"
                f"        location / {{\n"
                f"{location.replace('http://kedjekoll;', f'http://{upstream};')}\n"
                f"        }}\n    }}\n")

    upstreams = [("kedjekoll", servers)] + [(f"pinned_{n}", [app])
                                            for n, app in enumerate(pinned.values())]
    blocks = "".join(
        f"    upstream {name} {{\n"
        + "".join(f"        server 127.0.0.1:{app};\n" for app in apps) + "    }\n"
        for name, apps in upstreams)
    sites = site(port, "kedjekoll") + "".join(
        site(listen, f"pinned_{n}") for n, listen in enumerate(pinned))
    return (f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} warn;\nevents {{ worker_connections 512; }}\n"
            f"http {{\n{temp}\n"
            "    log_format topology '$connection $msec $remote_addr $request_method $status "
            "$upstream_addr $upstream_status $request_time';\n"
            f"    access_log {prefix / 'access.log'} topology;\n{blocks}{sites}}}\n")


def start_nginx(executable: str, prefix: Path, port: int, pinned: dict[int, int],
                servers: list[int]) -> subprocess.Popen:
    """nginx in the foreground with the generated configuration, checked first."""
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, port, pinned, servers), encoding="utf-8")
    args = [executable, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    checked = subprocess.run([*args, "-t", "-q"], capture_output=True, text=True,
                             timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr + conf.read_text()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                               start_new_session=True)
    for listen in (port, *pinned):
        wait_for_port(listen, "nginx", prefix / "error.log")
    return process
