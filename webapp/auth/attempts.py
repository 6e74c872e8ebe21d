"""Failed staff sign-ins slow guessing down, per account and per network address.

OWASP ASVS 6.3 asks for both: an account gets a few tries, then a short pause that
grows as failures go on (5 in a minute, 10 in 15 minutes, 20 in an hour), and one
network address gets a larger budget across all accounts (an office behind one NAT
address must not lock itself out; 30 in 5 minutes, 100 in an hour). Only failures
count: signing in with the right password costs no budget, and it clears that
account's own failures but nothing another account or the address needs. While a
pause lasts the password is not checked at all, for a known e-mail and an unknown
one alike, so a pause tells nothing about which addresses have accounts (S7).

The counts live in the shared `limiter`'s storage (webapp/supplier/limits.py: memory,
or Redis shared by every worker), under a hash of the e-mail, never the address
itself. `SIGN_IN_ACCOUNT_LIMITS` and `SIGN_IN_ADDRESS_LIMITS` in the app's
configuration change the budgets (tests use windows of seconds). When that storage
cannot be reached, sign-in follows the shared limiter's `swallow_errors` setting: with
it, the failure is logged and sign-in goes on unlimited; without it, the error stands.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import lru_cache, wraps
from typing import TypeVar

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from ..store.staff import normalise_email
from ..supplier.limits import limiter

ACCOUNT_LIMITS = "5 per minute; 10 per 15 minutes; 20 per hour"
ADDRESS_LIMITS = "30 per 5 minutes; 100 per hour"

T = TypeVar("T")


def _unless_storage_fails(step: Callable[[str], T]) -> Callable[[str], T | None]:
    """`step`, or None (no pause, nothing counted) when the storage fails and the
    shared limiter swallows storage errors."""

    @wraps(step)
    def run(email: str) -> T | None:
        try:
            return step(email)
        except Exception:
            if not getattr(limiter, "_swallow_errors", False):
                raise
            current_app.logger.exception("staff sign-in limits not applied: the rate "
                                         "limit storage failed")
            return None

    return run


@lru_cache(maxsize=16)
def _parsed(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))


def _account_key(email: str) -> tuple[str, str]:
    digest = hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()
    return ("kedjekoll-sign-in-account", digest)


def _address_key() -> tuple[str, str]:
    """The client's address; an IPv6 client counts by its /64, which one home or
    office usually holds whole."""
    address = get_remote_address() or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ("kedjekoll-sign-in-address", address)
    if parsed.version == 6:
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return ("kedjekoll-sign-in-address", address)


def _budgets(email: str) -> Iterator[tuple[RateLimitItem, tuple[str, str]]]:
    config = current_app.config
    for item in _parsed(config.get("SIGN_IN_ACCOUNT_LIMITS") or ACCOUNT_LIMITS):
        yield item, _account_key(email)
    for item in _parsed(config.get("SIGN_IN_ADDRESS_LIMITS") or ADDRESS_LIMITS):
        yield item, _address_key()


@_unless_storage_fails
def paused_until(email: str) -> datetime | None:
    """The moment (UTC) the e-mail may be tried again from this address, while a
    budget is used up; None when it may be tried now."""
    strategy = limiter.limiter
    ends = [strategy.get_window_stats(item, *key).reset_time
            for item, key in _budgets(email) if not strategy.test(item, *key)]
    return datetime.fromtimestamp(max(ends), UTC) if ends else None


@_unless_storage_fails
def note_failure(email: str) -> datetime | None:
    """Count a wrong password (or unknown e-mail); the pause it starts, if any."""
    strategy = limiter.limiter
    for item, key in _budgets(email):
        strategy.hit(item, *key)
    until = paused_until(email)
    if until is not None:
        current_app.logger.warning("staff sign-in paused until %s UTC after failed attempts "
                                   "(account or address %s)", until.strftime("%H:%M:%S"),
                                   _address_key()[1])
    return until


@_unless_storage_fails
def note_success(email: str) -> None:
    """The right password: forget this account's failures (the address keeps its count)."""
    strategy = limiter.limiter
    for item in _parsed(current_app.config.get("SIGN_IN_ACCOUNT_LIMITS") or ACCOUNT_LIMITS):
        strategy.clear(item, *_account_key(email))
