"""The audit trail: one append-only event per action (shared/security.md S18)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
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
