"""Where a request comes from, and one log line per request.

Behind `KEDJEKOLL_PROXY_COUNT=N` proxies the app trusts the last N entries of their
X-Forwarded-For/-Proto/-Host headers (Werkzeug's ProxyFix), so rate limits, audit events
and the log see the client's address and HSTS follows the proxy's scheme; with no
proxies the headers are ignored, since anyone could send them.

Every request gets an id: the trusted proxy's X-Request-Id, else a new one. It is in the
request log, in the `X-Request-Id` response header, in the details of every audit event
the request records and on error pages ("Reference: ..."), so an operator can find the
one line a user's screenshot points at. The log line shows the path with invitation and
password tokens hidden (shared/security.md S15), never the query string.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from .security import SECRET_PATHS
from .store.models import AuditEvent

log = logging.getLogger("kedjekoll.requests")
_APP_LOG = logging.getLogger("kedjekoll")  # the request log and the app's own lines
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def init_request_log(app: Flask) -> None:
    """Trust the configured proxies, give each request an id and log it once."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies)
    if not _APP_LOG.handlers:
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        _APP_LOG.addHandler(handler)
        _APP_LOG.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_write_line)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def request_id() -> str:
    """This request's id (made on first use)."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-Id", "")
        trusted = current_app.config.get("PROXY_COUNT") and _GIVEN_ID.fullmatch(given)
        g.request_id = given if trusted else uuid.uuid4().hex
    return g.request_id


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def role() -> str:
    """anonymous, supplier, reviewer or admin: whose session the request ends with (so
    signing in logs the new role), for the log."""
    from flask_login import current_user

    from .access import SUPPLIER_KEY

    if session.get("_user_id") is not None:
        try:
            if current_user.is_authenticated:
                return "admin" if current_user.is_admin else "reviewer"
        except Exception:  # the log line must never fail the request it reports
            return "staff"
    if session.get(SUPPLIER_KEY):
        return "supplier"
    return "anonymous"


def _write_line(response: Response) -> Response:
    """Registered first, so it runs after every other after_request (the commit too)."""
    started = g.get("request_started")
    fields: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": request_id(),
        "method": request.method,
        "path": SECRET_PATHS.sub(r"\1[token]", request.path),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "role": role(),
        "address": request.remote_addr,
    }
    response.headers["X-Request-Id"] = fields["request_id"]
    if current_app.config.get("LOG_FORMAT") == "json":
        log.info(json.dumps(fields, ensure_ascii=False))
    else:
        log.info("%(time)s %(request_id)s %(method)s %(path)s %(status)s %(duration_ms)s ms "
                 "%(role)s %(address)s", fields)
    return response


def stamp_audit_events(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush of the app's sessions: each new audit event records the request's id
    and the client's address (behind trusted proxies, the real one)."""
    if not has_request_context():
        return
    for obj in session.new:
        if isinstance(obj, AuditEvent):
            details = dict(obj.details or {})
            details.setdefault("request_id", request_id())
            details.setdefault("address", request.remote_addr)
            obj.details = details
