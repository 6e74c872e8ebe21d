"""Serving Kedjekoll in production with gunicorn: `kedjekoll serve` and the settings it
shares with a plain `gunicorn -c python:webapp.server` (docs/deploy.md).

gunicorn reads this module as its configuration: the module-level names below that are
gunicorn settings (`wsgi_app`, `workers`, `threads`, `forwarded_allow_ips`,
`accesslog`) apply, everything else it ignores. The proxy trust matches the app's:
with KEDJEKOLL_PROXY_COUNT unset gunicorn trusts nobody's X-Forwarded-Proto (its own
default trusts 127.0.0.1); with it set, gunicorn agrees with the app's ProxyFix, so the
app must only be reachable through the proxy.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

APP = "webapp:create_app()"
DEFAULT_THREADS = 2


def default_workers() -> int:
    """2 × cores + 1, gunicorn's advice, at most 8 (each worker holds the questionnaires
    and a pool of database connections)."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def trusted_proxies() -> str:
    """gunicorn's forwarded_allow_ips for KEDJEKOLL_PROXY_COUNT: nobody when unset or 0.

    A value the app cannot read also trusts nobody here; the app then stops with the
    one-line error naming the variable.
    """
    try:
        count = int(os.environ.get("KEDJEKOLL_PROXY_COUNT") or 0)
    except ValueError:
        count = 0
    return "*" if count > 0 else ""


def settings(bind: str | None = None, workers: int | None = None,
             threads: int | None = None) -> dict[str, Any]:
    """The gunicorn settings `kedjekoll serve` uses."""
    chosen: dict[str, Any] = {
        "workers": workers or default_workers(),
        "threads": threads or DEFAULT_THREADS,
        "forwarded_allow_ips": trusted_proxies(),
        "accesslog": None,  # the app writes one line per request itself (requestlog.py)
        "worker_exit": worker_exit,
    }
    if bind:
        chosen["bind"] = [bind]
    return chosen


def worker_exit(_arbiter: Any, _worker: Any) -> None:
    """A worker that is done leaves at once, with the status gunicorn gave it.

    gunicorn calls this hook while the worker's SystemExit is on its way out. Left to
    itself, Python then tears down every module of the app one by one, which on a busy
    machine took up to gunicorn's 30 s timeout at full CPU: a reload (HUP) or a stop
    waited that long for old workers. Nothing of the app needs that teardown (each
    request has committed or rolled back; the database closes a dropped connection), so
    the logs are flushed and the process ends here.
    """
    import logging
    import sys

    leaving = sys.exc_info()[1]
    code = leaving.code if isinstance(leaving, SystemExit) else 0
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code if isinstance(code, int) else 1)


class Server(BaseApplication):
    """gunicorn with Kedjekoll's settings, each worker building its own app."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app()


# read by `gunicorn -c python:webapp.server`
wsgi_app = APP
workers = default_workers()
threads = DEFAULT_THREADS
forwarded_allow_ips = trusted_proxies()
accesslog = None
# worker_exit (above) is read as a gunicorn setting too
