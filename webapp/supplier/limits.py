"""Rate limits (Flask-Limiter): guessing invitation tokens is slowed down (S6)."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[],
                  headers_enabled=False)

#: 30 unknown or expired invitation links per address in 10 minutes, then 429
bad_token_limit = limiter.limit("30 per 10 minutes", deduct_when=lambda r: r.status_code == 404)
