"""Rate limits (Flask-Limiter): guessing invitation tokens and asking for new links
are slowed down (S6, S7)."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[],
                  headers_enabled=False)

#: 30 unknown or expired invitation links per address in 10 minutes, then 429
bad_token_limit = limiter.limit("30 per 10 minutes", deduct_when=lambda r: r.status_code == 404)


def _asked_address() -> str:
    """The e-mail address a new link is asked for, as the rate limit's key."""
    return "new-link:" + (request.form.get("email") or "").strip().lower()[:254]


#: asking for a new link: 10 per network address and 3 per e-mail address an hour,
#: so nobody floods a mailbox or tries addresses in bulk
new_link_limit = limiter.limit("10 per hour")
new_link_per_email = limiter.limit("3 per hour", key_func=_asked_address)
