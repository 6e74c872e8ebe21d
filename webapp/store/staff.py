"""Staff accounts: normalised e-mails, scrypt password hashes, one-time password links.

Signing in answers the same way for an unknown e-mail and a wrong password, and takes
the same work (a hash is checked either way) (shared/security.md S7).

Administrators invite people, change roles, deactivate and reactivate accounts. There
is always at least one active administrator: the last one can be neither demoted nor
deactivated. Deactivating ends the person's sessions at once (their session epoch
moves on) and voids any set-password link they hold.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..definitions.characters import control_character
from .audit import record
from .models import OutboxMessage, StaffUser, utcnow
from .outbox import LINK, STAFF_INVITE, STAFF_RESET

ROLES = ("admin", "reviewer")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MIN_PASSWORD = 12
LINK_VALID = timedelta(hours=48)
_DUMMY_HASH = generate_password_hash("not a real password, only for timing", "scrypt")


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why.

    `code` names the reason (email, duplicate, role, password, last_admin) so that a page
    can say it in the reader's language.
    """

    def __init__(self, message: str, code: str = "account"):
        super().__init__(message)
        self.code = code


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters",
                           "password")
    return generate_password_hash(password, "scrypt")


def add_user(session: Session, email: str, name: str, role: str, actor: str,
             password: str | None = None, action: str = "staff.added") -> StaffUser:
    """A new account; without a password it waits for its set-password link.

    `action` is the audit event: `staff.added` from the command line, `user.invited`
    when an administrator invites someone from the accounts page.
    """
    email = normalise_email(email)
    if not EMAIL.fullmatch(email) or len(email) > 254 or control_character(email):
        raise AccountError(f"{email!r} is not an e-mail address", "email")
    if control_character(name or ""):  # the web form says so first; this is for the CLI
        raise AccountError(f"the name {name!r} holds a control character", "name")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "role")
    if by_email(session, email) is not None:
        raise AccountError(f"{email} already has an account", "duplicate")
    user = StaffUser(email=email, name=name.strip() or email, role=role,
                     password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    record(session, actor, action, user, role=role)
    return user


def by_email(session: Session, email: str) -> StaffUser | None:
    """The account of an e-mail address; None for one that no account can have (with a
    control character, which PostgreSQL could not even compare)."""
    if control_character(normalise_email(email)):
        return None
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active user with this e-mail and password, else None (same work either way)."""
    user = by_email(session, email)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password_hash(stored, password or "")
    if user is None or not user.active or not user.password_hash or not matches:
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def password_link_token(session: Session, user: StaffUser, actor: str) -> str:
    """A one-time token for setting a password, valid 48 hours; only its hash is kept.

    Minting a new one voids the earlier link.
    """
    if not user.active:
        raise AccountError(f"{user.email} is deactivated", "inactive")
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
    if user is None or not user.active or user.password_token_expires_at is None:
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


def note_sign_in(user: StaffUser) -> None:
    """Remember when the person last signed in (shown on the accounts page)."""
    user.last_signed_in_at = utcnow()


@dataclass(frozen=True)
class Account:
    """A row of the accounts page: the person, and whether a mail to them is waiting."""

    user: StaffUser
    mail_waiting: bool

    @property
    def invited(self) -> bool:
        """Invited (or reset) but no password chosen yet."""
        return self.user.password_hash is None


def accounts(session: Session) -> list[Account]:
    """Every staff account, active ones first, then by name (two queries)."""
    waiting = set(session.scalars(select(OutboxMessage.staff_user_id).where(
        OutboxMessage.staff_user_id.is_not(None), OutboxMessage.sent_at.is_(None))))
    users = session.scalars(select(StaffUser).order_by(
        StaffUser.active.desc(), StaffUser.name, StaffUser.email))
    return [Account(user, user.id in waiting) for user in users]


def last_admin(session: Session, user: StaffUser) -> bool:
    """Whether `user` is the only active administrator (who must stay one)."""
    if user.role != "admin" or not user.active:
        return False
    return session.scalar(select(StaffUser.id).where(
        StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id)
        .limit(1)) is None


def _keep_an_admin(session: Session, user: StaffUser) -> None:
    """Refuse to leave the system without an active administrator.

    Every active administrator's row is locked in id order (PostgreSQL), so two
    administrators demoting each other at the same moment queue up instead of both
    succeeding (or deadlocking): the second sees the first's change and is refused.
    """
    if user.role != "admin" or not user.active:
        return
    admins = session.scalars(select(StaffUser.id).where(
        StaffUser.role == "admin", StaffUser.active.is_(True))
        .order_by(StaffUser.id).with_for_update()).all()
    if not [other for other in admins if other != user.id]:
        raise AccountError(f"{user.email} is the last active administrator", "last_admin")


def change_role(session: Session, user: StaffUser, role: str, actor: str) -> bool:
    """Give the account another role; False if it had it already. Takes effect on the
    person's next request (the role is read from the row each time)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "role")
    if role == user.role:
        return False
    if role != "admin":
        _keep_an_admin(session, user)
    record(session, actor, "user.role_changed", user, before=user.role, after=role)
    user.role = role
    return True


def deactivate(session: Session, user: StaffUser, actor: str) -> bool:
    """Close the account: its sessions end now and its password link stops working.
    False if it was closed already."""
    if not user.active:
        return False
    _keep_an_admin(session, user)
    user.active = False
    user.session_epoch += 1
    user.password_token_hash = None
    user.password_token_expires_at = None
    record(session, actor, "user.disabled", user)
    return True


def reactivate(session: Session, user: StaffUser, actor: str) -> bool:
    """Open a closed account again (its old password works again); False if open."""
    if user.active:
        return False
    user.active = True
    record(session, actor, "user.enabled", user)
    return True


def queue_password_mail(session: Session, user: StaffUser, kind: str, subject: str, body: str,
                        language: str, actor: str) -> OutboxMessage | None:
    """Queue an invitation or reset mail (`STAFF_INVITE`, `STAFF_RESET`) in the outbox;
    None if one of that kind to this person is still waiting.

    The body holds LINK: the sender mints the person's set-password link when the mail
    leaves (so no token is stored), which also voids any earlier link. A reset is
    audited as `user.reset_sent`; an invitation's event is the account's `user.invited`.
    """
    if kind not in (STAFF_INVITE, STAFF_RESET):
        raise ValueError(f"{kind!r} is not a staff mail")
    if LINK not in body:
        raise ValueError(f"a {kind} mail must contain {LINK}")
    if not user.active:
        raise AccountError(f"{user.email} is deactivated", "inactive")
    if session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.staff_user_id == user.id, OutboxMessage.kind == kind,
            OutboxMessage.sent_at.is_(None))):
        return None
    message = OutboxMessage(
        kind=kind, staff_user_id=user.id, recipients=[user.email], language=language,
        subject=subject[:300], body=body, queued_by=actor,
        dedupe_key=f"{kind}:{user.id}:{secrets.token_hex(8)}")
    session.add(message)
    session.flush()
    record(session, actor, "mail.queued", message, staff_user=user.id, kind=kind)
    if kind == STAFF_RESET:
        record(session, actor, "user.reset_sent", user, via="mail", mail=message.id)
    return message


def reset_link(session: Session, user: StaffUser, actor: str) -> str:
    """A reset handed over directly (the command line prints it): audited as
    `user.reset_sent`, and the link itself as `staff.password_link`."""
    token = password_link_token(session, user, actor)
    record(session, actor, "user.reset_sent", user, via="link")
    return token
