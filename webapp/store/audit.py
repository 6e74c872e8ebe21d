"""The audit trail: one append-only event per action (shared/security.md S18)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from .models import AuditEvent, Base


class AuditTrailIsAppendOnly(Exception):
    """Audit events are never changed or deleted."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")


def record(session: Session, actor: str, action: str, obj: Base | None = None,
           **details: Any) -> AuditEvent:
    """Add an audit event for `action` by `actor` on `obj`; flushed with the unit of work."""
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=obj.__tablename__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=details,
    )
    session.add(event)
    return event


class Event(NamedTuple):
    """One audit event for `record_many`: the action and the object's table and id."""

    action: str
    object_type: str
    object_id: int | None
    details: dict[str, Any]


def record_many(session: Session, actor: str, events: Iterable[Event], **stamp: Any) -> None:
    """Add many audit events by `actor` in one bulk insert (an import's thousands of
    rows, without an object each); `stamp` is added to every event's details."""
    rows = [{"actor": actor, "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "details": {**e.details, **stamp}} for e in events]
    if rows:
        session.execute(insert(AuditEvent.__table__), rows)
