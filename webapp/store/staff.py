"""Staff accounts: normalised e-mails, scrypt password hashes, one-time password links.

Signing in answers the same way for an unknown e-mail and a wrong password, and takes
the same work (a hash is checked either way) (shared/security.md S7).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .audit import record
from .models import StaffUser, utcnow

ROLES = ("admin", "reviewer")
MIN_PASSWORD = 12
LINK_VALID = timedelta(hours=48)
_DUMMY_HASH = generate_password_hash("not a real password, only for timing", "scrypt")


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    return generate_password_hash(password, "scrypt")


def add_user(session: Session, email: str, name: str, role: str, actor: str,
             password: str | None = None) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
        raise AccountError(f"{email} already has an account")
    user = StaffUser(email=email, name=name.strip() or email, role=role,
                     password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    record(session, actor, "staff.added", user, role=role)
    return user


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active user with this e-mail and password, else None (same work either way)."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password_hash(stored, password or "")
    if user is None or not user.active or not user.password_hash or not matches:
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def password_link_token(session: Session, user: StaffUser, actor: str) -> str:
    """A one-time token for setting a password, valid 48 hours; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    user.password_token_hash = _token_hash(token)
    user.password_token_expires_at = utcnow() + LINK_VALID
    record(session, actor, "staff.password_link", user)
    return token


def user_for_token(session: Session, token: str) -> StaffUser | None:
    if not token or len(token) > 200:
        return None
    user = session.scalar(select(StaffUser).where(
        StaffUser.password_token_hash == _token_hash(token)))
    if user is None or user.password_token_expires_at is None:
        return None
    expires = user.password_token_expires_at
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    return user if expires > datetime.now(UTC) else None


def set_password_with_token(session: Session, token: str, password: str) -> StaffUser:
    """Use a password link once: sets the password, forgets the token, ends sessions."""
    user = user_for_token(session, token)
    if user is None:
        raise AccountError("the link is not valid any more; ask an administrator for a new one")
    user.password_hash = hash_password(password)
    user.password_token_hash = None
    user.password_token_expires_at = None
    user.session_epoch += 1
    record(session, user.email, "staff.password_set", user)
    return user


def end_staff_sessions(session: Session, user: StaffUser) -> None:
    """Sign out everywhere: a replayed session cookie no longer works."""
    user.session_epoch += 1
    record(session, user.email, "staff.signed_out", user)
