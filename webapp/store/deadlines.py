"""A supplier's deadline: the campaign's, or a later one given to that supplier alone.

A supplier who asks for another week gets it here (`extend_deadline`), audited as
`deadline.extended` with the old and new dates and told by mail. Every reader of a
deadline (supplier pages, mails, reminders, overdue counts, link expiry) asks
`deadline_for`, or in a query its SQL twin `deadline_column`, so an extension counts
everywhere at once and nothing reads `Campaign.deadline` for a supplier directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, update
from sqlalchemy.orm import Session

from .audit import record
from .models import Campaign, InvitationLink, Response
from .status import IN_PROGRESS, INVITED, is_overdue, may_answer

#: a link keeps working this long after its response's deadline
TOKEN_VALID_AFTER_DEADLINE = timedelta(days=180)
MAX_REASON = 500


class DeadlineRefused(ValueError):
    """The deadline cannot be moved as asked; `code` says why, for the page's message.

    Codes: `waiting` (the supplier is not expected to answer, or the campaign is
    closed), `not_later` (not after the campaign's deadline), `past` (before today),
    `same` (the deadline already is that day), `reason` (no reason, or too long).
    """

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def deadline_for(response: Response) -> date:
    """The day this supplier must answer by: its own extension, else the campaign's."""
    return response.deadline or response.campaign.deadline


def deadline_column() -> Any:
    """`deadline_for` in SQL, for a query that joins Response to its Campaign."""
    return func.coalesce(Response.deadline, Campaign.deadline)


def overdue_condition(today: date) -> Any:
    """`is_overdue` in SQL (the same statuses, the same deadline), for counting in a query
    that joins Response to its Campaign."""
    return and_(Response.status.in_((INVITED, IN_PROGRESS)), deadline_column() < today)


def response_overdue(response: Response, today: date | None = None) -> bool:
    """Past this supplier's own deadline without an answer."""
    return is_overdue(response.status, deadline_for(response), today)


def link_expiry(deadline: date) -> datetime:
    """When a link to a response with this deadline stops working."""
    return datetime.combine(deadline, time.max, tzinfo=UTC) + TOKEN_VALID_AFTER_DEADLINE


def may_extend(response: Response) -> bool:
    """A deadline can be moved while the supplier may still answer."""
    return may_answer(response)


def extend_deadline(session: Session, response: Response, new: date, reason: str,
                    actor: str, today: date) -> date:
    """Give this supplier until `new`; returns the deadline it had. Flushes.

    `new` must be later than the campaign's deadline and not before `today`; an earlier
    extension may be moved either way within that. The supplier's links keep working
    as long after the new deadline as after the old one. One audit event, one mail.
    """
    from . import notices  # notices imports the mail composer's neighbours

    reason = (reason or "").strip()
    old = deadline_for(response)
    if not may_extend(response):
        raise DeadlineRefused("waiting", "the supplier is not expected to answer now")
    if new <= response.campaign.deadline:
        raise DeadlineRefused("not_later", "the new deadline must be after the campaign's")
    if new < today:
        raise DeadlineRefused("past", "the new deadline is in the past")
    if new == old:
        raise DeadlineRefused("same", "the supplier already has this deadline")
    if not reason or len(reason) > MAX_REASON:
        raise DeadlineRefused("reason", f"give a reason of 1 to {MAX_REASON} characters")
    response.deadline, response.deadline_reason = new, reason
    session.execute(update(InvitationLink).where(
        InvitationLink.response_id == response.id, InvitationLink.revoked_at.is_(None))
        .values(expires_at=link_expiry(new)).execution_options(synchronize_session=False))
    session.flush()
    record(session, actor, "deadline.extended", response, campaign=response.campaign_id,
           supplier=response.supplier_id, old=old.isoformat(), new=new.isoformat(),
           reason=reason)
    notices.deadline_extended(session, response, old, actor, today)
    return old
