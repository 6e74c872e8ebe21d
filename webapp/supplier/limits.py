"""Rate limits (Flask-Limiter): guessing invitation tokens and asking for new links
are slowed down (S6, S7).

The counts live where KEDJEKOLL_RATELIMIT_STORAGE_URI says (config.py; Flask-Limiter
reads it as RATELIMIT_STORAGE_URI): Redis, shared by every worker and app server, or
memory:// in one process (development, tests, or one process on purpose, which the app
logs). When Redis stops answering while the app serves, the limits go on counting in
each process's memory (Flask-Limiter's in-memory fallback) rather than failing every
limited page or dropping the limits: the log says so in one line, /readyz reports the
storage as not ready, and shared counting resumes once Redis answers again.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..config import PROCESS_MEMORY, without_password

log = logging.getLogger("kedjekoll")

#: a Redis that hangs must not hold a request for long: it then counts in memory
_REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False,
                  storage_options=_REDIS_TIMEOUTS, in_memory_fallback_enabled=True,
                  swallow_errors=True)

#: 30 unknown or expired invitation links per address in 10 minutes, then 429
bad_token_limit = limiter.limit("30 per 10 minutes", deduct_when=lambda r: r.status_code == 404)


def _asked_address() -> str:
    """The e-mail address a new link is asked for, as the rate limit's key."""
    return "new-link:" + (request.form.get("email") or "").strip().lower()[:254]


#: asking for a new link: 10 per network address and 3 per e-mail address an hour,
#: so nobody floods a mailbox or tries addresses in bulk
new_link_limit = limiter.limit("10 per hour")
new_link_per_email = limiter.limit("3 per hour", key_func=_asked_address)


class _StorageEvents(logging.Handler):
    """Flask-Limiter's own words about its storage, said as Kedjekoll's one-line log
    (its logger has no handler of its own, so they would otherwise be lost)."""

    def emit(self, record: logging.LogRecord) -> None:
        said = record.getMessage()
        if said.startswith("Rate limit storage unreachable"):
            log.error("kedjekoll: the rate-limit storage (KEDJEKOLL_RATELIMIT_STORAGE_URI) "
                      "does not answer: each process counts the limits on its own until it "
                      "is back; /readyz says not ready")
        elif said.startswith("Rate limit storage recovered"):
            log.warning("kedjekoll: the rate-limit storage answers again: the limits are "
                        "shared again")
        elif said.startswith("Failed to"):
            failure = record.exc_info[1] if record.exc_info else None
            log.error("kedjekoll: a request was not counted against its rate limit: the "
                      "storage failed (%s)", type(failure).__name__ if failure else "unknown")


_EVENTS = _StorageEvents()


def init_limits(app: Flask) -> None:
    """Bind the limiter to the app, on the storage its configuration names."""
    limiter.init_app(app)
    events = logging.getLogger("flask-limiter")
    if _EVENTS not in events.handlers:
        events.addHandler(_EVENTS)
    uri = str(app.config["RATELIMIT_STORAGE_URI"])
    relaxed = app.config.get("DEBUG") or app.config.get("TESTING") or app.config.get("DEV")
    if uri == PROCESS_MEMORY:
        if not relaxed:
            log.warning("kedjekoll: KEDJEKOLL_RATELIMIT_STORAGE_URI=memory://: rate limits "
                        "are counted in this process only; run one process "
                        "(kedjekoll serve --workers 1), or set a Redis address")
    elif not limiter.storage.check():
        log.error("kedjekoll: the rate-limit storage %s does not answer yet; limits count "
                  "in each process until it does", without_password(uri))


def limit_storage_problem() -> str | None:
    """None when the rate-limit storage answers, else why not (no address: it may hold
    a password)."""
    if limiter.storage.check():
        return None
    return "the rate-limit storage does not answer (KEDJEKOLL_RATELIMIT_STORAGE_URI)"
