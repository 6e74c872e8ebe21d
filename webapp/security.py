"""Response headers every page gets (shared/security.md S17, S15, S9), and request logs
that never show a link's token (S15)."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, request

# Paths that carry a secret: the supplier's invitation link and the set-password link.
SECRET_PATHS = re.compile(r"(/i/|/staff/password/)[^\s\"?#]+")


class HideTokens(logging.Filter):
    """Rewrites a log record so the token in an invitation or password link reads
    `[token]`: the request log of a server writes every path it serves."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = SECRET_PATHS.sub(r"\1[token]", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def hide_tokens_in(logger: logging.Logger) -> None:
    if not any(isinstance(f, HideTokens) for f in logger.filters):
        logger.addFilter(HideTokens())

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def init_security(app: Flask) -> None:
    hide_tokens_in(logging.getLogger("werkzeug"))  # the request log of `kedjekoll serve`
    hide_tokens_in(logging.getLogger("gunicorn.access"))
    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response
