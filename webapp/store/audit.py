"""The audit trail: one append-only event per action (shared/security.md S18)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, Base


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
